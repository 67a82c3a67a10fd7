"""Changing a party: more or fewer people, children or childcare places on a reservation."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking import signals
from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.rules import Party, Seats, attendee_names_kept, party_errors, party_seats
from booking.services.seats import (
    first_session,
    reservation_seats,
    reservation_sessions,
    seats_release,
    seats_take,
)
from booking.services.status import CHANGEABLE
from booking.services.waitlist import waitlist_promote
from core.errors import AppError, AppValidationError


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
    sessions = reservation_sessions(reservation)
    first = first_session(sessions)
    program = first.program
    if reservation.status not in CHANGEABLE:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if by is None and now > first.cancellation_deadline:
        raise AppError("cancellation_closed")
    errors = party_errors(program, party, timezone.localtime(first.start).date())
    if errors:
        raise AppValidationError(errors)
    before = {
        "adults": reservation.adults,
        "children": reservation.children,
        "childcare": reservation.childcare,
    }
    after = {"adults": party.adults, "children": party.children, "childcare": party.childcare}
    resized = after != before
    old = reservation_seats(reservation)
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
        if (grow.seats or grow.child_seats or grow.childcare) and not seats_take(sessions, grow):
            raise AppError("party_too_large")
        seats_release(sessions, shrink)
    Reservation.objects.filter(pk=reservation.pk).update(
        adults=party.adults,
        children=party.children,
        children_ages=list(party.children_ages),
        childcare=party.childcare,
        due_date=party.due_date,
        attendee_names=attendee_names_kept(program, party.attendee_names),
        seats=new.seats,
        child_seats=new.child_seats,
        party_changes=F("party_changes") + (1 if resized else 0),
        updated_at=timezone.now(),
    )
    reservation.refresh_from_db()
    if resized:
        signals.reservation_party_changed.send(
            Reservation, reservation=reservation, before=before, by_staff=by is not None, now=now
        )
    freed = reservation.holds_seats and (
        new.seats < old.seats or new.child_seats < old.child_seats or new.childcare < old.childcare
    )
    # A waitlisted party that shrank may fit now; it is promoted in its turn like any other.
    if freed or reservation.status == ReservationStatus.WAITLISTED:
        waitlist_promote(
            session=reservation.session,
            course=reservation.course,
            note=HistoryNote.PROMOTED_PARTY_CHANGED,
            now=now,
        )
        reservation.refresh_from_db()
    return reservation
