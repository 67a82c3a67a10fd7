"""The waiting list (キャンセル待ち): joining it, its order, a party's place, and promotion.

A session row counts the parties waiting (``waitlist_taken``, against the limit) and the
places ever given (``waitlist_joined``: the next party's ticket). A party joins by one
conditional UPDATE of that row, run last before the commit, as a confirmed booking takes its
seats: the seats must still be gone and the list not full. The row's lock is held only from
that UPDATE to the commit, and a cancellation's release of seats (an UPDATE of the same row)
waits for it, then promotes the party; so no party waits while seats are free, and each
party's place is the count the UPDATE returned.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, router, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import signals
from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.rules import Seats
from booking.services.seats import (
    any_seat_left,
    first_session,
    reservation_seats,
    reservation_sessions,
    seats_fit,
    seats_take,
    target_sessions,
)
from booking.services.status import (
    actor_label,
    history_record,
    reservation_transition,
    waitlist_count,
)
from core.errors import AppError, AppValidationError
from events.models import Course, Session, SessionStatus


def waitlist_queryset(*, session: Session | None = None, course: Course | None = None) -> QuerySet:
    """Waitlisted reservations in promotion order: lottery draw order first, then arrival
    (rows without a ticket, from before tickets or of a course, by id before ticketed ones)."""
    target = Q(course=course) if course is not None else Q(session=session)
    return Reservation.objects.filter(target, status=ReservationStatus.WAITLISTED).order_by(
        F("draw_rank").asc(nulls_last=True), F("waitlist_ticket").asc(nulls_first=True), "id"
    )


def waitlist_position(reservation: Reservation) -> int | None:
    """A waitlisted party's place on its list (1 is next), or None when not waiting."""
    if reservation.status != ReservationStatus.WAITLISTED:
        return None
    ids = list(
        waitlist_queryset(session=reservation.session, course=reservation.course).values_list(
            "id", flat=True
        )
    )
    return ids.index(reservation.pk) + 1 if reservation.pk in ids else None


# Within a data-modifying WITH, PostgreSQL runs the join as one statement: the row's lock is
# taken by the UPDATE of the session and kept only until the commit that follows.
_JOIN_ONE_STATEMENT = """
WITH joined AS (
    UPDATE {session} SET waitlist_taken = waitlist_taken + 1, waitlist_joined = waitlist_joined + 1
    WHERE id = %(session)s AND waitlist_taken < %(limit)s
    AND NOT (capacity >= seats_taken + %(seats)s
             AND (children_capacity IS NULL OR children_capacity >= children_taken + %(children)s))
    RETURNING waitlist_taken, waitlist_joined
)
UPDATE {reservation} SET waitlist_ticket = joined.waitlist_joined FROM joined
WHERE {reservation}.id = %(reservation)s
RETURNING joined.waitlist_taken
"""
NO_LIMIT = 2**31 - 1


def waitlist_join(reservation: Reservation, session: Session, seats: Seats) -> int | None:
    """Put a waitlisted reservation, just written, on its session's list; return its place.

    None, with nothing changed, when the seats are not all gone any more (the party may book
    them); ``AppError("waitlist_full")`` when they are and the list filled meanwhile, so a
    party that came a moment too late is refused at once instead of trying again under the
    row's lock. Run last before the commit (see the module's doc).
    """
    limit = session.waitlist_capacity
    limit = NO_LIMIT if limit is None else limit
    place = _join(reservation, session, seats, limit)
    if place is None and waitlist_full_now(session, seats):
        raise AppError("waitlist_full")
    return place


def waitlist_full_now(session: Session, seats: Seats) -> bool:
    """Whether the session's row, as committed now, has this party's seats gone and its list
    at its limit (the limit as staff may have changed it since the request read the row)."""
    fresh = Session.objects.select_related("program").get(pk=session.pk)
    return fresh.waitlist_left == 0 and not seats_fit([fresh], seats, with_childcare=False)


