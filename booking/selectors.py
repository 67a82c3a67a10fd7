"""Reads of reservations."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet

from booking.models import Reservation
from booking.services import hash_token


def reservation_by_code_and_token(code: str, token: str | None) -> Reservation | None:
    """Return the reservation only when the token matches; a wrong token looks like no code.

    The comparison is constant-time, and a made-up code costs the same hash and compare.
    """
    reservation = (
        Reservation.objects.select_related(
            "session__program", "session__facility", "course__program"
        )
        .filter(code=code.upper())
        .first()
    )
    expected = reservation.token_hash if reservation else "0" * 64
    given = hash_token(token or "")
    if not hmac.compare_digest(expected, given) or reservation is None:
        return None
    return reservation


def reservations_for_email(email: str) -> QuerySet[Reservation]:
    return Reservation.objects.filter(email=email.strip().lower()).select_related(
        "session__program", "session__facility", "course"
    )
