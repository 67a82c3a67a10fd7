"""Writes with business rules for reservations: seats, waiting list, lottery, cancellation.

Capacity is held in counters on the session row (``seats_taken`` ...). Every change of them
is a conditional UPDATE (``... WHERE seats_taken + n <= capacity``) inside the transaction that
changes the reservation, and CHECK constraints on the table refuse any row over capacity. On
PostgreSQL a concurrent UPDATE of the same row waits and re-checks the condition against the
committed row (READ COMMITTED); on SQLite every write transaction starts with BEGIN IMMEDIATE.
Either way, two requests can never both take the last seat.
"""

from __future__ import annotations

import functools
import hashlib
import random
import secrets
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, NoReturn

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import (
    LotteryDraw,
    Reservation,
    ReservationHistory,
    ReservationStatus,
)
from booking.rules import Party, Seats, party_errors, party_seats
from core.db import insert, insert_select, mark_inserted
from core.errors import AppError, AppValidationError
from events.models import BookingMode, Course, Program, Session, SessionStatus
from notifications import services as notify

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out on the phone


@dataclass
class ReservationResult:
    reservation: Reservation
    token: str
    position: int | None


def generate_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def generate_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_label(by: AbstractBaseUser | None, default: str = "parent") -> str:
    if by is None:
        return default
    return f"staff:{by.get_username()}"


# --- seats -------------------------------------------------------------------------------


class _NoSeats(Exception):
    pass


def target_sessions(
    *, session: Session | None = None, course: Course | None = None
) -> list[Session]:
    """Return the sessions a booking takes seats in, ordered by id (a fixed lock order)."""
    if course is not None:
        return list(Session.objects.filter(course=course).select_related("program").order_by("id"))
    assert session is not None
    return [session]


@functools.cache
def _take_statement(alias: str, child_seats: bool, childcare: bool) -> str:
    """Return the conditional UPDATE that takes seats in one session row, for one database.

    Written once per database and party shape rather than built by the ORM on every booking:
    building it cost more CPU than PostgreSQL spends running it. Parameters: the seats, child
    seats and childcare seats to add, the session id, then the seats again for each condition.
    """
    quote = connections[alias].ops.quote_name

    def column(name: str) -> str:
        return quote(Session._meta.get_field(name).column)

    seats, children, care = (
        column("seats_taken"),
        column("children_taken"),
        column("childcare_taken"),
    )
    sql = (
        f"UPDATE {quote(Session._meta.db_table)} SET {seats} = {seats} + %s, "
        f"{children} = {children} + %s, {care} = {care} + %s "
        f"WHERE {quote(Session._meta.pk.column)} = %s AND {column('capacity')} >= {seats} + %s"
    )
    if child_seats:
        limit = column("children_capacity")
        sql += f" AND ({limit} IS NULL OR {limit} >= {children} + %s)"
    if childcare:
        sql += f" AND {column('childcare_capacity')} >= {care} + %s"
    return sql


def _take_one(session: Session, seats: Seats) -> bool:
    """Take the seats in one session if they are all left: one conditional UPDATE.

    A session without a childcare capacity (NULL) has no childcare seats to take.
    """
    alias = router.db_for_write(Session)
    sql = _take_statement(alias, bool(seats.child_seats), bool(seats.childcare))
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, _take_params(session, seats))
        return cursor.rowcount == 1


def _take_params(session: Session, seats: Seats) -> list[int]:
    params = [seats.seats, seats.child_seats, seats.childcare, session.pk, seats.seats]
    return params + [n for n in (seats.child_seats, seats.childcare) if n]


def _take(sessions: list[Session], seats: Seats) -> bool:
    """Take the seats in every session or in none; return whether they were taken.

    One session needs no savepoint (an UPDATE that matches no row changes nothing), which
    spares a sold-out booking three of its seven statements.
    """
    if len(sessions) == 1:
        return _take_one(sessions[0], seats)
    try:
        with transaction.atomic():
            for session in sessions:
                if not _take_one(session, seats):
                    raise _NoSeats
    except _NoSeats:
        return False
    return True


