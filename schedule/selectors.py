"""Reads of the schedule: a staff member's series (scoped to the facilities they work at), what
holds for a series from which day, and a facility's month as a calendar grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fields import query_integer
from events.models import FACILITY_ORDER, Facility, Session, SessionStatus, StaffRole
from events.selectors import staff_facility_ids
from schedule.days import NEW_YEAR_CLOSURE_NAME, holiday_name, in_new_year_closure, tokyo
from schedule.models import ClosedDay, Series


def staff_series(user: AbstractBaseUser) -> QuerySet[Series]:
    """The series of the facilities a staff member works at (every one for a superuser)."""
    series = Series.objects.select_related("program", "facility").prefetch_related("links")
    ids = staff_facility_ids(user)
    return series if ids is None else series.filter(facility_id__in=ids)


def staff_facility(user: AbstractBaseUser, slug: str) -> Facility | None:
    """The facility of that slug if the staff member works there (any for a superuser)."""
    ids = staff_facility_ids(user)
    facilities = Facility.objects.filter(slug=slug)
    return (facilities if ids is None else facilities.filter(pk__in=ids)).first()


@dataclass(frozen=True)
class Period:
    """Consecutive scheduled sessions of a series with the same times and capacity."""

    first: date
    last: date
    start: time
    end: time
    capacity: int


def series_periods(sessions: list[Session]) -> list[Period]:
    """What holds from which day: the scheduled sessions (in order) grouped while their times
    and capacity stay the same; a change from 1/20 makes two periods, 1/6-1/13 and from 1/20."""
    periods: list[Period] = []
    for session in sessions:
        if session.status != SessionStatus.SCHEDULED:
            continue
        start, end = timezone.localtime(session.start), timezone.localtime(session.end)
        facts = (start.time(), end.time(), session.capacity)
        last = periods[-1] if periods else None
        if last and (last.start, last.end, last.capacity) == facts:
            periods[-1] = Period(last.first, start.date(), *facts)
        else:
            periods.append(Period(start.date(), start.date(), *facts))
    return periods


def managed_facilities(user: AbstractBaseUser) -> QuerySet[Facility]:
    """The facilities a staff member manages (every one for a superuser), in the city's order."""
    ids = staff_facility_ids(user, role=StaffRole.MANAGER)
    facilities = Facility.objects.order_by(*FACILITY_ORDER)
    return facilities if ids is None else facilities.filter(pk__in=ids)


@dataclass
class Day:
    """One day of a month grid: its sessions, and why the facility is closed, if it is."""

    date: date
    in_month: bool
    holiday: str = ""
    closed: str = ""
    sessions: list[Session] = field(default_factory=list)


def month_of(value: str | None, today: date) -> date:
    """The first day of the month a query names (``2027-01``), else of this month."""
    if value and len(value) == 7 and value[4] == "-" and value.replace("-", "").isascii():
        year, month = (
            query_integer(value[:4], minimum=2000, maximum=2100),
            query_integer(value[5:], minimum=1, maximum=12),
        )
        if year and month:
            return date(year, month, 1)
    return today.replace(day=1)


def closure_name(day: date, closed_days: dict[date, str]) -> str:
    """Why a facility is closed on a day (年末年始, or the reason staff gave), or ""."""
    if in_new_year_closure(day):
        return NEW_YEAR_CLOSURE_NAME
    if day in closed_days:
        return closed_days[day] or str(_("Closed"))
    return ""


def month_grid(facility: Facility, month: date, *, public: bool = False) -> list[list[Day]]:
    """The weeks (Monday to Sunday) of a month at a facility, each day with its sessions in
    order, its public holiday and its closure (年末年始, the facility's closed days). ``public``
    leaves out cancelled sessions (the parents' calendar)."""
    first = month - timedelta(days=month.weekday())
    following = (month + timedelta(days=32)).replace(day=1)
    last = following + timedelta(days=(6 - (following - timedelta(days=1)).weekday()) - 1)
    sessions = (
        Session.objects.filter(
            facility=facility,
            start__gte=tokyo(first, time(0)),
            start__lt=tokyo(last + timedelta(days=1), time(0)),
        )
        .select_related("program", "series_link__series__program")
        .order_by("start")
    )
    if public:
        sessions = sessions.filter(status=SessionStatus.SCHEDULED)
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.start).date(), []).append(session)
    closed = dict(
        ClosedDay.objects.filter(facility=facility, date__range=(first, last)).values_list(
            "date", "name"
        )
    )
    weeks, day = [], first
    while day <= last:
        week = []
        for _weekday in range(7):
            week.append(
                Day(
                    date=day,
                    in_month=day.month == month.month,
                    holiday=holiday_name(day) or "",
                    closed=closure_name(day, closed),
                    sessions=by_day.get(day, []),
                )
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks
