"""The yearly attendance report to the city (延べ利用者数), by fiscal year and month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from booking.models import (
    SEAT_HOLDING,
    Reservation,
    ReservationHistory,
    ReservationStatus,
)
from core.fiscal_years import fiscal_months
from events.models import Facility, Session, SessionStatus
from events.selectors import staff_facility_ids
from staffdesk.models import SessionAttendance
from staffdesk.selectors.desk import User
from staffdesk.services import ATTENDED, NO_SHOW


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

    # Facilities and programmes in the orders the city chose (their models' orderings:
    # events.models.FACILITY_ORDER, PROGRAM_ORDER), as its report lists them; the rows below
    # are made in this order.
    session_rows = list(
        Session.objects.filter(**scope)
        .order_by("facility", "program", "start")
        .values(
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
        if s["status"] == SessionStatus.SCHEDULED and s["start"] > now:
            continue  # not held yet: no row of zeros for a month still to come
        month = timezone.localtime(s["start"], tz).date().replace(day=1)
        key = (s["facility_id"], s["program_id"], month)
        row = table.get(key)
        if row is None:
            row = table[key] = ReportRow(
                s["facility_id"],
                s["facility__name"],
                s["program_id"],
                s["program__title"],
                month,
            )
        if s["status"] == SessionStatus.CANCELLED:
            row.sessions_cancelled += 1
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
    rows = list(table.values())
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
