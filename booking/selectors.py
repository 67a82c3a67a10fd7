"""Reads of reservations."""

from __future__ import annotations

import hmac
from datetime import datetime
from types import SimpleNamespace

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


# A rush's requests are answered, most of them after the last seat went, from a narrow read of
# the session row: the fields that decide a refusal of any party (``refusal_for_any_party``).
REFUSAL_FIELDS = (
    ("id", "status", "course_id", "start", "capacity", "seats_taken")
    + ("registration_opens", "registration_closes", "waitlist_limit", "waitlist_taken"),
    ("booking_mode", "waitlist_enabled", "waitlist_cutoff", "waitlist_limit"),
)


def session_id_from_request(value: object) -> int | None:
    """Return the session id a request names, if it is a plausible one (an int or digits)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 < value <= MAX_SESSION_ID:
        return None
    return value


def session_for_booking(session_id: int) -> Session | None:
    """Return the session with its programme, read now from the database (never a cache)."""
    return Session.objects.select_related("program").filter(pk=session_id).first()


def session_state(session_id: int) -> SimpleNamespace | None:
    """Return what decides a refusal of any booking: the ``REFUSAL_FIELDS`` of the session
    and, as ``program``, of its programme, as plain attributes; read now, never from a cache.
    """
    session_fields, program_fields = REFUSAL_FIELDS
    row = (
        Session.objects.filter(pk=session_id)
        .values(*session_fields, *(f"program__{name}" for name in program_fields))
        .first()
    )
    if row is None:
        return None
    state = SimpleNamespace(**{name: row[name] for name in session_fields})
    state.program = SimpleNamespace(**{name: row[f"program__{name}"] for name in program_fields})
    return state


def booking_refusal(session_id: int, now: datetime) -> str | None:
    """Return the refusal any booking of the session gets now (None: none, or no session)."""
    state = session_state(session_id)
    if state is None:
        return None
    return refusal_for_any_party(state, state.program, now)
