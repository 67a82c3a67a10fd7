"""A reservation's status changes and their history: every change is conditional and kept."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from booking.models import Reservation, ReservationHistory, ReservationStatus

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
) -> ReservationHistory:
    """Keep one status change of a reservation (``from_status`` "" for its creation)."""
    return ReservationHistory.objects.create(
        reservation=reservation,
        from_status=from_status,
        to_status=to_status,
        actor=by,
        actor_label=label or actor_label(by),
        reason=reason,
    )


def reservation_transition(
    reservation: Reservation,
    to_status: str,
    *,
    by: AbstractBaseUser | None = None,
    label: str | None = None,
    reason: str = "",
    expected: tuple[str, ...] | None = None,
    **fields,
) -> bool:
    """Move a reservation to a status if it is still in an expected one; keep the history.

    ``expected`` defaults to the status the reservation had when read: a concurrent change
    makes this return False and change nothing. ``fields`` are set in the same UPDATE.
    """
    from_status = reservation.status
    expected = expected or (from_status,)
    updated = Reservation.objects.filter(pk=reservation.pk, status__in=expected).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        return False
    reservation.refresh_from_db()
    history_record(reservation, from_status, to_status, by=by, label=label, reason=reason)
    return True
