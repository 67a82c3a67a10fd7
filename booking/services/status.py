"""A reservation's status changes and their history: every change is conditional and kept."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q
from django.utils import timezone

from booking.models import Reservation, ReservationHistory, ReservationStatus
from events.models import Session

# Statuses a reservation can still be cancelled or changed from (the session not yet held).
CHANGEABLE = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.WAITLISTED,
    ReservationStatus.APPLIED,
)


def actor_label(by: AbstractBaseUser | None, default: str = "parent") -> str:
    """Who made a change, as the history keeps it: the parent, the system or a staff login."""
    if by is None:
        return default
    return f"staff:{by.get_username()}"


def history_record(
    reservation: Reservation,
    from_status: str,
    to_status: str,
    *,
    by: AbstractBaseUser | None = None,
    label: str | None = None,
    reason: str = "",
    note: str = "",
    rank: int | None = None,
    left_session: Session | None = None,
) -> ReservationHistory:
    """Keep one status change of a reservation (``from_status`` "" for its creation).

    ``reason`` is what a person typed; ``note`` (a ``HistoryNote``, with the draw order
    ``rank`` it names) is what the system says of the change, worded when read.
    """
    return ReservationHistory.objects.create(
        reservation=reservation,
        from_status=from_status,
        to_status=to_status,
        actor=by,
        actor_label=label or actor_label(by),
        reason=reason,
        note=note,
        rank=rank,
        left_session=left_session,
    )


def reservation_transition(
    reservation: Reservation,
    to_status: str,
    *,
    by: AbstractBaseUser | None = None,
    label: str | None = None,
    reason: str = "",
    note: str = "",
    rank: int | None = None,
    expected: tuple[str, ...] | None = None,
    **fields,
) -> bool:
    """Move a reservation from the status it had when read to another; keep the history.

    The UPDATE is conditional on that status (which must be one of ``expected``, when given):
    a concurrent change makes this return False and change nothing. ``fields`` are set in the
    same UPDATE. Joining or leaving the waiting list moves its counter with it.
    """
    from_status = reservation.status
    if expected is not None and from_status not in expected:
        return False
    waiting = ReservationStatus.WAITLISTED
    counted = 0
    if (from_status == waiting) != (to_status == waiting):
        # The session row first, as every writer of a session and its reservations locks them
        # (seats, then reservations): a cancellation promoting this party holds it already.
        counted = 1 if to_status == waiting else -1
        waitlist_count(reservation, counted)
    updated = Reservation.objects.filter(pk=reservation.pk, status=from_status).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        if counted:
            waitlist_count(reservation, -counted)
        return False
    reservation.refresh_from_db()
    history_record(
        reservation, from_status, to_status, by=by, label=label, reason=reason, note=note, rank=rank
    )
    return True


def waitlist_count(reservation: Reservation, change: int) -> None:
    """Move the waiting-list counter of the reservation's session (or course's sessions)."""
    target = (
        Q(pk=reservation.session_id) if reservation.session_id else Q(course=reservation.course_id)
    )
    Session.objects.filter(target).update(waitlist_taken=F("waitlist_taken") + change)