def _release(sessions: list[Session], seats: Seats) -> None:
    for session in sessions:
        Session.objects.filter(pk=session.pk).update(
            seats_taken=F("seats_taken") - seats.seats,
            children_taken=F("children_taken") - seats.child_seats,
            childcare_taken=F("childcare_taken") - seats.childcare,
        )


def _reservation_seats(reservation: Reservation) -> Seats:
    return Seats(reservation.seats, reservation.child_seats, reservation.childcare)


def _sessions_of(reservation: Reservation) -> list[Session]:
    return target_sessions(session=reservation.session, course=reservation.course)


# --- status ------------------------------------------------------------------------------


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
    """Move a reservation to a status if it is still in an expected one; keep the history."""
    from_status = reservation.status
    expected = expected or (from_status,)
    updated = Reservation.objects.filter(pk=reservation.pk, status__in=expected).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        return False
    reservation.refresh_from_db()
    _record_history(
        reservation, from_status, to_status, by=by, label=label or actor_label(by), reason=reason
    )
    return True


def _history_row(
    reservation: Reservation,
    from_status: str,
    to_status: str,
    *,
    by: AbstractBaseUser | None,
    label: str,
    reason: str,
) -> ReservationHistory:
    return ReservationHistory(
        reservation=reservation,
        from_status=from_status,
        to_status=to_status,
        actor=by,
        actor_label=label,
        reason=reason,
    )


def _record_history(reservation: Reservation, from_status: str, to_status: str, **row: Any) -> None:
    """Keep one status change of a reservation in its history (``row``: see ``_history_row``)."""
    insert(_history_row(reservation, from_status, to_status, **row))


def _created_row(
    reservation: Reservation, by: AbstractBaseUser | None, reason: str
) -> ReservationHistory:
    """The history row of a reservation's creation."""
    return _history_row(
        reservation, "", reservation.status, by=by, label=actor_label(by), reason=reason
    )


def _record_created(reservation: Reservation, by: AbstractBaseUser | None, reason: str) -> None:
    insert(_created_row(reservation, by, reason))


# --- reading the rules -------------------------------------------------------------------


def _first(sessions: list[Session]) -> Session:
    return min(sessions, key=lambda s: s.start)


def waitlist_open(program: Program, first: Session, now: datetime) -> bool:
    """The waiting list closes a programme-set time before the (first) session starts."""
    return program.waitlist_enabled and now < first.start - program.waitlist_cutoff


def booking_phase(program: Program, first: Session, now: datetime) -> str:
    """Return "apply" (lottery applications), "first_come" or "closed" for a session now."""
    in_window = first.registration_opens <= now <= first.registration_closes
    if program.booking_mode == BookingMode.LOTTERY:
        if in_window:
            return "apply"
        draw = LotteryDraw.objects.filter(session=first).first()
        if draw is None:
            return "closed"
        opens_at = draw.confirmation_deadline or draw.drawn_at
        if opens_at <= now < first.start - program.waitlist_cutoff:
            return "first_come"
        return "closed"
    return "first_come" if in_window else "closed"


def waitlist_queryset(*, session: Session | None = None, course: Course | None = None) -> QuerySet:
    """Waitlisted reservations in promotion order: lottery draw order first, then arrival."""
    target = Q(course=course) if course is not None else Q(session=session)
    return Reservation.objects.filter(target, status=ReservationStatus.WAITLISTED).order_by(
        F("draw_rank").asc(nulls_last=True), "id"
    )


def waitlist_position(reservation: Reservation) -> int | None:
    if reservation.status != ReservationStatus.WAITLISTED:
        return None
    ids = list(
        waitlist_queryset(session=reservation.session, course=reservation.course).values_list(
            "id", flat=True
        )
    )
    return ids.index(reservation.pk) + 1 if reservation.pk in ids else None


