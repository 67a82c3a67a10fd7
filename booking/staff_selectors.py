"""Reads for facility staff: today's sessions, rosters, waiting lists, audit log, exports, report.

Each read runs a fixed number of SQL queries whatever the number of parties or sessions
(rosters of 500 parties, a report over a year of 5,000 sessions): rows are fetched with their
relations in one go and aggregated in the database or in one pass in Python.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from booking.models import (
    SEAT_HOLDING,
    LotteryDraw,
    Reservation,
    ReservationHistory,
    ReservationStatus,
    SessionAttendance,
    StaffAction,
)
from booking.services import waitlist_queryset
from booking.staff_services import ATTENDED, NO_SHOW, is_walk_in_placeholder, roster_filter
from events.models import Facility, Session, SessionStatus
from events.selectors import staff_facility_ids, user_can_manage_facility
from notifications.models import Notification, NotificationKind, NotificationStatus

User = AbstractBaseUser | AnonymousUser


# --- scope -------------------------------------------------------------------------------


def staff_facilities(user: User) -> QuerySet[Facility]:
    """Facilities the user works at (every facility for a superuser)."""
    ids = staff_facility_ids(user)
    qs = Facility.objects.order_by("city", "name")
    return qs if ids is None else qs.filter(pk__in=ids)


def is_staff_member(user: User) -> bool:
    ids = staff_facility_ids(user)
    return ids is None or bool(ids)


def staff_session(user: User, pk: Any) -> Session:
    """Return a session of one of the user's facilities; any other session does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    session = Session.objects.select_related("program", "facility", "course").filter(pk=pk).first()
    ids = staff_facility_ids(user)
    if session is None or (ids is not None and session.facility_id not in ids):
        raise Http404
    return session


def can_manage(user: User, session: Session) -> bool:
    return user_can_manage_facility(user, session.facility_id)


def staff_facility(user: User, slug: str | None) -> Facility | None:
    """The facility named by slug if the user works there; None for "all of mine"."""
    if not slug:
        return None
    facility = staff_facilities(user).filter(slug=slug).first()
    if facility is None:
        raise Http404
    return facility


# --- today -------------------------------------------------------------------------------