def _join(reservation: Reservation, session: Session, seats: Seats, limit: int) -> int | None:
    connection = connections[router.db_for_write(Session)]
    if connection.vendor == "postgresql":
        sql = _JOIN_ONE_STATEMENT.format(
            session=connection.ops.quote_name(Session._meta.db_table),
            reservation=connection.ops.quote_name(Reservation._meta.db_table),
        )
        params = {
            "session": session.pk,
            "limit": limit,
            "seats": seats.seats,
            "children": seats.child_seats,
            "reservation": reservation.pk,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None
    # Elsewhere (SQLite) every write transaction holds the database's one write lock anyway.
    still_full = Q(capacity__lt=F("seats_taken") + seats.seats) | Q(
        children_capacity__lt=F("children_taken") + seats.child_seats
    )
    joined = Session.objects.filter(still_full, pk=session.pk, waitlist_taken__lt=limit).update(
        waitlist_taken=F("waitlist_taken") + 1, waitlist_joined=F("waitlist_joined") + 1
    )
    if not joined:
        return None
    place, ticket = Session.objects.values_list("waitlist_taken", "waitlist_joined").get(
        pk=session.pk
    )
    Reservation.objects.filter(pk=reservation.pk).update(waitlist_ticket=ticket)
    return place


def waitlist_join_locked(reservation: Reservation, sessions: list[Session]) -> None:
    """Put a waitlisted reservation on its list while the caller holds the sessions' rows
    locked (courses, and a join that found the list at its limit): counted, and for a single
    session ticketed; ``AppError("waitlist_full")`` when the list is full."""
    locked = list(Session.objects.select_related("program").filter(pk__in=[s.pk for s in sessions]))
    if any(s.waitlist_left == 0 for s in locked):
        raise AppError("waitlist_full")
    waitlist_count(reservation, 1)
    if reservation.session_id:
        Session.objects.filter(pk=reservation.session_id).update(
            waitlist_joined=F("waitlist_joined") + 1
        )
        reservation.waitlist_ticket = locked[0].waitlist_joined + 1
        Reservation.objects.filter(pk=reservation.pk).update(
            waitlist_ticket=reservation.waitlist_ticket
        )


def waitlist_promote(
    *,
    session: Session | None = None,
    course: Course | None = None,
    note: str = HistoryNote.PROMOTED,
    now: datetime | None = None,
    by: AbstractBaseUser | None = None,
) -> list[Reservation]:
    """Promote waitlisted parties in order, as far as seats allow; ``note`` (a
    ``HistoryNote``) says in their history what freed the seats.

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
        first = first_session(sessions)
        program = first.program
        if any(s.status == SessionStatus.CANCELLED for s in sessions):
            return []
        if now >= first.start - program.waitlist_cutoff:
            return []
        promoted = []
        for candidate in waitlist_queryset(session=None if course else session, course=course):
            if not any_seat_left(sessions):
                break
            seats = reservation_seats(candidate)
            # Claim the row first, so two promoters never both promote the same party.
            claimed = Reservation.objects.filter(
                pk=candidate.pk, status=ReservationStatus.WAITLISTED
            ).update(status=ReservationStatus.CONFIRMED, updated_at=timezone.now())
            if not claimed:
                continue
            if seats_take(sessions, seats):
                waitlist_count(candidate, -1)
                history_record(
                    candidate,
                    ReservationStatus.WAITLISTED,
                    ReservationStatus.CONFIRMED,
                    by=by,
                    label=actor_label(by, "system"),
                    note=note,
                )
                candidate.refresh_from_db()
                promoted.append(candidate)
                signals.reservation_promoted.send(Reservation, reservation=candidate, now=now)
            else:
                Reservation.objects.filter(pk=candidate.pk).update(
                    status=ReservationStatus.WAITLISTED
                )
        return promoted


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
    if not seats_take(reservation_sessions(reservation), reservation_seats(reservation)):
        raise AppError("session_full")
    reservation_transition(reservation, ReservationStatus.CONFIRMED, by=by, reason=reason)
    signals.reservation_promoted.send(Reservation, reservation=reservation, now=None)
    return reservation
