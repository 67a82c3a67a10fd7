"""Publishing a month of sessions from a series, changing its later sessions, cancelling the
rest. Each write runs in one transaction; sessions are checked by the catalogue's own rules
(``events.services.session_validate``) and changes to booked sessions go through the staff
desk's services, so parties are kept and told exactly as for a single session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import format_days
from core.errors import AppValidationError
from events.models import Facility, Program, Session, SessionStatus
from events.services import session_validate
from schedule.days import (
    MAX_SPAN_DAYS,
    NEW_YEAR_CLOSURE_NAME,
    RegistrationRule,
    holiday_name,
    in_new_year_closure,
    pattern_dates,
    tokyo,
)
from schedule.models import ClosedDay, OpensRule, Series, SeriesSession
from staffdesk.models import StaffActionKind
from staffdesk.services import session_cancel_all, session_update, staff_action_record


@dataclass
class SeriesPattern:
    """What staff ask for: the pattern, the sessions' sizes and their registration rules."""

    program: Program
    facility: Facility
    weekdays: list[int]
    start_time: time
    end_time: time
    first_date: date
    last_date: date
    capacity: int
    nth: list[int] = field(default_factory=list)
    title: str = ""
    children_capacity: int | None = None
    childcare_capacity: int | None = None
    opens_rule: str = OpensRule.DAYS_BEFORE
    opens_days_before: int = 30
    opens_time: time = time(9, 0)
    closes_days_before: int = 1
    closes_time: time = time(17, 0)
    cancel_days_before: int = 1
    cancel_time: time = time(17, 0)
    include: list[date] = field(default_factory=list)  # dates staff added
    exclude: list[date] = field(default_factory=list)  # dates staff unticked

    @property
    def rule(self) -> RegistrationRule:
        return RegistrationRule(
            opens_previous_month_first=self.opens_rule == OpensRule.PREVIOUS_MONTH_FIRST,
            opens_days_before=self.opens_days_before,
            opens_time=self.opens_time,
            closes_days_before=self.closes_days_before,
            closes_time=self.closes_time,
            cancel_days_before=self.cancel_days_before,
            cancel_time=self.cancel_time,
        )


@dataclass(frozen=True)
class Skipped:
    date: date
    reason: str  # holiday, closed, clash
    name: str


@dataclass
class Preview:
    dates: list[date]
    skipped: list[Skipped]


def pattern_errors(pattern: SeriesPattern) -> dict[str, list[str]]:
    """Field errors of a pattern no series can be made of."""
    errors: dict[str, list[str]] = {}
    if not pattern.weekdays:
        errors["weekdays"] = [_("Choose at least one day of the week.")]
    if pattern.end_time <= pattern.start_time:
        errors["end_time"] = [_("The end must be after the start.")]
    if pattern.last_date < pattern.first_date:
        errors["last_date"] = [_("The last date must not be before the first.")]
    elif (pattern.last_date - pattern.first_date).days >= MAX_SPAN_DAYS:
        errors["last_date"] = [_("A series may span one year at most.")]
    if pattern.childcare_capacity and not pattern.program.childcare_offered:
        errors["childcare_capacity"] = [_("This programme does not offer childcare.")]
    if pattern.closes_days_before == 0 and pattern.closes_time > pattern.start_time:
        errors["closes_time"] = [_("Registration must close before the session starts.")]
    if pattern.cancel_days_before == 0 and pattern.cancel_time > pattern.start_time:
        errors["cancel_time"] = [_("The cancellation deadline must not be after the start.")]
    return errors


def series_preview(pattern: SeriesPattern) -> Preview:
    """The dates a series would create and the ones it skips (a public holiday, a day the
    facility is closed, another session at the facility at that time), staff's added and
    unticked dates applied. Reads only."""
    errors = pattern_errors(pattern)
    if errors:
        raise AppValidationError(errors)
    candidates = pattern_dates(pattern.weekdays, pattern.nth, pattern.first_date, pattern.last_date)
    closed = dict(
        ClosedDay.objects.filter(
            facility=pattern.facility, date__range=(pattern.first_date, pattern.last_date)
        ).values_list("date", "name")
    )
    clashes = _clashing_dates(pattern, candidates)
    dates, skipped = [], []
    for day in candidates:
        if day in pattern.exclude:
            continue
        holiday = holiday_name(day)
        if holiday:
            skipped.append(Skipped(day, "holiday", holiday))
        elif in_new_year_closure(day):
            skipped.append(Skipped(day, "closed", NEW_YEAR_CLOSURE_NAME))
        elif day in closed:
            skipped.append(Skipped(day, "closed", closed[day] or _("Closed")))
        elif day in clashes:
            skipped.append(Skipped(day, "clash", clashes[day]))
        else:
            dates.append(day)
    added = [d for d in pattern.include if d not in dates and d not in pattern.exclude]
    return Preview(dates=sorted({*dates, *added}), skipped=skipped)


