"""A facility's own closed days (館内点検, 研修日 ...), beside public holidays and 年末年始 that
every series skips anyway: staff add and remove them; a series' preview and the printed
calendar read them. Sessions already published on a day later closed stay: staff cancel those
on purpose, as parents are told."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import AppValidationError
from events.models import Facility
from schedule.days import in_new_year_closure
from schedule.models import ClosedDay


def closed_days_from(facility: Facility, first: date) -> QuerySet[ClosedDay]:
    """The facility's closed days from a date on, in order."""
    return ClosedDay.objects.filter(facility=facility, date__gte=first).order_by("date")


def closed_day_add(*, facility: Facility, day: date, name: str) -> ClosedDay:
    """Close a facility on a day; one closed day per date (the database's constraint)."""
    try:
        with transaction.atomic():
            return ClosedDay.objects.create(facility=facility, date=day, name=name.strip())
    except IntegrityError:
        raise AppValidationError({"date": [_("That day is already a closed day.")]}) from None


def closed_day_remove(*, facility: Facility, pk: int) -> int:
    """Open a closed day again; return how many were removed (0 if it was not there)."""
    deleted, _rows = ClosedDay.objects.filter(facility=facility, pk=pk).delete()
    return deleted


def closed_dates(facility_ids, first: date, last: date) -> set[tuple[int, date]]:
    """The (facility, date) pairs on which the facilities are closed from ``first`` to ``last``:
    their own closed days and 年末年始; read by the consultations app's free slots (registered
    in ``ScheduleConfig.ready``). One query."""
    ids = list(facility_ids)
    closed = set(
        ClosedDay.objects.filter(facility_id__in=ids, date__range=(first, last)).values_list(
            "facility_id", "date"
        )
    )
    day = first
    while day <= last:
        if in_new_year_closure(day):
            closed.update((facility_id, day) for facility_id in ids)
        day += timedelta(days=1)
    return closed
