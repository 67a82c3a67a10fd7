"""The waiting list (キャンセル待ち): its order, a party's place on it, and promotion."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import signals
from booking.models import Reservation, ReservationStatus
from booking.services.seats import (
    any_seat_left,
    first_session,
    reservation_seats,
    reservation_sessions,
    seats_take,
    target_sessions,
)
from booking.services.status import actor_label, history_record, reservation_transition
from core.errors import AppError, AppValidationError
from events.models import Course, Session, SessionStatus


def waitlist_queryset(*, session: Session | None = None, course: Course | None = None) -> QuerySet:
    """Waitlisted reservations in promotion order: lottery draw order first, then arrival."""
    target = Q(course=course) if course is not None else Q(session=session)
    return Reservation.objects.filter(target, status=ReservationStatus.WAITLISTED).order_by(
        F("draw_rank").asc(nulls_last=True), "id"
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
                history_record(
                    candidate,
                    ReservationStatus.WAITLISTED,
                    ReservationStatus.CONFIRMED,
                    by=by,
                    label=actor_label(by, "system"),
                    reason=f"promoted from the waiting list ({reason})" if reason else "promoted",
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
