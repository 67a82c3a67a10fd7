"""Walk-ins: parties staff add at the door, with or without an email address."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking.rules import NOT_A_MEMBER_MESSAGE, Contact, Party, party_seats
from booking.services import (
    ReservationResult,
    member_party,
    reservation_create,
)
from core.errors import AppError, AppValidationError
from events.models import Session, SessionStatus
from notifications.models import Notification, NotificationStatus
from staffdesk.models import StaffActionKind
from staffdesk.services.attendance import check_in, check_in_open, lock_session
from staffdesk.services.audit import record
from staffdesk.services.party_details import party_details_check

# Walk-ins often give no email address; the reservation still needs a unique one, so they get
# an address in the reserved .invalid domain (RFC 2606), which no mail system delivers to.
WALK_IN_EMAIL_DOMAIN = "walk-in.invalid"


def is_walk_in_placeholder(email: str) -> bool:
    return email.endswith("@" + WALK_IN_EMAIL_DOMAIN)


@transaction.atomic
def walk_in_add(
    *,
    session: Session,
    by: AbstractBaseUser,
    party: Party,
    contact: Contact,
    override_reason: str = "",
    check_in_now: bool = True,
    now: datetime | None = None,
) -> ReservationResult:
    """Add a party at the door; over capacity only with an explicit override reason.

    The registration window has closed by then, so the booking always goes through the staff
    override of ``reservation_create``; this function makes sure the override only raises the
    capacity when staff asked for it with a reason.
    """
    now = now or timezone.now()
    party_details_check(party=party, contact=contact)
    locked = lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if check_in_now:
        check_in_open(locked, now)
    targets = [locked]
    if locked.course_id:
        targets = list(
            Session.objects.select_for_update().filter(course_id=locked.course_id).order_by("id")
        )
    seats = party_seats(locked.program, party)
    fits = all(_fits(s, seats) for s in targets)
    override_reason = (override_reason or "").strip()
    _official, off_list = member_party(locked.program, party)
    if off_list and party.company.strip():
        # The door's reason is about seats: it lifts the capacity, not a programme's member
        # list (a company off the list stays unsaid instead).
        raise AppValidationError({"company": [NOT_A_MEMBER_MESSAGE]})
    if not fits and not override_reason:
        raise AppError(
            "override_required",
            extra={"seats_left": locked.seats_left, "seats_needed": seats.seats},
        )
    before = {"capacity": locked.capacity, "seats_taken": locked.seats_taken}
    result = reservation_create(
        session=None if locked.course_id else locked,
        course=locked.course if locked.course_id else None,
        party=party,
        contact=replace(
            contact,
            email=contact.email.strip() or f"{secrets.token_hex(8)}@{WALK_IN_EMAIL_DOMAIN}",
        ),
        by=by,
        # At the door the booking's window and rules are lifted; over the capacity, with the
        # reason staff gave (the reservation's source says it was a walk-in).
        override=True,
        override_reason="" if fits else override_reason,
        source="walk_in",
        now=now,
    )
    if is_walk_in_placeholder(result.reservation.email):
        # Nobody to write to: the confirmation queued for the placeholder address is dropped.
        Notification.objects.filter(
            reservation=result.reservation, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SKIPPED, last_error="walk-in without an email address")
    locked.refresh_from_db()
    record(
        by=by,
        kind=StaffActionKind.WALK_IN,
        session=locked,
        reservation=result.reservation,
        reason=override_reason,
        before=before,
        after={
            "capacity": locked.capacity,
            "seats_taken": locked.seats_taken,
            "code": result.reservation.code,
            "status": result.reservation.status,
            "adults": party.adults,
            "children": party.children,
            "over_capacity": not fits,
        },
    )
    if check_in_now:
        check_in(session=locked, reservation=result.reservation, by=by, now=now)
        result.reservation.refresh_from_db()
    return result


def _fits(session: Session, seats) -> bool:
    if session.capacity - session.seats_taken < seats.seats:
        return False
    if (
        session.children_capacity is not None
        and session.children_capacity - session.children_taken < seats.child_seats
    ):
        return False
    return not (seats.childcare and session.childcare_left < seats.childcare)
