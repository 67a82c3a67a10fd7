"""Finding a party across the sessions of a staff member's facilities: a parent on the phone
without the confirmation email ("did my booking go through?", "I cannot come"), found by name,
kana, reservation code, phone number or email address, as the roster's search finds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from booking.models import Reservation
from core.search import SEARCH_LIMIT, SearchPages, either_side_of
from events.models import Session
from events.selectors import staff_facility_ids
from staffdesk.models import SessionAttendance
from staffdesk.selectors.desk import User
from staffdesk.selectors.roster import search_filter, with_search_columns
from staffdesk.services import single_attendance
from staffdesk.terms import ATTENDANCE, RESERVATION_STATUS, term


@dataclass
class FoundParty:
    """A reservation found, with the session its page opens on (a course's next session, or
    its last once it is over) and the party's attendance there."""

    session: Session
    reservation: Reservation
    attendance: str

    @property
    def status_label(self) -> str:
        """The party's state in the desk's words: 出席 or 欠席 where known, else its status."""
        if self.attendance:
            return term(ATTENDANCE, self.attendance)
        return term(RESERVATION_STATUS, self.reservation.status)


@dataclass
class ReservationSearch:
    query: str
    upcoming: list[FoundParty]  # sessions not over yet, the soonest first
    past: list[FoundParty]  # sessions over, the latest first
    pages: SearchPages
    facility_ids: set[int] | None  # the facilities searched (None: every one, an operator's)

    @property
    def codes(self) -> list[str]:
        """The reservations shown, by code, in the order shown."""
        return [found.reservation.code for found in self.upcoming + self.past]

    @property
    def more(self) -> bool:
        return self.pages.more


def _course_session(field: str, order: str) -> Subquery:
    sessions = Session.objects.filter(course_id=OuterRef("course_id")).order_by(order)
    return Subquery(sessions.values(field)[:1])


def reservations_search(
    *,
    user: User,
    query: str,
    now: datetime | None = None,
    limit: int = SEARCH_LIMIT,
    upcoming_from: int = 0,
    past_from: int = 0,
) -> ReservationSearch:
    """Reservations of every status at the user's facilities matching ``query`` (see
    ``search_filter``: spaces and hyphens ignored, hiragana and katakana alike), ``limit`` on
    each side of now from the row each side's page starts at."""
    now = now or timezone.now()
    match = search_filter(query)
    ids = staff_facility_ids(user)
    if match is None:
        return ReservationSearch(query, [], [], SearchPages.first(limit), ids)
    found = with_search_columns(Reservation.objects.all()).filter(match)
    if ids is not None:
        found = found.filter(Q(session__facility_id__in=ids) | Q(course__facility_id__in=ids))
    found = found.annotate(
        first_start=Coalesce(F("session__start"), _course_session("start", "start")),
        last_end=Coalesce(F("session__end"), _course_session("end", "-end")),
    )
    upcoming, past, pages = either_side_of(
        found,
        now,
        starts="first_start",
        ends="last_end",
        limit=limit,
        upcoming_from=upcoming_from,
        past_from=past_from,
    )
    opened = _sessions_opened(upcoming + past, now)
    attendance = _attendance(upcoming + past, opened)

    def parties(reservations: list[Reservation]) -> list[FoundParty]:
        return [
            FoundParty(opened[r.pk], r, attendance.get(r.pk, ""))
            for r in reservations
            if r.pk in opened  # a course whose sessions were all deleted has no page
        ]

    return ReservationSearch(query, parties(upcoming), parties(past), pages, ids)


def _sessions_opened(reservations: list[Reservation], now: datetime) -> dict[int, Session]:
    """The session each reservation's page opens on: its own, or its course's first session
    not over yet (else the course's last)."""
    session_ids = {r.session_id for r in reservations if r.session_id}
    course_ids = {r.course_id for r in reservations if r.course_id}
    sessions = Session.objects.select_related("program", "facility", "course").filter(
        Q(pk__in=session_ids) | Q(course_id__in=course_ids)
    )
    by_id: dict[int, Session] = {}
    by_course: dict[int, list[Session]] = {}
    for s in sessions.order_by("start", "id"):
        by_id[s.pk] = s
        if s.course_id:
            by_course.setdefault(s.course_id, []).append(s)
    opened = {}
    for r in reservations:
        if r.session_id:
            opened[r.pk] = by_id[r.session_id]
        elif r.course_id in by_course:
            course = by_course[r.course_id]
            opened[r.pk] = next((s for s in course if s.end >= now), course[-1])
    return opened


def _attendance(reservations: list[Reservation], opened: dict[int, Session]) -> dict[int, str]:
    """出席 or 欠席 where it is known: a single session's from the reservation, a course's at the
    session shown."""
    marks = {r.pk: single_attendance(r) for r in reservations if r.course_id is None}
    course = [r for r in reservations if r.course_id and r.pk in opened]
    if course:
        wanted = Q()
        for r in course:
            wanted |= Q(reservation_id=r.pk, session_id=opened[r.pk].pk)
        for a in SessionAttendance.objects.filter(wanted).only("reservation_id", "status"):
            marks[a.reservation_id] = a.status
    return marks