def refusal_for_any_party(
    session: Session | SimpleNamespace, program: Program | SimpleNamespace, now: datetime
) -> str | None:
    """Return the refusal every party booking this session would get now, if there is one.

    ``session`` and ``program`` need only the ``booking.selectors.REFUSAL_FIELDS``, by attname
    (``booking.selectors.session_state`` reads them as plain attributes).

    In a rush most requests arrive after the last seat went; this answers them from one read
    of the session row, before the body is validated or a transaction opened. It answers only
    where the full booking path gives the same code for any valid party (every party takes at
    least one seat), and leaves the rest (courses, lotteries, seats left) to that path. It
    reads the row, never a cache; a stale "full" is the answer of a moment earlier, and a
    stale "seats left" is settled by the conditional UPDATE.
    """
    if session.course_id is not None or program.booking_mode == BookingMode.LOTTERY:
        return None
    if session.status == SessionStatus.CANCELLED:
        return "session_cancelled"
    if booking_phase(program, session, now) == "closed":
        return "registration_closed"
    if session.seats_taken >= session.capacity and not waitlist_open(program, session, now):
        return "session_full"
    return None


# --- create ------------------------------------------------------------------------------


class _CodeTaken(Exception):
    """The random reservation code is already used: the whole booking is tried again."""


class _SeatsWentMeanwhile(Exception):
    """Seats that looked free were taken by others: the booking runs again, seats first."""


def _retried(create: Callable[..., ReservationResult]):
    """Run a booking again after a rollback that says so.

    A colliding code (one in billions) is retried with a new code; retrying inside the
    transaction would need a savepoint around every insert, two more round trips while the
    session row is locked. Seats that went between the read and the UPDATE are retried with
    ``seats_last=False``, which then waitlists or refuses as the rules say.
    """

    @functools.wraps(create)
    def retried(**kwargs) -> ReservationResult:
        for _attempt in range(5):
            try:
                return create(**kwargs)
            except _CodeTaken:
                continue
            except _SeatsWentMeanwhile:
                kwargs["seats_last"] = False
        raise AppError("server_error", status_code=503)  # pragma: no cover - 5 collisions

    return retried


