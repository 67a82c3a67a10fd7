"""Reads of reservations."""

from __future__ import annotations

import functools
import hmac
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, QuerySet

from booking.manage_links import manage_link_matches
from booking.models import Reservation
from booking.services import hash_token, refusal_for_any_party
from events.models import Program, Session

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


# The columns the refusal needs, read in one statement. The ORM would spend ~1.2 ms compiling
# this query on every request, eight times what running it costs; in a rush it is run for every
# request that arrives after the last seat went, so it is compiled once per database instead.
_REFUSAL_SESSION_FIELDS = (
    "id",
    "status",
    "course",
    "program",
    "start",
    "capacity",
    "seats_taken",
    "registration_opens",
    "registration_closes",
)
_REFUSAL_PROGRAM_FIELDS = ("booking_mode", "waitlist_enabled", "waitlist_cutoff")


@functools.cache
def _refusal_statement(alias: str) -> tuple[str, list[tuple[Field, list]]]:
    """Return the SQL and each column's converters (as the ORM would apply them)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = [Session._meta.get_field(name) for name in _REFUSAL_SESSION_FIELDS]
    fields += [Program._meta.get_field(name) for name in _REFUSAL_PROGRAM_FIELDS]
    columns = ", ".join(f"{quote(f.model._meta.db_table)}.{quote(f.column)}" for f in fields)
    session_table, program_table = quote(Session._meta.db_table), quote(Program._meta.db_table)
    program_column = quote(Session._meta.get_field("program").column)
    sql = (
        f"SELECT {columns} FROM {session_table} INNER JOIN {program_table} "
        f"ON {program_table}.{quote(Program._meta.pk.column)} = {session_table}.{program_column} "
        f"WHERE {session_table}.{quote(Session._meta.pk.column)} = %s"
    )
    converters = []
    for field in fields:
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((column, functions))
    return sql, converters


def booking_refusal(session_id: object, now: datetime) -> str | None:
    """Return the refusal any booking of this session gets now, from one read of its row.

    ``session_id`` is the raw value from the request; anything but a plausible id is left to
    the full validation (None).
    """
    if isinstance(session_id, str) and session_id.isascii() and session_id.isdigit():
        session_id = int(session_id)
    if type(session_id) is not int or not 0 < session_id <= MAX_SESSION_ID:
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    sql, converters = _refusal_statement(DEFAULT_DB_ALIAS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, functions) in zip(row, converters, strict=True):
        for convert in functions:
            value = convert(value, column, connection)
        values.append(value)
    split = len(_REFUSAL_SESSION_FIELDS)
    session = Session(**dict(zip(_session_attnames(), values[:split], strict=True)))
    program = Program(**dict(zip(_REFUSAL_PROGRAM_FIELDS, values[split:], strict=True)))
    return refusal_for_any_party(session, program, now)


@functools.cache
def _session_attnames() -> tuple[str, ...]:
    return tuple(Session._meta.get_field(name).attname for name in _REFUSAL_SESSION_FIELDS)
