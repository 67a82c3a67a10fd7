"""Changing the later sessions of a series (time, capacity) and cancelling the rest, through
the staff desk's session services, so parties are kept and told exactly as for one session."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import format_days
from core.errors import AppValidationError
from events.models import Session, SessionStatus
from schedule.days import tokyo
from schedule.models import Series
from schedule.services.publishing import (
    CAPACITY_TOO_SMALL,
    CLASH_ON_DAYS,
    facility_lock,
    late_windows,
)
from staffdesk.models import StaffActionKind
from staffdesk.services import session_cancel_all, session_update, staff_action_record


def later_sessions(
    series: Series, from_date: date, *, now: datetime | None = None
) -> list[Session]:
    """The series' sessions on or after a date, still scheduled and not yet started, in order:
    a session that has taken place is not moved or cancelled, nor its parties emailed."""
    return list(
        Session.objects.filter(
            series_link__series=series,
            status=SessionStatus.SCHEDULED,
            start__gte=max(tokyo(from_date, time(0, 0)), now or timezone.now()),
        ).order_by("start")
    )


def moved_clashes(series: Series, sessions: list[Session], start: time, end: time) -> None:
    """Refuse a new time that would overlap another session at the facility on any day."""
    facility_lock(series.facility)
    days = [s.start.astimezone(tokyo(series.first_date, start).tzinfo).date() for s in sessions]
    others = Session.objects.filter(
        facility_id=series.facility_id,
        status=SessionStatus.SCHEDULED,
        start__lt=tokyo(days[-1], end),
        end__gt=tokyo(days[0], start),
    ).exclude(pk__in=[s.pk for s in sessions])
    clashing = sorted(
        {
            day
            for day in days
            for o in others
            if o.start < tokyo(day, end) and o.end > tokyo(day, start)
        }
    )
    if clashing:
        raise AppValidationError(
            {"start_time": [CLASH_ON_DAYS % {"days": format_days(clashing, get_language())}]}
        )


@transaction.atomic
def series_change_later(
    series: Series,
    *,
    from_date: date,
    by: AbstractBaseUser | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    capacity: int | None = None,
    reason: str = "",
) -> list[Session]:
    """Change the time or capacity of this and later sessions; booked parties are kept and
    told once each (the staff desk's session change). Capacity never goes below the seats a
    session has taken: the whole change is refused, naming the sessions."""
    start_time = start_time or series.start_time
    end_time = end_time or series.end_time
    if end_time <= start_time:
        raise AppValidationError({"end_time": [_("The end time must be after the start time.")]})
    # The series' windows as published: on the day itself they end no later than the new start,
    # as its sessions' own windows must; the first that would not is said on the start.
    late = list(late_windows(series, start_time).values())
    if late:
        raise AppValidationError({"start_time": late[:1]})
    if capacity is not None and capacity < 1:
        # 0 closes a single session to bookings at the desk; a series' sessions keep a seat.
        raise AppValidationError({"capacity": [CAPACITY_TOO_SMALL]})
    sessions = later_sessions(series, from_date)
    if capacity is not None:
        too_small = [s for s in sessions if s.seats_taken > capacity]
        if too_small:
            raise AppValidationError(
                {
                    "capacity": [
                        _("%(count)d sessions already have more seats taken than %(capacity)d.")
                        % {"count": len(too_small), "capacity": capacity}
                    ]
                }
            )
    if sessions and (start_time, end_time) != (series.start_time, series.end_time):
        moved_clashes(series, sessions, start_time, end_time)
    changed = []
    for session in sessions:
        day = session.start.astimezone(tokyo(from_date, start_time).tzinfo).date()
        values: dict[str, Any] = {}
        if (start_time, end_time) != (series.start_time, series.end_time):
            values["start"] = tokyo(day, start_time)
            values["end"] = tokyo(day, end_time)
        if capacity is not None:
            values["capacity"] = capacity
        if values:
            changed.append(session_update(session=session, by=by, reason=reason, **values))
    Series.objects.filter(pk=series.pk).update(
        start_time=start_time,
        end_time=end_time,
        capacity=capacity if capacity is not None else series.capacity,
    )
    staff_action_record(
        by=by,
        kind=StaffActionKind.SERIES_CHANGE,
        facility_id=series.facility_id,
        reason=reason,
        before={
            "start_time": series.start_time.isoformat("minutes"),
            "end_time": series.end_time.isoformat("minutes"),
            "capacity": series.capacity,
        },
        after={
            "series": series.pk,
            "from": from_date.isoformat(),
            "start_time": start_time.isoformat("minutes"),
            "end_time": end_time.isoformat("minutes"),
            "capacity": capacity if capacity is not None else series.capacity,
            "sessions": len(changed),
        },
    )
    series.refresh_from_db()
    return changed


@transaction.atomic
def series_cancel_rest(
    series: Series, *, from_date: date, reason: str, by: AbstractBaseUser | None = None
) -> list[Session]:
    """Cancel this and later sessions of a series; every party is told as for one session."""
    cancelled = [
        session_cancel_all(session=session, by=by, reason=reason)
        for session in later_sessions(series, from_date)
    ]
    staff_action_record(
        by=by,
        kind=StaffActionKind.SERIES_CANCEL,
        facility_id=series.facility_id,
        reason=reason,
        after={"series": series.pk, "from": from_date.isoformat(), "sessions": len(cancelled)},
    )
    return cancelled