@_retried
def reservation_create(
    *,
    session: Session | None = None,
    course: Course | None = None,
    party: Party,
    name: str,
    email: str,
    phone: str = "",
    name_kana: str = "",
    notes: str = "",
    language: str = "ja",
    by: AbstractBaseUser | None = None,
    override_reason: str = "",
    source: str = "web",
    now: datetime | None = None,
    seats_last: bool = True,
) -> ReservationResult:
    """Reserve seats for a party: confirmed, waitlisted or a lottery application.

    With ``override_reason`` (staff only) the window, eligibility and capacity rules are
    lifted; a party that does not fit raises the capacity by what it needs, recorded in the
    history, so the database invariant still holds. ``seats_last`` chooses when seats that
    look free are taken (see below); the outcome is the same either way.

    The rules are read before the transaction that writes opens: they read rows, not locks,
    and under READ COMMITTED a transaction would not hold those reads still anyway.
    """
    now = now or timezone.now()
    if (session is None) == (course is None):
        raise AppValidationError({"session": [_("Give a session or a course.")]})
    if session is not None and session.course_id is not None:
        raise AppError(
            "course_booking_required",
            status_code=400,
            fields={"session": [_("Book the course instead.")]},
            extra={"course": session.course.slug},
        )
    sessions = target_sessions(session=session, course=course)
    if not sessions:
        raise AppValidationError({"course": [_("This course has no sessions.")]})
    first = _first(sessions)
    program = first.program
    override = bool(override_reason and by is not None)

    if any(s.status == SessionStatus.CANCELLED for s in sessions):
        raise AppError("session_cancelled")
    phase = booking_phase(program, first, now)
    if phase == "closed" and not override:
        raise AppError("registration_closed")
    errors = party_errors(program, party, timezone.localtime(first.start).date())
    if errors and not override:
        raise AppValidationError(errors)
    if override:
        phase = "first_come"

    seats = party_seats(program, party)
    email = email.strip().lower()
    reservation = Reservation(
        session=session,
        course=course,
        code=generate_code(),
        adults=party.adults,
        children=party.children,
        children_ages=list(party.children_ages),
        due_date=party.due_date,
        childcare=party.childcare,
        resident=party.resident,
        company=party.company,
        priority_group=party.priority_group,
        seats=seats.seats,
        child_seats=seats.child_seats,
        name=name.strip(),
        name_kana=name_kana.strip(),
        email=email,
        phone=phone.strip(),
        notes=notes,
        language=language,
        source=source,
    )
    token = generate_token()
    reservation.token_hash = hash_token(token)

    reason = override_reason if override else ""
    # Seats that looked free when the session was read are taken last, just before the
    # commit: the conditional UPDATE locks the session row until then, and every other
    # booking of the session queues on that lock. If they went meanwhile, the booking is
    # rolled back and run again the ordinary way (``_SeatsWentMeanwhile``).
    seats_last = (
        seats_last and phase == "first_come" and not override and _seats_fit(sessions, seats)
    )
    if seats_last and _one_statement_confirms(sessions):
        reservation.status = ReservationStatus.CONFIRMED
        if not _confirm_in_one_statement(
            reservation, sessions[0], seats, by=by, reason=reason, token=token, now=now
        ):
            raise _SeatsWentMeanwhile  # nothing was written
        return ReservationResult(reservation, token, None)
    with transaction.atomic():
        if phase == "apply":
            reservation.status = ReservationStatus.APPLIED
        elif seats_last:
            reservation.status = ReservationStatus.CONFIRMED
        elif _take(sessions, seats):
            reservation.status = ReservationStatus.CONFIRMED
        elif override:
            _raise_capacity_for(sessions, seats)
            if not _take(sessions, seats):  # pragma: no cover - the capacity was just raised
                raise AppError("session_full")
            reservation.status = ReservationStatus.CONFIRMED
            reason = f"{override_reason} (capacity raised for this party)"
        elif seats.childcare and _fits_without_childcare(sessions, seats):
            raise AppError("childcare_full", status_code=409)
        elif waitlist_open(program, first, now):
            # Lock the session rows before joining the list: a cancellation committing meanwhile
            # has either finished (its seats are retried here) or waits, and its promotion pass
            # then sees this party; waitlisters queue on the lock, so positions are exact.
            list(Session.objects.select_for_update().filter(pk__in=[s.pk for s in sessions]))
            if _take(sessions, seats):
                reservation.status = ReservationStatus.CONFIRMED
            else:
                reservation.status = ReservationStatus.WAITLISTED
        else:
            raise AppError("session_full")

        _save_new(reservation)
        _record_created(reservation, by, reason)
        notify.notify_reservation_created(reservation, token=token, now=now)
        if seats_last and not _take(sessions, seats):
            raise _SeatsWentMeanwhile
        return ReservationResult(reservation, token, waitlist_position(reservation))


def _seats_fit(rows: Iterable[Session], seats: Seats, *, with_childcare: bool = True) -> bool:
    """Whether the seats fit in every session row as read (a read: the UPDATE decides)."""
    return all(
        s.capacity - s.seats_taken >= seats.seats
        and (
            s.children_capacity is None
            or s.children_capacity - s.children_taken >= seats.child_seats
        )
        and (
            not (with_childcare and seats.childcare)
            or (s.childcare_capacity or 0) - s.childcare_taken >= seats.childcare
        )
        for s in rows
    )


def _save_new(reservation: Reservation) -> None:
    """Insert a reservation; a second live one for the same email is refused by the database.

    Either refusal ends the transaction (PostgreSQL aborts it at the error).
    """
    try:
        insert(reservation)
    except IntegrityError as exc:
        _refuse_for(exc)


def _refuse_for(exc: IntegrityError) -> NoReturn:
    """Raise what a unique constraint refusing a new reservation means."""
    text = str(exc).lower()
    if "code" in text and "email" not in text:
        raise _CodeTaken from exc
    raise AppError("duplicate_reservation") from exc


