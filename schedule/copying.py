"""Copying a facility's month to the next: each session moves to the same weekday of the same
week of the next month (the second Tuesday to the second Tuesday), with the same times, sizes
and registration windows shifted by as many days, through the same preview as a series: days
of a public holiday, 年末年始, a closed day or a clash are skipped, and staff untick the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import AppValidationError
from events.models import Facility, Session, SessionStatus
from schedule.days import NEW_YEAR_CLOSURE_NAME, holiday_name, in_new_year_closure, tokyo
from schedule.models import ClosedDay
from schedule.services import facility_lock
from staffdesk.models import StaffActionKind
from staffdesk.services import staff_action_record


@dataclass(frozen=True)
class CopiedSession:
    """A session of the month and the day it would be copied to."""

    source: Session
    date: date
    reason: str = ""  # "", holiday, closed, clash, no_day
    name: str = ""


def next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def same_weekday_next_month(day: date) -> date | None:
    """The day of the next month on the same weekday of the same week (第2火曜日 to 第2火曜日),
    or None where the next month has no fifth such weekday."""
    target = next_month(day)
    target += timedelta(days=(day.weekday() - target.weekday()) % 7)
    target += timedelta(weeks=(day.day - 1) // 7)
    return target if target.month == next_month(day).month else None


def month_sessions(facility: Facility, month: date) -> list[Session]:
    """The facility's scheduled sessions of a month (Asia/Tokyo), in order; courses stay out:
    a course is booked as a whole and is planned on its own."""
    first = month.replace(day=1)
    return list(
        Session.objects.filter(
            facility=facility,
            status=SessionStatus.SCHEDULED,
            course__isnull=True,
            start__gte=tokyo(first, time(0)),
            start__lt=tokyo(next_month(first), time(0)),
        )
        .select_related("program")
        .order_by("start")
    )


def month_copy_preview(facility: Facility, month: date) -> list[CopiedSession]:
    """Every session of the month with the day it would move to and, for the skipped, why."""
    target_first = next_month(month)
    target_last = next_month(target_first) - timedelta(days=1)
    closed = dict(
        ClosedDay.objects.filter(
            facility=facility, date__range=(target_first, target_last)
        ).values_list("date", "name")
    )
    taken = [
        (s.start, s.end)
        for s in Session.objects.filter(
            facility=facility,
            status=SessionStatus.SCHEDULED,
            start__gte=tokyo(target_first, time(0)),
            start__lt=tokyo(target_last + timedelta(days=1), time(0)),
        ).only("start", "end")
    ]
    items = []
    for session in month_sessions(facility, month):
        local = timezone.localtime(session.start, tokyo(month, time(0)).tzinfo)
        day = same_weekday_next_month(local.date())
        if day is None:
            items.append(CopiedSession(session, local.date(), "no_day", _("No such day")))
            continue
        start = session.start + timedelta(days=(day - local.date()).days)
        end = session.end + (start - session.start)
        if holiday := holiday_name(day):
            items.append(CopiedSession(session, day, "holiday", holiday))
        elif in_new_year_closure(day):
            items.append(CopiedSession(session, day, "closed", NEW_YEAR_CLOSURE_NAME))
        elif day in closed:
            items.append(CopiedSession(session, day, "closed", closed[day] or _("Closed")))
        elif any(other_start < end and other_end > start for other_start, other_end in taken):
            items.append(CopiedSession(session, day, "clash", _("Another session")))
        else:
            items.append(CopiedSession(session, day))
    return items


@transaction.atomic
def month_copy(
    facility: Facility,
    month: date,
    *,
    exclude: list[int] | None = None,
    by: AbstractBaseUser | None = None,
) -> list[Session]:
    """Copy the month's sessions that the preview keeps (less the ``exclude``d source ids) to
    the next month in one transaction; return the new sessions."""
    facility_lock(facility)
    exclude = set(exclude or [])
    copies = []
    for item in month_copy_preview(facility, month):
        if item.reason or item.source.pk in exclude:
            continue
        source = item.source
        shift = timedelta(
            days=(
                item.date - timezone.localtime(source.start, tokyo(month, time(0)).tzinfo).date()
            ).days
        )
        copies.append(
            Session(
                program=source.program,
                facility=facility,
                title=source.title,
                start=source.start + shift,
                end=source.end + shift,
                capacity=source.capacity,
                children_capacity=source.children_capacity,
                childcare_capacity=source.childcare_capacity,
                waitlist_limit=source.waitlist_limit,
                registration_opens=source.registration_opens + shift,
                registration_closes=source.registration_closes + shift,
                cancellation_deadline=source.cancellation_deadline + shift,
            )
        )
    if not copies:
        raise AppValidationError({"month": [_("No session is left to copy.")]})
    copies = Session.objects.bulk_create(copies)
    staff_action_record(
        by=by,
        kind=StaffActionKind.MONTH_COPY,
        facility_id=facility.pk,
        after={
            "from": month.strftime("%Y-%m"),
            "to": next_month(month).strftime("%Y-%m"),
            "sessions": len(copies),
        },
    )
    return copies
