"""Reads of reservations."""

from __future__ import annotations

import hmac
from datetime import datetime

from django.db.models import QuerySet

from booking.manage_links import manage_link_matches
from booking.models import Reservation
from booking.services import hash_token, refusal_for_any_party
from events.models import Session

# The largest primary key a session can have (a PostgreSQL integer); a larger number in a
# request is no session, and must not reach the database as an out-of-range parameter.
MAX_SESSION_ID = 2**31 - 1


def reservation_by_code_and_token(code: str, token: str | None) -> Reservation | None:
    """Return the reservation only when the token matches; a wrong token looks like no code.

    The token is the manage token, or the link token of the emails derived from its hash
    (``booking.manage_links``). Both are compared, in constant time, and a made-up code costs
    the same hashes and compares.
    """
    reservation = (
        Reservation.objects.select_related(
            "session__program", "session__facility", "course__program"
        )
        .filter(code=code.upper())
        .first()
    )
    stored_code = reservation.code if reservation else code.upper()
    expected = reservation.token_hash if reservation else "0" * 64
    given = token or ""
    by_token = hmac.compare_digest(expected, hash_token(given))
    by_link = manage_link_matches(stored_code, expected, given)
    if not (by_token or by_link) or reservation is None:
        return None
    return reservation


def reservations_for_email(email: str) -> QuerySet[Reservation]:
    return Reservation.objects.filter(email=email.strip().lower()).select_related(
        "session__program", "session__facility", "course"
    )


def session_id_from_request(value: object) -> int | None:
    """Return the session id a request names, if it is a plausible one (an int or digits)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 < value <= MAX_SESSION_ID:
        return None
    return value


def session_for_booking(session_id: int) -> Session | None:
    """Return the session with its programme and facility, read now (never from a cache).

    One read serves a booking request: it decides the early refusal (``booking_refusal``), then
    feeds validation, the booking and its first email (the facility's quiet hours).
    """
    try:
        return Session.objects.select_related("program", "facility").get(pk=session_id)
    except Session.DoesNotExist:
        return None


def booking_refusal(session: Session | None, now: datetime) -> str | None:
    """Return the refusal any booking of the session gets now (None: none, or no session).

    In a rush most requests arrive after the last seat went (or the waiting list filled): they
    are answered from the session's row alone, before the body is validated.
    """
    if session is None:
        return None
    return refusal_for_any_party(session, session.program, now)
