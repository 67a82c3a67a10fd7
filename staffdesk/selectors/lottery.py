"""Where a lottery session (抽選) stands, as the roster says it: applications, draw, results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from booking.models import LotteryDraw, Reservation, ReservationStatus
from events.models import BookingMode, Session
from staffdesk.services import roster_filter

# Where a lottery stands: applications not open yet, open, closed and waiting for the draw
# (the periodic task draws within a minute of the close), drawn.
BEFORE, OPEN, CLOSED, DRAWN = "before", "open", "closed", "drawn"

# A winner who took the seat, whether or not the day has come.
TOOK_SEAT = (ReservationStatus.CONFIRMED, ReservationStatus.ATTENDED, ReservationStatus.NO_SHOW)


@dataclass(frozen=True)
class LotteryStatus:
    phase: str
    applications: int  # parties applying now (before the draw; 0 after it)
    capacity: int
    opens: datetime
    closes: datetime  # the draw runs when applications close, unless staff draw earlier
    draw: LotteryDraw | None = None
    won: int = 0
    confirmed: int = 0
    to_confirm: int = 0
    gone: int = 0  # winners who cancelled or let the confirmation deadline pass
    not_drawn: int = 0

    @property
    def drawn(self) -> bool:
        return self.draw is not None


def lottery_status(*, session: Session, now: datetime | None = None) -> LotteryStatus | None:
    """Return where the session's lottery stands; None for a session not run by lottery.

    Before the draw, the parties applying; after it, how many won (and of those, how many took
    their seat, are still to confirm, or gave it up) and how many were not drawn. Two queries.
    """
    if session.program.booking_mode != BookingMode.LOTTERY:
        return None
    now = now or timezone.now()
    draw = LotteryDraw.objects.filter(session=session).first()
    known = {
        "capacity": session.capacity,
        "opens": session.registration_opens,
        "closes": session.registration_closes,
    }
    if draw is None:
        applications = Reservation.objects.filter(
            roster_filter(session), status=ReservationStatus.APPLIED
        ).count()
        if now < session.registration_opens:
            phase = BEFORE
        elif now <= session.registration_closes:
            phase = OPEN
        else:
            phase = CLOSED
        return LotteryStatus(phase=phase, applications=applications, **known)
    winners = set(draw.winners)
    statuses = list(Reservation.objects.filter(pk__in=winners).values_list("status", flat=True))
    confirmed = sum(1 for s in statuses if s in TOOK_SEAT)
    to_confirm = sum(1 for s in statuses if s == ReservationStatus.WON)
    return LotteryStatus(
        phase=DRAWN,
        applications=0,
        draw=draw,
        won=len(winners),
        confirmed=confirmed,
        to_confirm=to_confirm,
        gone=len(winners) - confirmed - to_confirm,
        not_drawn=len(draw.order) - len(winners),
        **known,
    )


def default_roster_scope(status: LotteryStatus | None) -> str:
    """The roster's list when staff have not chosen one: before a lottery is drawn nobody holds
    a seat yet, so the applications; otherwise the parties holding seats (the door list)."""
    if status is not None and not status.drawn:
        return "applied"
    return "active"
