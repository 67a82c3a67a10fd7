"""Seats: the counters on the session row that capacity is held in.

Every change of ``seats_taken`` (and the children's and childcare counters) is a conditional
UPDATE (``... WHERE seats_taken + n <= capacity``) inside the transaction that changes the
reservation, and CHECK constraints on the table refuse any row over capacity. On PostgreSQL a
concurrent UPDATE of the same row waits and re-checks the condition against the committed row
(READ COMMITTED); on SQLite every write transaction starts with BEGIN IMMEDIATE. Either way,
two requests can never both take the last seat.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q

from booking.models import Reservation
from booking.rules import Seats
from events.models import Course, Session


class NoSeats(Exception):
    """Raised inside an atomic block to undo the seats already taken in other sessions."""


def target_sessions(
    *, session: Session | None = None, course: Course | None = None
) -> list[Session]:
    """Return the sessions a booking takes seats in, ordered by id (a fixed lock order)."""
    if course is not None:
        return list(Session.objects.filter(course=course).select_related("program").order_by("id"))
    assert session is not None
    return [session]


def first_session(sessions: list[Session]) -> Session:
    """The session whose rules (window, deadline, cutoff) a booking of several follows."""
    return min(sessions, key=lambda s: s.start)


def reservation_seats(reservation: Reservation) -> Seats:
    return Seats(reservation.seats, reservation.child_seats, reservation.childcare)


def reservation_sessions(reservation: Reservation) -> list[Session]:
    return target_sessions(session=reservation.session, course=reservation.course)


def seats_take_one(session: Session, seats: Seats) -> bool:
    """Take the seats in one session if they are all left: one conditional UPDATE.

    A children's capacity of NULL is no limit; a childcare capacity of NULL offers no places.
    """
    fits = Q(capacity__gte=F("seats_taken") + seats.seats)
    if seats.child_seats:
        fits &= Q(children_capacity__isnull=True) | Q(
            children_capacity__gte=F("children_taken") + seats.child_seats
        )
    if seats.childcare:
        fits &= Q(childcare_capacity__gte=F("childcare_taken") + seats.childcare)
    return (
        Session.objects.filter(fits, pk=session.pk).update(
            seats_taken=F("seats_taken") + seats.seats,
            children_taken=F("children_taken") + seats.child_seats,
            childcare_taken=F("childcare_taken") + seats.childcare,
        )
        == 1
    )


def seats_take(sessions: list[Session], seats: Seats) -> bool:
    """Take the seats in every session or in none; return whether they were taken.

    One session needs no savepoint (an UPDATE that matches no row changes nothing).
    """
    if len(sessions) == 1:
        return seats_take_one(sessions[0], seats)
    try:
        with transaction.atomic():
            for session in sessions:
                if not seats_take_one(session, seats):
                    raise NoSeats
    except NoSeats:
        return False
    return True


def seats_release(sessions: list[Session], seats: Seats) -> None:
    for session in sessions:
        Session.objects.filter(pk=session.pk).update(
            seats_taken=F("seats_taken") - seats.seats,
            children_taken=F("children_taken") - seats.child_seats,
            childcare_taken=F("childcare_taken") - seats.childcare,
        )


def seats_fit(rows: Iterable[Session], seats: Seats, *, with_childcare: bool = True) -> bool:
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


def seats_fit_without_childcare(sessions: list[Session], seats: Seats) -> bool:
    """Whether the party would fit, read now, if it asked for no childcare."""
    fresh = Session.objects.filter(pk__in=[s.pk for s in sessions])
    return seats_fit(fresh, seats, with_childcare=False)


def any_seat_left(sessions: list[Session]) -> bool:
    ids = [s.pk for s in sessions]
    return not Session.objects.filter(pk__in=ids, seats_taken__gte=F("capacity")).exists()


def capacity_raise_for(sessions: list[Session], seats: Seats) -> None:
    """Raise each limit a staff override needs, so that the party fits and the CHECKs hold."""
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
