"""Cancelling: a parent or staff cancels one reservation, or staff cancel a whole session."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking import signals
from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.services.seats import (
    first_session,
    reservation_seats,
    reservation_sessions,
    seats_release,
)
from booking.services.status import CHANGEABLE, actor_label, reservation_transition
from booking.services.waitlist import waitlist_promote
from core.errors import AppError
from events.models import Session


@transaction.atomic
def reservation_cancel(
    *,
    reservation: Reservation,
    by: AbstractBaseUser | None = None,
    reason: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Reservation:
    """Cancel a reservation and hand its seats to the waiting list.

    Parents may give up a seat until the cancellation deadline, and leave a waiting list or a
    lottery any time before the session; staff may cancel at any time. ``reason`` is the words
    of whoever cancels (told to the parent when staff cancel); ``note``, a ``HistoryNote``, what
    the system says of it in the history: by default, for a parent's own cancellation, that the
    parent cancelled.
    """
    note = note or (HistoryNote.CANCELLED_BY_PARENT if by is None else "")
    now = now or timezone.now()
    reservation.refresh_from_db()
    sessions = reservation_sessions(reservation)
    first = first_session(sessions)
    if reservation.status not in CHANGEABLE:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if by is None:
        if reservation.holds_seats and now > first.cancellation_deadline:
            raise AppError("cancellation_closed")
        if now >= first.start:
            raise AppError("cancellation_closed")
    held = reservation.holds_seats
    if not reservation_transition(
        reservation,
        ReservationStatus.CANCELLED,
        by=by,
        reason=reason,
        note=note,
        expected=CHANGEABLE,
    ):
        raise AppError("invalid_state")
    signals.reservation_cancelled.send(
        Reservation,
        reservation=reservation,
        had_seat=held,
        by_staff=by is not None,
        reason=reason,
        now=now,
    )
    if held:
        seats_release(sessions, reservation_seats(reservation))
        waitlist_promote(
            session=reservation.session,
            course=reservation.course,
            note=HistoryNote.PROMOTED_CANCELLATION,
            now=now,
        )
    return reservation


@transaction.atomic
def reservations_cancel_for_session(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = ""
) -> list[Reservation]:
    """Cancel every live reservation of a session that staff cancelled.

    Each history row says so (``HistoryNote.SESSION_CANCELLED``) with staff's reason, as the
    session keeps it: the desk finds these parties by both."""
    cancelled = []
    target = Q(session=session)
    if session.course_id:
        target |= Q(course_id=session.course_id)
    for reservation in Reservation.objects.filter(target, status__in=CHANGEABLE).order_by("id"):
        held = reservation.holds_seats
        if reservation_transition(
            reservation,
            ReservationStatus.CANCELLED,
            by=by,
            label=actor_label(by, "system"),
            reason=reason,
            note=HistoryNote.SESSION_CANCELLED,
            expected=CHANGEABLE,
        ):
            if held:
                seats_release(reservation_sessions(reservation), reservation_seats(reservation))
            signals.session_reservation_cancelled.send(
                Reservation, reservation=reservation, session=session, had_seat=held, reason=reason
            )
            cancelled.append(reservation)
    return cancelled