def _one_statement_confirms(sessions: list[Session]) -> bool:
    """Whether ``_confirm_in_one_statement`` can write this booking: one session, PostgreSQL."""
    return len(sessions) == 1 and connections[router.db_for_write(Reservation)].vendor == (
        "postgresql"
    )


def _confirm_in_one_statement(
    reservation: Reservation,
    session: Session,
    seats: Seats,
    *,
    by: AbstractBaseUser | None,
    reason: str,
    token: str,
    now: datetime,
) -> bool:
    """Take the seats and write the confirmed reservation, its history and its first email in
    one PostgreSQL statement; return False, having written nothing, if the seats went.

    This is the booking that takes the seats of a rush: a party that fits in a session. The
    ordinary path costs six round trips (BEGIN, three INSERTs, the UPDATE, COMMIT), each a wait
    and a process switch for the web process; here one data-modifying ``WITH`` does it all, and
    the session row is locked only while PostgreSQL runs it, never across a round trip. The
    UPDATE is the same conditional one (re-checked against the committed row by a waiting
    booking) and the rows are the ones the ordinary path writes. Outside a transaction the
    statement is its own; inside a caller's, a savepoint keeps a refusal (a second live
    reservation for the email) from breaking it, as the ordinary path's atomic block does.
    """
    alias = router.db_for_write(Reservation)
    connection = connections[alias]
    notification = notify.reservation_created_row(reservation, token=token, now=now)
    assert notification is not None  # a confirmed reservation always gets its first email
    take = _take_statement(alias, bool(seats.child_seats), bool(seats.childcare))
    made, made_params = insert_select(reservation, alias, "taken", {})
    made_id = ("made.id", [])
    kept, kept_params = insert_select(
        _created_row(reservation, by, reason), alias, "made", {"reservation_id": made_id}
    )
    key = ("CAST(%s AS text) || made.id", [notify.reservation_dedupe_key(notification.kind, "")])
    note, note_params = insert_select(
        notification, alias, "made", {"reservation_id": made_id, "dedupe_key": key}
    )
    sql = (
        f"WITH taken AS ({take} RETURNING 1), made AS ({made}), kept AS ({kept}), "
        f"note AS ({note}) SELECT made.id, note.id FROM made, note"
    )
    params = [*_take_params(session, seats), *made_params, *kept_params, *note_params]
    savepoint = transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext()
    try:
        with savepoint, connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError as exc:
        _refuse_for(exc)
    if row is None:
        return False
    reservation_id, notification_id = row
    mark_inserted(reservation, reservation_id, alias)
    notification.dedupe_key = notify.reservation_dedupe_key(notification.kind, reservation_id)
    notification.reservation = reservation
    mark_inserted(notification, notification_id, alias)
    notify.notification_kick_if_due(notification, now)
    return True


def _fits_without_childcare(sessions: list[Session], seats: Seats) -> bool:
    fresh = Session.objects.filter(pk__in=[s.pk for s in sessions])
    return _seats_fit(fresh, seats, with_childcare=False)


def _raise_capacity_for(sessions: list[Session], seats: Seats) -> None:
    for session in Session.objects.select_for_update().filter(pk__in=[s.pk for s in sessions]):
        updates = {}
        if session.capacity - session.seats_taken < seats.seats:
            updates["capacity"] = session.seats_taken + seats.seats
        if (
            session.children_capacity is not None
            and session.children_capacity - session.children_taken < seats.child_seats
        ):
            updates["children_capacity"] = session.children_taken + seats.child_seats
        if (
            seats.childcare
            and (session.childcare_capacity or 0) - session.childcare_taken < seats.childcare
        ):
            updates["childcare_capacity"] = session.childcare_taken + seats.childcare
        if updates:
            Session.objects.filter(pk=session.pk).update(**updates)


# --- cancel ------------------------------------------------------------------------------


