"""A facility's own closed days (館内点検, 研修日 ...), beside public holidays and 年末年始 that
every series skips anyway: staff add and remove them; a series' preview and the printed
calendar read them. Sessions already published on a day later closed stay: staff cancel those
on purpose, as parents are told."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import AppValidationError
from events.models import Facility
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
