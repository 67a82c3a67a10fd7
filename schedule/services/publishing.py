"""Publishing a month of sessions from a series: the pattern staff fill, its preview (the dates
it creates, the ones it leaves out and why) and the one transaction that publishes it. Sessions
are checked by the catalogue's own rules (``events.services.session_validate``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
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
from staffdesk.services import staff_action_record

# Shown on a form's field and in an API answer's ``fields``, in the request's language.
CAPACITY_TOO_SMALL = gettext_lazy("Capacity must be at least 1.")
PAST_DATES = gettext_lazy("Past dates cannot be published.")
# Said of a later change's new time too (schedule.services.later).
CLASH_ON_DAYS = gettext_lazy("Another session at the facility overlaps that time on %(days)s.")
ADDED_OUTSIDE = gettext_lazy("Add only dates from the first to the last date.")


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
    reason: str  # past, holiday, closed, clash
    name: str


@dataclass
class Preview:
    dates: list[date]
    skipped: list[Skipped]


def pattern_errors(pattern: SeriesPattern, *, now: datetime | None = None) -> dict[str, list]:
    """Field errors of a pattern no series can be made of.

    A session's capacity of 0 is legitimate at the desk (a session closed to bookings; the
    session table's CHECK is ``capacity >= 0``), but a series published with no seat is a
    mistake: refused here, for the page and the API alike.
    """
    errors: dict[str, list] = {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    if pattern.last_date < today:
        # Every date is past (11/1-11/30 filled in on 12/6): the staff member meant another
        # month, so say so on the dates rather than preview nothing.
        errors["last_date"] = [PAST_DATES]
        if pattern.first_date < today:
            errors["first_date"] = [PAST_DATES]
    if pattern.capacity < 1:
        errors["capacity"] = [CAPACITY_TOO_SMALL]
    if any(tokyo(day, pattern.start_time) <= now for day in pattern.include):
        errors["include"] = [PAST_DATES]
    elif any(not pattern.first_date <= day <= pattern.last_date for day in pattern.include):
        # Else a series spans more than its dates say, and more than the year it may.
        errors["include"] = [ADDED_OUTSIDE]
    if not pattern.weekdays:
        errors["weekdays"] = [_("Choose at least one day of the week.")]
    if pattern.end_time <= pattern.start_time:
        errors["end_time"] = [_("The end time must be after the start time.")]
    if pattern.last_date < pattern.first_date:
        errors.setdefault("last_date", []).append(_("The last date must not be before the first."))
    elif (pattern.last_date - pattern.first_date).days >= MAX_SPAN_DAYS:
        errors.setdefault("last_date", []).append(_("A series may span one year at most."))
    if pattern.childcare_capacity and not pattern.program.childcare_offered:
        errors["childcare_capacity"] = [_("This programme does not offer childcare.")]
    for name, message in late_windows(pattern, pattern.start_time).items():
        errors[name] = [message]
    return errors


def late_windows(windows: SeriesPattern | Series, start_time: time) -> dict[str, str]:
    """A series' windows that, on the day itself, end after ``start_time`` (schedule.models'
    CHECKs), each with what is wrong with it: registration first, then cancellations."""
    late = {}
    if windows.closes_days_before == 0 and windows.closes_time > start_time:
        late["closes_time"] = _("Registration must close before the session starts.")
    if windows.cancel_days_before == 0 and windows.cancel_time > start_time:
        late["cancel_time"] = _("The cancellation deadline must not be after the start.")
    return late


def series_preview(pattern: SeriesPattern, *, now: datetime | None = None) -> Preview:
    """The dates a series would create and the ones it skips (a day already past, a public
    holiday, a day the facility is closed, another session at the facility at that time),
    staff's added and unticked dates applied. Reads only."""
    now = now or timezone.now()
    errors = pattern_errors(pattern, now=now)
    if errors:
        raise AppValidationError(errors)
    candidates = pattern_dates(pattern.weekdays, pattern.nth, pattern.first_date, pattern.last_date)
    closed = dict(
        ClosedDay.objects.filter(
            facility=pattern.facility, date__range=(pattern.first_date, pattern.last_date)
        ).values_list("date", "name")
    )
    # Staff's added dates lie within the first and last date (pattern_errors): one read of
    # the facility's sessions answers for them and the pattern's own dates.
    clashes = _clashing_dates(pattern, sorted({*candidates, *pattern.include}))
    dates, skipped = [], []
    for day in candidates:
        if day in pattern.exclude:
            continue
        holiday = holiday_name(day)
        if tokyo(day, pattern.start_time) <= now:
            # A month filled in from the 1st a few days into it (12/1-12/31 on 12/6): staff
            # expect the rest of the month, as with a holiday, not a refusal that makes them
            # work out the next Wednesday; the preview lists the days left out, as past.
            skipped.append(Skipped(day, "past", ""))
        elif holiday:
            skipped.append(Skipped(day, "holiday", holiday))
        elif in_new_year_closure(day):
            skipped.append(Skipped(day, "closed", NEW_YEAR_CLOSURE_NAME))
        elif day in closed:
            skipped.append(Skipped(day, "closed", closed[day] or _("Closed")))
        elif day in clashes:
            skipped.append(Skipped(day, "clash", clashes[day]))
        else:
            dates.append(day)
    added = sorted({d for d in pattern.include if d not in dates and d not in pattern.exclude})
    # A date staff add may fall on a holiday or a closed day (they mean it), but never on
    # another session's time at the facility: two sessions would share the room.
    clashing = [day for day in added if day in clashes]
    if clashing:
        days = format_days(clashing, get_language())
        raise AppValidationError({"include": [CLASH_ON_DAYS % {"days": days}]})
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
    pattern: SeriesPattern, *, by: AbstractBaseUser | None = None, now: datetime | None = None
) -> tuple[Series, list[Session]]:
    """Create the series and every session of its preview in one transaction."""
    facility_lock(pattern.facility)
    preview = series_preview(pattern, now=now)
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