def _clashing_dates(pattern: SeriesPattern, days: list[date]) -> dict[date, str]:
    """Days on which another session at the facility overlaps the series' time."""
    if not days:
        return {}
    found = {}
    others = Session.objects.filter(
        facility=pattern.facility,
        status=SessionStatus.SCHEDULED,
        start__lt=tokyo(days[-1], pattern.end_time),
        end__gt=tokyo(days[0], pattern.start_time),
    ).select_related("program")
    wanted = set(days)
    for other in others:
        day = other.start.astimezone(tokyo(days[0], pattern.start_time).tzinfo).date()
        if (
            day in wanted
            and other.start < tokyo(day, pattern.end_time)
            and other.end > tokyo(day, pattern.start_time)
        ):
            found[day] = other.display_title
    return found


def facility_lock(facility: Facility) -> None:
    """Serialise the publishing of sessions at a facility until the commit: the clash check
    reads the facility's sessions, so two staff publishing the same slot at once must not
    both find it free (the lock waits on PostgreSQL; SQLite has one writer anyway)."""
    Facility.objects.select_for_update().filter(pk=facility.pk).values_list("pk").first()


@transaction.atomic
def series_publish(
    pattern: SeriesPattern, *, by: AbstractBaseUser | None = None
) -> tuple[Series, list[Session]]:
    """Create the series and every session of its preview in one transaction."""
    facility_lock(pattern.facility)
    preview = series_preview(pattern)
    if not preview.dates:
        raise AppValidationError({"weekdays": [_("No date is left to publish.")]})
    series = Series.objects.create(
        program=pattern.program,
        facility=pattern.facility,
        title=pattern.title,
        weekdays=sorted(set(pattern.weekdays)),
        nth=sorted(set(pattern.nth)),
        start_time=pattern.start_time,
        end_time=pattern.end_time,
        first_date=pattern.first_date,
        last_date=pattern.last_date,
        capacity=pattern.capacity,
        children_capacity=pattern.children_capacity,
        childcare_capacity=pattern.childcare_capacity,
        opens_rule=pattern.opens_rule,
        opens_days_before=pattern.opens_days_before,
        opens_time=pattern.opens_time,
        closes_days_before=pattern.closes_days_before,
        closes_time=pattern.closes_time,
        cancel_days_before=pattern.cancel_days_before,
        cancel_time=pattern.cancel_time,
        created_by=by,
    )
    rule = pattern.rule
    sessions = []
    for day in preview.dates:
        opens, closes, deadline = rule.windows(day)
        values: dict[str, Any] = {
            "program": pattern.program,
            "facility": pattern.facility,
            "title": pattern.title,
            "start": tokyo(day, pattern.start_time),
            "end": tokyo(day, pattern.end_time),
            "capacity": pattern.capacity,
            "children_capacity": pattern.children_capacity,
            "childcare_capacity": pattern.childcare_capacity,
            "registration_opens": opens,
            "registration_closes": closes,
            "cancellation_deadline": deadline,
        }
        session_validate(values)
        sessions.append(Session(**values))
    sessions = Session.objects.bulk_create(sessions)
    SeriesSession.objects.bulk_create(SeriesSession(series=series, session=s) for s in sessions)
    staff_action_record(
        by=by,
        kind=StaffActionKind.SERIES_PUBLISH,
        facility_id=pattern.facility.pk,
        after={
            "series": series.pk,
            "sessions": len(sessions),
            "first": preview.dates[0].isoformat(),
            "last": preview.dates[-1].isoformat(),
        },
    )
    return series, sessions


def later_sessions(series: Series, from_date: date) -> list[Session]:
    """The series' sessions on or after a date, still scheduled, in order."""
    return list(
        Session.objects.filter(
            series_link__series=series,
            status=SessionStatus.SCHEDULED,
            start__gte=tokyo(from_date, time(0, 0)),
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
            {
                "start_time": [
                    _("Another session at the facility overlaps that time on %(days)s.")
                    % {"days": format_days(clashing, get_language())}
                ]
            }
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
        raise AppValidationError({"end_time": [_("The end must be after the start.")]})
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
