"""A party's 受付用QRコード scanned at the door: the reservation its code names, at the staff
member's facilities, and the session it is checked in for today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from booking.models import Reservation
from core.text import text_problem
from events.models import Session
from events.selectors import staff_facility_ids
from staffdesk.selectors.desk import User
from staffdesk.selectors.roster import checkable
from staffdesk.selectors.search import FoundParty
from staffdesk.services import ATTENDED, attendance_of, check_in_opens_on


@dataclass
class ScannedParty(FoundParty):
    """The party, the session it comes to, its attendance there and its state in the desk's
    words (``status_label``)."""

    @property
    def checkable(self) -> bool:
        return checkable(self.reservation)

    @property
    def to_check_in(self) -> bool:
        """Whether the party is still to be checked in here: seats held, not yet 出席."""
        return self.checkable and self.attendance != ATTENDED

    @property
    def check_in_opens_on(self) -> date:
        return check_in_opens_on(self.session)


def party_scanned(*, user: User, code: str, now: datetime | None = None) -> ScannedParty | None:
    """The party whose code a QR code (or a typed code) gives, at the user's facilities, with
    the session it comes to: its own, or of a course the one held today, else the next one not
    over, else the last. None for a code that is not one of theirs."""
    code = (code or "").strip().upper()
    if not code or text_problem(code, multiline=False) is not None:
        return None
    found = Reservation.objects.filter(code=code).select_related(
        "session__program", "session__facility", "course"
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        found = found.filter(Q(session__facility_id__in=ids) | Q(course__facility_id__in=ids))
    reservation = found.first()
    if reservation is None:
        return None
    if reservation.session_id is not None:
        session = reservation.session
    else:
        session = _course_session_of_the_day(reservation, now or timezone.now())
        if session is None:  # a course whose sessions were all deleted
            return None
    return party_at(session, reservation)


def party_at(session: Session, reservation: Reservation) -> ScannedParty:
    """The party at one session's door (its page at the desk): its attendance there."""
    return ScannedParty(session, reservation, attendance_of(reservation, session))


def _course_session_of_the_day(reservation: Reservation, now: datetime) -> Session | None:
    sessions = list(
        Session.objects.select_related("program", "facility")
        .filter(course_id=reservation.course_id)
        .order_by("start", "id")
    )
    today = timezone.localdate(now)
    for session in sessions:
        if timezone.localdate(session.start) == today:
            return session
    return next((s for s in sessions if s.end >= now), sessions[-1] if sessions else None)
