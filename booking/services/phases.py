"""When a session may be booked: the registration window, the lottery's phases, the list.

Pure reads of a session and its programme (plus whether a lottery was drawn), shared by the
booking path, the pages and the refusal that answers a rush before any write.
"""

from __future__ import annotations

from datetime import datetime

from booking.models import LotteryDraw
from events.models import BookingMode, Program, Session, SessionStatus


def waitlist_open(program: Program, first: Session, now: datetime) -> bool:
    """The waiting list closes a programme-set time before the (first) session starts."""
    return program.waitlist_enabled and now < first.start - program.waitlist_cutoff


def booking_phase(program: Program, first: Session, now: datetime) -> str:
    """Return "apply" (lottery applications), "first_come" or "closed" for a session now."""
    if program.booking_mode == BookingMode.LOTTERY:
        draw = LotteryDraw.objects.filter(session=first).first()
        return lottery_phase(program, first, draw, now)
    return (
        "first_come" if first.registration_opens <= now <= first.registration_closes else "closed"
    )


def lottery_phase(program: Program, first: Session, draw: LotteryDraw | None, now: datetime) -> str:
    """The phase of a lottery session given its draw (None: not drawn).

    Applications are taken in the window until the draw; a draw made early (staff may draw
    before the window ends) closes them at once, so nobody applies to a lottery that is over.
    After the draw, seats left go first come, first served from when winners had to confirm
    (or from the draw) until the waiting list closes.
    """
    if draw is None:
        in_window = first.registration_opens <= now <= first.registration_closes
        return "apply" if in_window else "closed"
    opens_at = draw.confirmation_deadline or draw.drawn_at
    if opens_at <= now < first.start - program.waitlist_cutoff:
        return "first_come"
    return "closed"


def refusal_for_any_party(session: Session, program: Program, now: datetime) -> str | None:
    """Return the refusal every party booking this session would get now, if there is one.

    In a rush most requests arrive after the last seat went; this answers them from one read
    of the session row, before the body is validated or a transaction opened. It answers only
    where the full booking path gives the same code for any valid party (every party takes at
    least one seat), and leaves the rest (courses, lotteries, seats left) to that path. It
    reads the row, never a cache; a stale "full" is the answer of a moment earlier, and a
    stale "seats left" is settled by the conditional UPDATE.
    """
    if session.course_id is not None or program.booking_mode == BookingMode.LOTTERY:
        return None
    if session.status == SessionStatus.CANCELLED:
        return "session_cancelled"
    if booking_phase(program, session, now) == "closed":
        return "registration_closed"
    if session.seats_taken >= session.capacity:
        if not waitlist_open(program, session, now):
            return "session_full"
        limit = program.waitlist_limit if session.waitlist_limit is None else session.waitlist_limit
        if limit is not None and session.waitlist_taken >= limit:
            return "waitlist_full"
    return None
