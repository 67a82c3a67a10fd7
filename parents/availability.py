"""What a parent can do with a session now: the badge on the list and whether the form opens.

``session_availability`` reads only the session row and what ``session_list`` and
``sessions_for_pages`` load with it (programme, and the lottery draw through
``select_related``), so a page of sessions costs no query per row. It follows the same rules
as ``booking.services.booking_phase`` and ``waitlist_open``, which decide at booking time; the
tests check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist

from booking.services import lottery_phase, waitlist_open
from events.models import BookingMode, Session, SessionStatus


class Badge:
    OPEN = "open"  # 受付中
    FEW = "few"  # 残りわずか
    FULL = "full"  # 満席
    WAITLIST = "waitlist"  # キャンセル待ち受付中
    LOTTERY = "lottery"  # 抽選 (applications open)
    NOT_OPEN = "not_open"  # 受付開始前
    CLOSED = "closed"  # 受付終了
    CANCELLED = "cancelled"  # 中止


@dataclass(frozen=True)
class Availability:
    badge: str
    seats_left: int
    can_book: bool
    # What a new booking becomes: "confirmed", "waitlisted" or "applied"; "" when closed.
    outcome: str
    # Places left on the waiting list (キャンセル待ち 残りn組); None: no limit, or no list now.
    waitlist_left: int | None = None


def few_seats_threshold(capacity: int) -> int:
    """Seats left at or below which a session shows 残りわずか."""
    return max(3, capacity // 5)


def _lottery_draw(session: Session):
    try:
        return session.lottery_draw
    except ObjectDoesNotExist:
        return None


def session_phase(session: Session, now: datetime) -> str:
    """Return "apply", "first_come" or "closed", as ``booking_phase`` would for this session."""
    program = session.program
    if program.booking_mode == BookingMode.LOTTERY:
        return lottery_phase(program, session, _lottery_draw(session), now)
    in_window = session.registration_opens <= now <= session.registration_closes
    return "first_come" if in_window else "closed"


def session_availability(session: Session, now: datetime) -> Availability:
    """Return the badge and booking outcome of a session for a parent at ``now``."""
    seats_left = max(session.capacity - session.seats_taken, 0)
    if session.status == SessionStatus.CANCELLED:
        return Availability(Badge.CANCELLED, seats_left, False, "")
    if now < session.registration_opens:
        return Availability(Badge.NOT_OPEN, seats_left, False, "")
    phase = session_phase(session, now)
    if phase == "apply":
        return Availability(Badge.LOTTERY, seats_left, True, "applied")
    if phase == "closed":
        return Availability(Badge.CLOSED, seats_left, False, "")
    if seats_left > 0:
        badge = Badge.FEW if seats_left <= few_seats_threshold(session.capacity) else Badge.OPEN
        return Availability(badge, seats_left, True, "confirmed")
    if waitlist_open(session.program, session, now):
        left = session.waitlist_left
        if left == 0:
            return Availability(Badge.FULL, 0, False, "", waitlist_left=0)
        return Availability(Badge.WAITLIST, 0, True, "waitlisted", waitlist_left=left)
    return Availability(Badge.FULL, 0, False, "")