@transaction.atomic
def reservation_cancel(
    *,
    reservation: Reservation,
    by: AbstractBaseUser | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Reservation:
    """Cancel a reservation and hand its seats to the waiting list.

    Parents may give up a seat until the cancellation deadline, and leave a waiting list or a
    lottery any time before the session; staff may cancel at any time.
    """
    now = now or timezone.now()
    reservation.refresh_from_db()
    sessions = _sessions_of(reservation)
    first = _first(sessions)
    cancellable = (
        ReservationStatus.CONFIRMED,
        ReservationStatus.WON,
        ReservationStatus.WAITLISTED,
        ReservationStatus.APPLIED,
    )
    if reservation.status not in cancellable:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if by is None:
        if reservation.holds_seats and now > first.cancellation_deadline:
            raise AppError("cancellation_closed")
        if now >= first.start:
            raise AppError("cancellation_closed")
    held = reservation.holds_seats
    if not reservation_transition(
        reservation, ReservationStatus.CANCELLED, by=by, reason=reason, expected=cancellable
    ):
        raise AppError("invalid_state")
    notify.notify_cancelled(
        reservation, had_seat=held, by_staff=by is not None, reason=reason, now=now
    )
    if held:
        _release(sessions, _reservation_seats(reservation))
        waitlist_promote(
            session=reservation.session, course=reservation.course, reason="cancellation", now=now
        )
    return reservation


@transaction.atomic
def reservations_cancel_for_session(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = ""
) -> list[Reservation]:
    """Cancel every live reservation of a session that staff cancelled."""
    cancelled = []
    live = (
        ReservationStatus.CONFIRMED,
        ReservationStatus.WON,
        ReservationStatus.WAITLISTED,
        ReservationStatus.APPLIED,
    )
    target = Q(session=session)
    if session.course_id:
        target |= Q(course_id=session.course_id)
    for reservation in Reservation.objects.filter(target, status__in=live).order_by("id"):
        held = reservation.holds_seats
        if reservation_transition(
            reservation,
            ReservationStatus.CANCELLED,
            by=by,
            label=actor_label(by, "system"),
            reason=reason or "session cancelled",
            expected=live,
        ):
            if held:
                _release(_sessions_of(reservation), _reservation_seats(reservation))
            notify.notify_session_cancelled(
                reservation, session=session, had_seat=held, reason=reason
            )
            cancelled.append(reservation)
    return cancelled


# --- change the party --------------------------------------------------------------------


@transaction.atomic
def reservation_change_party(
    *,
    reservation: Reservation,
    party: Party,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Resize a party; growing it only takes seats that are left, shrinking frees seats."""
    now = now or timezone.now()
    reservation.refresh_from_db()
    sessions = _sessions_of(reservation)
    first = _first(sessions)
    program = first.program
    if reservation.status not in LIVE_CHANGEABLE:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if by is None and now > first.cancellation_deadline:
        raise AppError("cancellation_closed")
    errors = party_errors(program, party, timezone.localtime(first.start).date())
    if errors:
        raise AppValidationError(errors)
    old = _reservation_seats(reservation)
    new = party_seats(program, party)
    if reservation.holds_seats:
        grow = Seats(
            max(new.seats - old.seats, 0),
            max(new.child_seats - old.child_seats, 0),
            max(new.childcare - old.childcare, 0),
        )
        shrink = Seats(
            max(old.seats - new.seats, 0),
            max(old.child_seats - new.child_seats, 0),
            max(old.childcare - new.childcare, 0),
        )
        if (grow.seats or grow.child_seats or grow.childcare) and not _take(sessions, grow):
            raise AppError("party_too_large")
        _release(sessions, shrink)
    Reservation.objects.filter(pk=reservation.pk).update(
        adults=party.adults,
        children=party.children,
        children_ages=list(party.children_ages),
        childcare=party.childcare,
        due_date=party.due_date,
        seats=new.seats,
        child_seats=new.child_seats,
        updated_at=timezone.now(),
    )
    reservation.refresh_from_db()
    freed = reservation.holds_seats and (
        new.seats < old.seats or new.child_seats < old.child_seats or new.childcare < old.childcare
    )
    # A waitlisted party that shrank may fit now; it is promoted in its turn like any other.
    if freed or reservation.status == ReservationStatus.WAITLISTED:
        waitlist_promote(
            session=reservation.session, course=reservation.course, reason="party_changed", now=now
        )
        reservation.refresh_from_db()
    return reservation


LIVE_CHANGEABLE = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.WAITLISTED,
    ReservationStatus.APPLIED,
)


# --- waiting list ------------------------------------------------------------------------


def waitlist_promote(
    *,
    session: Session | None = None,
    course: Course | None = None,
    reason: str = "",
    now: datetime | None = None,
    by: AbstractBaseUser | None = None,
) -> list[Reservation]:
    """Promote waitlisted parties in order, as far as seats allow.

    A party that does not fit is skipped for the next one that does and keeps its place.
    Nothing is promoted once the list has closed before the start. Runs inside the caller's
    transaction when there is one.
    """
    now = now or timezone.now()
    if course is None and session is not None and session.course_id is not None:
        course = session.course
    with transaction.atomic():
        sessions = target_sessions(session=session, course=course)
        if not sessions:
            return []
        first = _first(sessions)
        program = first.program
        if any(s.status == SessionStatus.CANCELLED for s in sessions):
            return []
        if now >= first.start - program.waitlist_cutoff:
            return []
        promoted = []
        for candidate in waitlist_queryset(session=None if course else session, course=course):
            if not _has_any_seat(sessions):
                break
            seats = _reservation_seats(candidate)
            # Claim the row first, so two promoters never both promote the same party.
            claimed = Reservation.objects.filter(
                pk=candidate.pk, status=ReservationStatus.WAITLISTED
            ).update(status=ReservationStatus.CONFIRMED, updated_at=timezone.now())
            if not claimed:
                continue
            if _take(sessions, seats):
                _record_history(
                    candidate,
                    ReservationStatus.WAITLISTED,
                    ReservationStatus.CONFIRMED,
                    by=by,
                    label=actor_label(by, "system"),
                    reason=f"promoted from the waiting list ({reason})" if reason else "promoted",
                )
                candidate.refresh_from_db()
                promoted.append(candidate)
                notify.notify_promoted(candidate, now=now)
            else:
                Reservation.objects.filter(pk=candidate.pk).update(
                    status=ReservationStatus.WAITLISTED
                )
        return promoted


def _has_any_seat(sessions: list[Session]) -> bool:
    ids = [s.pk for s in sessions]
    return not Session.objects.filter(pk__in=ids, seats_taken__gte=F("capacity")).exists()


@transaction.atomic
def waitlist_promote_one(
    *, reservation: Reservation, by: AbstractBaseUser, reason: str
) -> Reservation:
    """Staff promote a waitlisted party by hand, out of order, with a reason."""
    reservation.refresh_from_db()
    if reservation.status != ReservationStatus.WAITLISTED:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if not reason.strip():
        raise AppValidationError({"reason": [_("Give a reason.")]})
    if not _take(_sessions_of(reservation), _reservation_seats(reservation)):
        raise AppError("session_full")
    reservation_transition(reservation, ReservationStatus.CONFIRMED, by=by, reason=reason)
    notify.notify_promoted(reservation)
    return reservation


# --- lottery -----------------------------------------------------------------------------


def drawn_order(applicants: list[Reservation], priority_groups: list, seed: str) -> list[int]:
    """Return applicant ids in drawn order: priority groups first, each shuffled from the seed.

    The same applicants, groups and seed always give the same order.
    """
    keys = [g.get("key") for g in priority_groups if isinstance(g, dict)]
    rng = random.Random(seed)
    order: list[int] = []
    for key in keys + [None]:
        group = sorted(
            r.pk
            for r in applicants
            if (r.priority_group == key) or (key is None and r.priority_group not in keys)
        )
        rng.shuffle(group)
        order.extend(group)
    return order


@transaction.atomic
def lottery_draw(
    *,
    session: Session,
    seed: str | None = None,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> LotteryDraw:
    """Draw a lottery session: winners up to capacity, the rest waitlisted in drawn order."""
    now = now or timezone.now()
    locked = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
    existing = LotteryDraw.objects.filter(session=locked).first()
    if existing is not None:
        return existing
    program = locked.program
    if program.booking_mode != BookingMode.LOTTERY:
        raise AppError("invalid_state", _("This session is not run by lottery."))
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    seed = seed or secrets.token_hex(16)
    applicants = list(
        Reservation.objects.filter(session=locked, status=ReservationStatus.APPLIED).order_by("id")
    )
    order = drawn_order(applicants, program.priority_groups, seed)
    by_id = {r.pk: r for r in applicants}
    deadline = None
    if program.lottery_confirmation_required:
        latest = locked.start - program.waitlist_cutoff
        deadline = max(now, min(now + program.lottery_confirmation_period, latest))
    label = actor_label(by, "lottery")
    winners = []
    for rank, reservation_id in enumerate(order, start=1):
        reservation = by_id[reservation_id]
        if _take([locked], _reservation_seats(reservation)):
            status = ReservationStatus.WON if deadline else ReservationStatus.CONFIRMED
            reservation_transition(
                reservation,
                status,
                by=by,
                label=label,
                reason=f"drawn #{rank}",
                draw_rank=rank,
                confirm_by=deadline,
            )
            winners.append(reservation_id)
            notify.notify_lottery_result(reservation, now=now)
        else:
            reservation_transition(
                reservation,
                ReservationStatus.WAITLISTED,
                by=by,
                label=label,
                reason=f"not drawn, waiting list #{rank}",
                draw_rank=rank,
            )
            notify.notify_lottery_result(reservation, now=now)
    return LotteryDraw.objects.create(
        session=locked,
        seed=seed,
        order=order,
        winners=winners,
        drawn_by=by,
        confirmation_deadline=deadline,
    )


@transaction.atomic
def reservation_confirm_win(
    *, reservation: Reservation, now: datetime | None = None
) -> Reservation:
    """A lottery winner confirms their seat before the deadline."""
    now = now or timezone.now()
    reservation.refresh_from_db()
    if reservation.status == ReservationStatus.CONFIRMED:
        return reservation
    if reservation.status != ReservationStatus.WON:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if reservation.confirm_by and now > reservation.confirm_by:
        raise AppError("confirmation_closed")
    reservation_transition(
        reservation,
        ReservationStatus.CONFIRMED,
        reason="lottery win confirmed",
        expected=(ReservationStatus.WON,),
    )
    notify.notify_win_confirmed(reservation, now=now)
    return reservation


def lottery_lapse_expired(*, now: datetime | None = None) -> int:
    """Lapse lottery wins not confirmed in time and pass their seats down the list."""
    now = now or timezone.now()
    count = 0
    expired = Reservation.objects.filter(status=ReservationStatus.WON, confirm_by__lt=now)
    for reservation in expired.order_by("id"):
        with transaction.atomic():
            if reservation_transition(
                reservation,
                ReservationStatus.LAPSED,
                label="system",
                reason="lottery win not confirmed in time",
                expected=(ReservationStatus.WON,),
            ):
                _release(_sessions_of(reservation), _reservation_seats(reservation))
                waitlist_promote(
                    session=reservation.session,
                    course=reservation.course,
                    reason="lottery win lapsed",
                    now=now,
                )
                count += 1
    return count


def lottery_draw_due(*, now: datetime | None = None) -> list[LotteryDraw]:
    """Draw every lottery session whose application period has ended."""
    now = now or timezone.now()
    due = Session.objects.filter(
        program__booking_mode=BookingMode.LOTTERY,
        status=SessionStatus.SCHEDULED,
        registration_closes__lt=now,
        start__gt=now,
        lottery_draw__isnull=True,
    ).order_by("start")
    return [lottery_draw(session=session, now=now) for session in due]