def _count_of(qs: QuerySet, inner: str, outer: str) -> Coalesce:
    """A correlated COUNT: rows of ``qs`` whose ``inner`` is the session's ``outer``."""
    counted = (
        qs.filter(**{inner: OuterRef(outer)})
        .order_by()
        .values(inner)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sessions_on_day(*, user: User, day: date, facility: Facility | None = None) -> list[Session]:
    """The day's sessions at the user's facilities, with seats taken and the waiting list."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    qs = Session.objects.select_related("program", "facility", "course").filter(
        start__gte=start, start__lt=start + timedelta(days=1)
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        qs = qs.filter(facility_id__in=ids)
    if facility is not None:
        qs = qs.filter(facility=facility)
    waiting = Reservation.objects.filter(status=ReservationStatus.WAITLISTED)
    qs = qs.annotate(
        waitlist_own=_count_of(waiting, "session_id", "pk"),
        waitlist_course=_count_of(waiting, "course_id", "course_id"),
        attended_own=_count_of(
            Reservation.objects.filter(status=ReservationStatus.ATTENDED), "session_id", "pk"
        ),
        attended_course=_count_of(
            SessionAttendance.objects.filter(status=ATTENDED), "session_id", "pk"
        ),
    )
    sessions = list(qs.order_by("start", "facility__name", "id"))
    for s in sessions:
        s.waitlist_length = s.waitlist_own + s.waitlist_course
        s.checked_in = s.attended_own + s.attended_course
    return sessions


# --- roster ------------------------------------------------------------------------------

SORTS = ("kana", "code")
ROSTER_SCOPES = ("active", "all")


def to_katakana(text: str) -> str:
    """Fold hiragana into katakana (and half-width into full-width) to sort and search kana."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def to_hiragana(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


@dataclass
class RosterRow:
    reservation: Reservation
    attendance: str
    notification: Notification | None  # the latest one
    notifications_failed: int
    # Display labels in the request's language (translated once per roster, not per row).
    status_label: str = ""
    notification_label: str = ""
    notification_status_label: str = ""

    @property
    def code(self) -> str:
        return self.reservation.code

    @property
    def email(self) -> str:
        email = self.reservation.email
        return "" if is_walk_in_placeholder(email) else email

    @property
    def sort_name(self) -> str:
        r = self.reservation
        return to_katakana(r.name_kana or r.name)

    @property
    def expected(self) -> bool:
        return self.reservation.status in SEAT_HOLDING and not self.attendance

    @property
    def checkable(self) -> bool:
        """Whether the party may be checked in (or the check-in undone)."""
        r = self.reservation
        if r.course_id is not None:
            return r.status in (ReservationStatus.CONFIRMED, ReservationStatus.WON)
        return r.status in SEAT_HOLDING

    @property
    def ages_text(self) -> str:
        return ", ".join(str(age) for age in self.reservation.children_ages or [])


@dataclass
class Roster:
    session: Session
    rows: list[RosterRow]
    sort: str
    query: str
    scope: str

    @property
    def parties(self) -> int:
        return sum(1 for r in self.rows if r.reservation.status in SEAT_HOLDING)

    @property
    def people(self) -> int:
        return sum(
            r.reservation.adults + r.reservation.children
            for r in self.rows
            if r.reservation.status in SEAT_HOLDING
        )

    @property
    def attended(self) -> int:
        return sum(1 for r in self.rows if r.attendance == ATTENDED)

    @property
    def no_shows(self) -> int:
        return sum(1 for r in self.rows if r.attendance == NO_SHOW)


def roster(
    *, session: Session, sort: str = "kana", query: str = "", scope: str = "active"
) -> Roster:
    """Return the session's parties with attendance and notification state, in 3 queries.

    ``scope`` "active" lists the parties holding seats (the door list); "all" adds the waiting
    list, lottery applicants and cancellations.
    """
    sort = sort if sort in SORTS else "kana"
    scope = scope if scope in ROSTER_SCOPES else "active"
    qs = Reservation.objects.filter(roster_filter(session))
    if scope == "active":
        qs = qs.filter(status__in=SEAT_HOLDING)
    query = (query or "").strip()
    if query:
        variants = {query, to_katakana(query), to_hiragana(query)}
        match = Q()
        for v in variants:
            match |= (
                Q(name__icontains=v)
                | Q(name_kana__icontains=v)
                | Q(code__icontains=v)
                | Q(phone__icontains=v)
                | Q(email__icontains=v)
            )
        qs = qs.filter(match)
    notifications = Notification.objects.only(
        "id", "reservation_id", "kind", "status", "created_at", "sent_at", "due_at"
    ).order_by("-created_at", "-id")
    attendances = SessionAttendance.objects.filter(session=session).only(
        "id", "reservation_id", "session_id", "status"
    )
    qs = qs.prefetch_related(
        Prefetch("notifications", queryset=notifications, to_attr="notification_list"),
    )
    if session.course_id:
        qs = qs.prefetch_related(
            Prefetch("session_attendances", queryset=attendances, to_attr="attendance_here")
        )
    status_labels = _labels(ReservationStatus.choices)
    kind_labels = _labels(NotificationKind.choices)
    sending_labels = _labels(NotificationStatus.choices)
    rows = []
    for r in qs:
        if r.course_id is None:
            attendance = {ReservationStatus.ATTENDED: ATTENDED, ReservationStatus.NO_SHOW: NO_SHOW}
            state = attendance.get(r.status, "")
        else:
            here = getattr(r, "attendance_here", [])
            state = here[0].status if here else ""
        latest = r.notification_list[0] if r.notification_list else None
        rows.append(
            RosterRow(
                reservation=r,
                attendance=state,
                notification=latest,
                notifications_failed=sum(
                    1 for n in r.notification_list if n.status == NotificationStatus.FAILED
                ),
                status_label=status_labels.get(r.status, r.status),
                notification_label=kind_labels.get(latest.kind, latest.kind) if latest else "",
                notification_status_label=(
                    sending_labels.get(latest.status, latest.status) if latest else ""
                ),
            )
        )
    if sort == "code":
        rows.sort(key=lambda row: row.code)
    else:
        rows.sort(key=lambda row: (row.sort_name, row.reservation.name, row.code))
    return Roster(session=session, rows=rows, sort=sort, query=query, scope=scope)


def attended_count(session: Session) -> int:
    """Parties checked in at a session so far."""
    own = Reservation.objects.filter(session=session, status=ReservationStatus.ATTENDED).count()
    if not session.course_id:
        return own
    return own + SessionAttendance.objects.filter(session=session, status=ATTENDED).count()


# --- waiting list, lottery, audit log ----------------------------------------------------


@dataclass
class WaitingList:
    session: Session
    waiting: list[Reservation]
    applicants: list[Reservation]
    draw: LotteryDraw | None


def waiting_list(*, session: Session) -> WaitingList:
    course = session.course if session.course_id else None
    waiting = list(waitlist_queryset(session=None if course else session, course=course))
    applicants = list(
        Reservation.objects.filter(
            roster_filter(session), status=ReservationStatus.APPLIED
        ).order_by("priority_group", "id")
    )
    draw = LotteryDraw.objects.filter(session=session).select_related("drawn_by").first()
    return WaitingList(session=session, waiting=waiting, applicants=applicants, draw=draw)


def audit_log(*, session: Session) -> QuerySet[StaffAction]:
    return (
        StaffAction.objects.filter(session=session)
        .select_related("actor", "reservation")
        .order_by("-at", "-id")
    )


# --- date range export -------------------------------------------------------------------


@dataclass
class ExportRow:
    session: Session
    reservation: Reservation
    attendance: str


def export_rows(
    *, user: User, date_from: date, date_to: date, facility: Facility | None = None
) -> list[ExportRow]:
    """Every party of every session between two dates (inclusive) at the user's facilities."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    sessions = Session.objects.select_related("program", "facility").filter(
        start__gte=start, start__lt=end
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        sessions = sessions.filter(facility_id__in=ids)
    if facility is not None:
        sessions = sessions.filter(facility=facility)
    sessions = list(sessions.order_by("start", "id"))
    by_session: dict[int, list[Reservation]] = defaultdict(list)
    by_course: dict[int, list[Reservation]] = defaultdict(list)
    session_ids = [s.pk for s in sessions]
    course_ids = {s.course_id for s in sessions if s.course_id}
    reservations = Reservation.objects.filter(
        Q(session_id__in=session_ids) | Q(course_id__in=course_ids)
    ).order_by("id")
    for r in reservations:
        if r.session_id:
            by_session[r.session_id].append(r)
        else:
            by_course[r.course_id].append(r)
    course_attendance = {
        (a.reservation_id, a.session_id): a.status
        for a in SessionAttendance.objects.filter(session_id__in=session_ids).only(
            "reservation_id", "session_id", "status"
        )
    }
    single_attendance = {ReservationStatus.ATTENDED: ATTENDED, ReservationStatus.NO_SHOW: NO_SHOW}
    rows = []
    for s in sessions:
        parties = by_session[s.pk] + (by_course[s.course_id] if s.course_id else [])
        parties.sort(key=lambda r: (to_katakana(r.name_kana or r.name), r.code))
        for r in parties:
            if r.course_id:
                attendance = course_attendance.get((r.pk, s.pk), "")
            else:
                attendance = single_attendance.get(r.status, "")
            rows.append(ExportRow(session=s, reservation=r, attendance=attendance))
    return rows


# --- attendance report -------------------------------------------------------------------


def fiscal_year_of(day: date) -> int:
    """Japanese fiscal year (年度): April to March, named after the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_months(year: int) -> list[date]:
    return [date(year + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


@dataclass
class ReportRow:
    facility_id: int
    facility_name: str
    program_id: int
    program_title: str
    month: date
    sessions_held: int = 0
    sessions_cancelled: int = 0
    capacity: int = 0
    reserved: int = 0
    reserved_parties: int = 0
    attended: int = 0
    attended_people: int = 0
    no_shows: int = 0
    cancellations: int = 0
    promotions: int = 0

    COUNTS = (
        "sessions_held",
        "sessions_cancelled",
        "capacity",
        "reserved",
        "reserved_parties",
        "attended",
        "attended_people",
        "no_shows",
        "cancellations",
        "promotions",
    )

    @property
    def fill_rate(self) -> float | None:
        """Seats reserved over seats offered at the sessions held."""
        return round(self.reserved / self.capacity, 4) if self.capacity else None

    def add(self, other: ReportRow) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Report:
    fiscal_year: int
    facility: Facility | None
    rows: list[ReportRow]
    months: list[ReportRow]
    total: ReportRow
    generated_at: datetime
    facilities: list[Facility] = field(default_factory=list)


def attendance_report(
    *,
    user: User,
    fiscal_year: int,
    facility: Facility | None = None,
    now: datetime | None = None,
) -> Report:
    """延べ参加者数: per facility, programme and month of a fiscal year, in 6 queries.

    A session counts as held once it has started and was not cancelled; every figure is about
    held sessions, except ``sessions_cancelled``. A course reservation counts at each of its
    sessions. ``reserved`` is in seats (as the programme counts a party) and compares with
    ``capacity``; ``attended_people`` is adults plus children of the parties who came.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    fy_start = datetime(fiscal_year, 4, 1, tzinfo=tz)
    fy_end = datetime(fiscal_year + 1, 4, 1, tzinfo=tz)
    # The sessions are selected by their own fields, and the rows about them by the same
    # fields through a join: a year holds thousands of sessions, too many for an IN list.
    scope: dict[str, Any] = {"start__gte": fy_start, "start__lt": fy_end}
    ids = staff_facility_ids(user)
    if ids is not None:
        scope["facility_id__in"] = ids
    if facility is not None:
        scope["facility_id"] = facility.pk
    held_scope = {**scope, "status": SessionStatus.SCHEDULED, "start__lte": now}

    def held(prefix: str) -> Q:
        return Q(**{f"{prefix}__{name}": value for name, value in held_scope.items()})

    session_rows = list(
        Session.objects.filter(**scope).values(
            "id",
            "facility_id",
            "facility__name",
            "program_id",
            "program__title",
            "course_id",
            "start",
            "status",
            "capacity",
            "seats_taken",
        )
    )
    course_ids = {
        s["course_id"]
        for s in session_rows
        if s["course_id"] and s["status"] == SessionStatus.SCHEDULED and s["start"] <= now
    }
    holding = Q(status__in=SEAT_HOLDING)
    came = Q(status=ReservationStatus.ATTENDED)

    def party_counts(qs: QuerySet, key: str) -> dict[int, dict[str, int]]:
        return {
            row[key]: row
            for row in qs.order_by()
            .values(key)
            .annotate(
                reserved_parties=Count("pk", filter=holding),
                attended=Count("pk", filter=came),
                attended_people=Sum(F("adults") + F("children"), filter=came),
                no_shows=Count("pk", filter=Q(status=ReservationStatus.NO_SHOW)),
                cancellations=Count("pk", filter=Q(status=ReservationStatus.CANCELLED)),
            )
        }

    single = party_counts(Reservation.objects.filter(held("session")), "session_id")
    course = party_counts(Reservation.objects.filter(course_id__in=course_ids), "course_id")
    course_came = Q(status=ATTENDED)
    course_attendance: dict[int, dict[str, int]] = {
        row["session_id"]: row
        for row in SessionAttendance.objects.filter(held("session"))
        .order_by()
        .values("session_id")
        .annotate(
            attended=Count("pk", filter=course_came),
            attended_people=Sum(
                F("reservation__adults") + F("reservation__children"), filter=course_came
            ),
            no_shows=Count("pk", filter=Q(status=NO_SHOW)),
        )
    }
    promoted = ReservationHistory.objects.filter(
        from_status=ReservationStatus.WAITLISTED, to_status=ReservationStatus.CONFIRMED
    )
    promotions_single = _count_by(
        promoted.filter(held("reservation__session")), "reservation__session_id"
    )
    promotions_course = _count_by(
        promoted.filter(reservation__course_id__in=course_ids), "reservation__course_id"
    )

    table: dict[tuple[int, int, date], ReportRow] = {}
    for s in session_rows:
        month = timezone.localtime(s["start"], tz).date().replace(day=1)
        key = (s["facility_id"], s["program_id"], month)
        row = table.get(key)
        if row is None:
            row = table[key] = ReportRow(
                s["facility_id"], s["facility__name"], s["program_id"], s["program__title"], month
            )
        if s["status"] == SessionStatus.CANCELLED:
            row.sessions_cancelled += 1
            continue
        if s["start"] > now:
            continue
        row.sessions_held += 1
        row.capacity += s["capacity"]
        row.reserved += s["seats_taken"]
        own = single.get(s["id"], {})
        row.reserved_parties += own.get("reserved_parties", 0)
        row.attended += own.get("attended", 0)
        row.no_shows += own.get("no_shows", 0)
        row.cancellations += own.get("cancellations", 0)
        row.attended_people += own.get("attended_people") or 0
        row.promotions += promotions_single.get(s["id"], 0)
        if s["course_id"]:
            whole = course.get(s["course_id"], {})
            here = course_attendance.get(s["id"], {})
            row.reserved_parties += whole.get("reserved_parties", 0)
            row.cancellations += whole.get("cancellations", 0)
            row.attended += here.get("attended", 0)
            row.no_shows += here.get("no_shows", 0)
            row.attended_people += here.get("attended_people") or 0
            row.promotions += promotions_course.get(s["course_id"], 0)
    rows = sorted(table.values(), key=lambda r: (r.facility_name, r.program_title, r.month))
    months = []
    for month in fiscal_months(fiscal_year):
        total = ReportRow(0, "", 0, "", month)
        for r in rows:
            if r.month == month:
                total.add(r)
        months.append(total)
    grand = ReportRow(0, "", 0, "", date(fiscal_year, 4, 1))
    for m in months:
        grand.add(m)
    return Report(
        fiscal_year=fiscal_year,
        facility=facility,
        rows=rows,
        months=months,
        total=grand,
        generated_at=now,
    )


def _count_by(qs: QuerySet, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in qs.order_by().values(key).annotate(n=Count("pk"))}
