"""Booking: a party reserves seats and is confirmed, waitlisted, or applies for a lottery."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NoReturn

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import signals
from booking.models import HistoryNote, Need, Reservation, ReservationStatus
from booking.rules import (
    NOT_A_MEMBER_MESSAGE,
    NOT_KANA_MESSAGE,
    Contact,
    Party,
    attendee_names_kept,
    member_named,
    party_errors,
    party_seats,
    reading_refused,
)
from booking.services.phases import booking_phase, waitlist_open
from booking.services.seats import (
    capacity_raise_for,
    first_session,
    seats_fit,
    seats_fit_without_childcare,
    seats_take,
    target_sessions,
)
from booking.services.status import history_record
from booking.services.tokens import generate_code, generate_token, hash_token
from booking.services.waitlist import (
    waitlist_full_now,
    waitlist_join,
    waitlist_join_locked,
    waitlist_position,
)
from booking.write_queue import bookings_queue
from core.errors import AppError, AppValidationError
from core.kana import kana_normalised
from events.models import Course, Program, Session, SessionStatus
from events.selectors import member_names


@dataclass
class ReservationResult:
    reservation: Reservation
    token: str
    position: int | None


class CodeTaken(Exception):
    """The random reservation code is already used: the whole booking is tried again."""


class ChangedMeanwhile(Exception):
    """Seats that looked free were taken by others, or seats that looked gone came free: the
    booking runs again the ordinary way, under the row's lock. (A waiting list that filled
    meanwhile refuses at once: ``waitlist_join``.)"""


def is_deadlock(exc: OperationalError) -> bool:
    """Whether the database ended this transaction to break a deadlock (SQLSTATE 40P01)."""
    return getattr(exc.__cause__, "sqlstate", None) == "40P01"


def _retried(create: Callable[..., ReservationResult]):
    """Run a booking again after a rollback that says so.

    A colliding code (one in billions) is retried with a new code, and so is a booking the
    database ended to break a deadlock; retrying inside the
    transaction would need a savepoint around every insert, two more round trips while the
    session row is locked. A booking whose seats or place on the list changed between the read
    and the UPDATE is retried with ``optimistic=False``, which then decides under the lock.
    """

    @functools.wraps(create)
    def retried(**kwargs) -> ReservationResult:
        for _attempt in range(5):
            try:
                return create(**kwargs)
            except CodeTaken:
                continue
            except ChangedMeanwhile:
                kwargs["optimistic"] = False
            except OperationalError as exc:
                if not is_deadlock(exc):
                    raise
                # Two bookings with one email met: one took the session row's lock and waits
                # for the other's reservation row, which waits for the lock. PostgreSQL ended
                # this one; run it again (it is then refused as a duplicate, or books).
                kwargs["optimistic"] = False
        raise AppError("server_error", status_code=503)  # pragma: no cover - 5 collisions

    return retried


@_retried
def reservation_create(
    *,
    session: Session | None = None,
    course: Course | None = None,
    party: Party,
    contact: Contact,
    language: str = "ja",
    by: AbstractBaseUser | None = None,
    override_reason: str = "",
    override: bool = False,
    source: str = "web",
    now: datetime | None = None,
    optimistic: bool = True,
) -> ReservationResult:
    """Reserve seats for a party: confirmed, waitlisted or a lottery application.

    With ``override_reason`` (staff only) the window, eligibility and capacity rules are
    lifted; a party that does not fit raises the capacity by what it needs, recorded in the
    history (``HistoryNote.CAPACITY_RAISED``, beside staff's reason), so the database invariant
    still holds. ``override`` lifts them without a reason (a walk-in who fits). ``optimistic``
    chooses when seats, or a place on the waiting list, are taken (see below); the outcome is
    the same either way.

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
    first = first_session(sessions)
    program = first.program
    override = bool((override or override_reason) and by is not None)

    if any(s.status == SessionStatus.CANCELLED for s in sessions):
        raise AppError("session_cancelled")
    phase = booking_phase(program, first, now)
    if phase == "closed" and not override:
        raise AppError("registration_closed")
    errors = party_errors(program, party, timezone.localtime(first.start).date())
    party, off_list = member_party(program, party)
    if off_list and not (override and override_reason):  # staff's reason lifts the list too
        if not override:
            errors.setdefault("company", [NOT_A_MEMBER_MESSAGE])
        elif party.company.strip():
            # A walk-in's override (no reason) lifts the need to name a company, not the list.
            raise AppValidationError({"company": [NOT_A_MEMBER_MESSAGE]})
    if errors and not override:
        raise AppValidationError(errors)
    if override:
        phase = "first_come"
    if reading_refused(contact.name_kana):  # with an override too: it is no rule of a programme
        raise AppValidationError({"name_kana": [NOT_KANA_MESSAGE]})

    unknown = set(contact.needs) - set(Need.values)
    if unknown:
        raise AppValidationError({"needs": [_("Choose the needs from the list.")]})
    seats = party_seats(program, party)
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
        attendee_names=attendee_names_kept(program, party.attendee_names),
        seats=seats.seats,
        child_seats=seats.child_seats,
        name=contact.name.strip(),
        name_kana=kana_normalised(contact.name_kana),
        email=contact.email.strip().lower(),
        phone=contact.phone.strip(),
        notes=contact.notes,
        # In the list's order, once each, whatever order the form or client sent them in.
        needs=[n for n in Need.values if n in set(contact.needs)],
        needs_detail=contact.needs_detail.strip(),
        language=language,
        source=source,
    )
    token = generate_token()
    reservation.token_hash = hash_token(token)

    reason = override_reason if override else ""
    note = ""
    # What the session row looked like when read decides the order of the writes. Seats that
    # looked free are taken last, just before the commit, and so is a place on the waiting
    # list when the seats looked gone: the conditional UPDATE locks the session row until the
    # commit, and every other booking of the session queues on that lock only that long. If
    # the row changed meanwhile, the booking is rolled back and decided under the lock
    # (``ChangedMeanwhile``).
    simple = optimistic and phase == "first_come" and not override
    seats_last = simple and seats_fit(sessions, seats)
    join_last = (
        simple
        and course is None
        and not seats_fit(sessions, seats, with_childcare=False)
        and waitlist_open(program, first, now)
    )
    if join_last and session.waitlist_left == 0:
        raise AppError("waitlist_full")
    with bookings_queue(), transaction.atomic():
        if phase == "apply":
            reservation.status = ReservationStatus.APPLIED
        elif seats_last:
            reservation.status = ReservationStatus.CONFIRMED
        elif join_last:
            # A party that queued for the write (SQLite's lock, the row's) while the last places
            # of a limited list went is refused with one read, not a rolled-back transaction.
            if session.waitlist_capacity is not None and waitlist_full_now(session, seats):
                raise AppError("waitlist_full")
            reservation.status = ReservationStatus.WAITLISTED
        elif seats_take(sessions, seats):
            reservation.status = ReservationStatus.CONFIRMED
        elif override:
            capacity_raise_for(sessions, seats)
            if not seats_take(sessions, seats):  # pragma: no cover - the capacity was just raised
                raise AppError("session_full")
            reservation.status = ReservationStatus.CONFIRMED
            note = HistoryNote.CAPACITY_RAISED
        elif seats.childcare and seats_fit_without_childcare(sessions, seats):
            raise AppError("childcare_full", status_code=409)
        elif waitlist_open(program, first, now):
            # Under the rows' lock: a cancellation committing meanwhile has either finished
            # (its seats are tried again here) or waits, and its promotion then sees this party.
            list(Session.objects.select_for_update().filter(pk__in=[s.pk for s in sessions]))
            if seats_take(sessions, seats):
                reservation.status = ReservationStatus.CONFIRMED
            else:
                reservation.status = ReservationStatus.WAITLISTED
        else:
            raise AppError("session_full")

        _save_new(reservation)
        history_record(reservation, "", reservation.status, by=by, reason=reason, note=note)
        signals.reservation_created.send(Reservation, reservation=reservation, token=token, now=now)
        if seats_last and not seats_take(sessions, seats):
            raise ChangedMeanwhile
        if join_last:
            place = waitlist_join(reservation, session, seats)
            if place is None:
                raise ChangedMeanwhile
            return ReservationResult(reservation, token, place)
        if reservation.status == ReservationStatus.WAITLISTED:
            waitlist_join_locked(reservation, sessions)
        return ReservationResult(reservation, token, waitlist_position(reservation))


def member_party(program: Program, party: Party) -> tuple[Party, bool]:
    """The party with its company written as the member list has it, and whether the company
    is off the programme's list (not an active member); always on it without a list."""
    if program.member_list_id is None:
        return party, False
    official = member_named(party.company, member_names(member_list_id=program.member_list_id))
    if official is None:
        return party, True
    return replace(party, company=official), False


def _save_new(reservation: Reservation) -> None:
    """Insert a reservation; a second live one for the same email is refused by the database.

    Either refusal ends the transaction (PostgreSQL aborts it at the error).
    """
    try:
        reservation.save(force_insert=True)
    except IntegrityError as exc:
        _refuse_for(exc)


def _refuse_for(exc: IntegrityError) -> NoReturn:
    """Raise what a unique constraint refusing a new reservation means."""
    text = str(exc).lower()
    if "code" in text and "email" not in text:
        raise CodeTaken from exc
    raise AppError("duplicate_reservation") from exc
