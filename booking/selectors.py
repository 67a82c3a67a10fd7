"""Reads of reservations."""

from __future__ import annotations

import functools
import hmac
from datetime import datetime

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from booking.manage_links import manage_link_matches
from booking.models import Reservation
from booking.services import hash_token, refusal_for_any_party
from events.models import Facility, Program, Session

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
    """Return the session id a request names, if it is a plausible one: a JSON integer (the
    schema's type; ``"13"`` and ``13.5`` are refused by validation like any other field)."""
    if type(value) is not int or not 0 < value <= MAX_SESSION_ID:
        return None
    return value


# One read serves a booking request: the session with its programme and facility, every
# column, as the ORM compiles the query once per database (compiling it costs more than
# running it, for every request of a rush), and as its models load rows (``Model.from_db``).
READ_MODELS = (("", Session), ("program__", Program), ("facility__", Facility))


def _columns() -> list[str]:
    return [
        prefix + field.attname
        for prefix, model in READ_MODELS
        for field in model._meta.concrete_fields
    ]


@functools.cache
def _session_read(alias: str) -> tuple[str, SQLCompiler, list]:
    """The read's SQL and the converters of its columns, as the ORM compiles them."""
    query = Session.objects.filter(pk=0).values_list(*_columns()).query
    compiler = query.get_compiler(alias)
    sql, _params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return sql, compiler, converters


def session_for_booking(session_id: int) -> Session | None:
    """Return the session with its programme and facility, read now (never from a cache).

    It decides the early refusal (``booking_refusal``), then feeds validation, the booking and
    its first email (the facility's quiet hours).
    """
    alias = router.db_for_read(Session)
    sql, compiler, converters = _session_read(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    loaded = {}
    start = 0
    for prefix, model in READ_MODELS:
        fields = model._meta.concrete_fields
        names = [field.attname for field in fields]
        loaded[prefix] = model.from_db(alias, names, row[start : start + len(fields)])
        start += len(fields)
    session = loaded[""]
    session.program, session.facility = loaded["program__"], loaded["facility__"]
    return session


def booking_refusal(session: Session | None, now: datetime) -> str | None:
    """Return the refusal any booking of the session gets now (None: none, or no session).

    In a rush most requests arrive after the last seat went (or the waiting list filled): they
    are answered from the session's row alone, before the body is validated.
    """
    if session is None:
        return None
    return refusal_for_any_party(session, session.program, now)
