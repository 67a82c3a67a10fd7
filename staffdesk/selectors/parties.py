"""One party's page at the desk: its booking (the 受付票's facts), contact, history and emails,
and whether staff may still change or cancel it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.addresses import receives_email
from booking.models import (
    HistoryNote,
    Reservation,
    ReservationHistory,
    ReservationStatus,
    actor_text,
    history_text,
)
from booking.services import CHANGEABLE
from events.models import Session
from notifications.models import Notification
from staffdesk.selectors.slips import Slip, reservation_slip
from staffdesk.terms import NOTIFICATION_KIND, RESERVATION_STATUS, SOURCE, sending_term, term


@dataclass
class HistoryRow:
    at: datetime
    from_label: str  # "" for the booking itself
    to_label: str
    who: str
    reason: str  # what the system noted and what a person wrote, in the page's language
    entry: ReservationHistory  # the row itself, for the staff API's codes


@dataclass
class EmailRow:
    at: datetime
    kind: str
    kind_label: str
    status: str
    status_label: str


@dataclass
class PartyPage:
    session: Session  # the page's (a course's party is on the roster of each of its sessions)
    slip: Slip
    history: list[HistoryRow]
    emails: list[EmailRow]

    @property
    def reservation(self) -> Reservation:
        return self.slip.reservation

    @property
    def email(self) -> str:
        """The party's address; "" for one booked without (phone, walk-in) or erased."""
        email = self.reservation.email
        return email if receives_email(email) else ""

    @property
    def source_label(self) -> str:
        return term(SOURCE, self.reservation.source) if self.reservation.source in SOURCE else ""

    @property
    def open(self) -> bool:
        """Whether the booking can still be changed or cancelled (not over, not cancelled)."""
        return self.reservation.status in CHANGEABLE and not self.session.is_cancelled


def history_row(h: ReservationHistory) -> HistoryRow:
    """One line of a party's history; a change that kept the status (a move to another date)
    reads as what happened, not as 予約確定 → 予約確定."""
    if h.from_status == h.to_status and h.note:
        return HistoryRow(
            at=h.at,
            from_label="",
            to_label=history_text(h),
            who=actor_text(h.actor_label),
            reason="",
            entry=h,
        )
    return HistoryRow(
        at=h.at,
        from_label=term(RESERVATION_STATUS, h.from_status),
        to_label=term(RESERVATION_STATUS, h.to_status),
        who=actor_text(h.actor_label),
        reason=history_text(h),
        entry=h,
    )


def party_page(session: Session, code: str) -> PartyPage:
    """The page of the party with ``code`` on ``session``'s roster (AppError 404 otherwise)."""
    slip = reservation_slip(session, code)
    reservation = slip.reservation
    history = [
        history_row(h)
        for h in ReservationHistory.objects.filter(reservation=reservation).order_by("at", "id")
    ]
    emails = [
        EmailRow(
            at=n.created_at,
            kind=n.kind,
            kind_label=term(NOTIFICATION_KIND, n.kind),
            status=n.status,
            status_label=sending_term(n),
        )
        for n in Notification.objects.filter(reservation=reservation).order_by("created_at", "id")
    ]
    return PartyPage(session=session, slip=slip, history=history, emails=emails)


def moved_already(session: Session, code: str, to: Session) -> Reservation | None:
    """The reservation with ``code`` if a move took it from ``session`` to ``to`` and it is
    held there still: a request sent again after the move answers as the first did."""
    return (
        Reservation.objects.filter(
            code=(code or "").strip().upper(),
            session=to,
            status=ReservationStatus.CONFIRMED,
            history__note=HistoryNote.MOVED,
            history__left_session=session,
        )
        .select_related("session", "course")
        .first()
    )
