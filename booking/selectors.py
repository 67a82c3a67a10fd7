"""Reads of reservations."""

from __future__ import annotations

import functools
import hmac
from datetime import datetime
from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import Col
from psycopg import ClientCursor, Cursor

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


# A booking reads its session and programme in one statement that is compiled once per
# database: the ORM would spend ~1.2 ms compiling it on every request, several times what
# running it costs, and in a rush it runs for every request, most of them after the last seat
# went. Those are answered from a narrower read (``REFUSAL_FIELDS``): each column read costs.
REFUSAL_FIELDS = (
    ("id", "status", "course", "program", "start", "capacity", "seats_taken")
    + ("registration_opens", "registration_closes"),
    ("id", "booking_mode", "waitlist_enabled", "waitlist_cutoff"),
)


@functools.cache
def _session_statement(
    alias: str, narrow: bool
) -> tuple[str, list[tuple[int, Col, list]], tuple[list[str], list[str]]]:
    """Return the SQL, the converters of the columns that have some (as the ORM applies them,
    by position) and the attnames."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    # In the models' field order, as Model.from_db expects the values.
    session_fields = [
        f for f in Session._meta.concrete_fields if not narrow or f.name in REFUSAL_FIELDS[0]
    ]
    program_fields = [
        f for f in Program._meta.concrete_fields if not narrow or f.name in REFUSAL_FIELDS[1]
    ]
    fields = session_fields + program_fields

    def column(field) -> str:
        name = f"{quote(field.model._meta.db_table)}.{quote(field.column)}"
        # JSON comes as text in either result format, for the field's own decoding: a binary
        # jsonb would come decoded by psycopg, and the field's converter would fail on it.
        return f"CAST({name} AS text)" if field.get_internal_type() == "JSONField" else name

    columns = ", ".join(column(f) for f in fields)
    session_table, program_table = quote(Session._meta.db_table), quote(Program._meta.db_table)
    program_column = quote(Session._meta.get_field("program").column)
    sql = (
        f"SELECT {columns} FROM {session_table} INNER JOIN {program_table} "
        f"ON {program_table}.{quote(Program._meta.pk.column)} = {session_table}.{program_column} "
        f"WHERE {session_table}.{quote(Session._meta.pk.column)} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    names = ([f.attname for f in session_fields], [f.attname for f in program_fields])
    return sql, converters, names


def session_id_from_request(value: object) -> int | None:
    """Return the session id a request names, if it is a plausible one (an int or digits)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 < value <= MAX_SESSION_ID:
        return None
    return value


def _kept_cursor(connection: BaseDatabaseWrapper) -> Cursor | None:
    """Return the psycopg cursor this connection keeps for the reads of a booking's session,
    or None where they take Django's cursor: not PostgreSQL, or client-side binding (no binary
    results; DATABASE_PREPARED_STATEMENTS=off, for PgBouncer).

    Most requests of a rush are answered by this read alone; a Django cursor and the psycopg
    cursor under it, made and closed for every one, cost a fifth of such an answer beyond the
    ping. The checks Django's cursor makes are made here: the health check of a kept
    connection, thread sharing, a transaction that must be rolled back first. A new database
    connection gets a new cursor.
    """
    if connection.vendor != "postgresql":
        return None
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    if issubclass(raw.cursor_factory, ClientCursor):
        return None
    cursor = getattr(connection, "_refusal_cursor", None)
    if cursor is None or cursor.connection is not raw or type(cursor) is not raw.cursor_factory:
        cursor = connection._refusal_cursor = raw.cursor()
    return cursor


def _read_session(session_id: int, narrow: bool) -> tuple[list, list[str], list[str]] | None:
    """Read the session row and its programme's; return the values and their attnames."""
    connection = connections[DEFAULT_DB_ALIAS]
    sql, converters, (session_names, program_names) = _session_statement(DEFAULT_DB_ALIAS, narrow)
    kept = _kept_cursor(connection)
    if kept is not None:
        # Binary results, loaded by psycopg's C loaders: Django's loader for timestamptz text
        # parses in Python, a quarter of the narrow read's CPU. Not in connection.queries.
        with connection.wrap_database_errors:
            kept.execute(sql, [session_id], binary=True)
            row = kept.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [session_id])
            row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return values, session_names, program_names


def session_for_booking(session_id: int) -> Session | None:
    """Return the session with its programme, read now from the database (never a cache)."""
    read = _read_session(session_id, narrow=False)
    if read is None:
        return None
    values, session_names, program_names = read
    split = len(session_names)
    session = Session.from_db(DEFAULT_DB_ALIAS, session_names, values[:split])
    session.program = Program.from_db(DEFAULT_DB_ALIAS, program_names, values[split:])
    return session


def session_state(session_id: int) -> SimpleNamespace | None:
    """Return what decides a refusal of any booking: the ``REFUSAL_FIELDS`` of the session
    (by attname) and, as ``program``, of its programme; read now, never from a cache.

    Plain attributes, not models: a model of a few fields has every other field deferred, and
    building the two cost a fifth of a sold-out answer beyond the ping (and a deferred field,
    touched, would be one more query).
    """
    read = _read_session(session_id, narrow=True)
    if read is None:
        return None
    values, session_names, program_names = read
    split = len(session_names)
    state = SimpleNamespace(**dict(zip(session_names, values[:split], strict=True)))
    state.program = SimpleNamespace(**dict(zip(program_names, values[split:], strict=True)))
    return state


def booking_refusal(session_id: int, now: datetime) -> str | None:
    """Return the refusal any booking of the session gets now (None: none, or no session)."""
    state = session_state(session_id)
    if state is None:
        return None
    return refusal_for_any_party(state, state.program, now)
