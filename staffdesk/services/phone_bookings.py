"""Phone bookings (電話予約): staff book for a caller, with a phone number and no email needed.

The booking goes through ``booking.services.reservation_create`` like any other: within the
programme's rules (window, eligibility, seats, waiting list, lottery), or with an override and
a reason, as the reservation API allows staff. A caller who gives no email address gets a
placeholder (``booking.addresses``): no email is written for the reservation, ever, and the
desk hands or reads out the 受付票 instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking.addresses import placeholder_email
from booking.rules import Contact, Party
from booking.services import ReservationResult, reservation_create
from events.models import Session
from staffdesk.models import StaffActionKind
from staffdesk.services.audit import record
from staffdesk.services.party_details import party_details_check

PHONE_SOURCE = "phone"
PHONE_EMAIL_DOMAIN = "phone.invalid"


@transaction.atomic
def phone_booking_create(
    *,
    session: Session,
    by: AbstractBaseUser,
    party: Party,
    contact: Contact,
    override_reason: str = "",
    now: datetime | None = None,
) -> ReservationResult:
    """Book a caller's party at ``session`` (its course, for a course's session).

    Without ``override_reason`` the rules apply as on the parents' form; with it they are
    lifted as for the API's staff override (the capacity is raised for a party that does not
    fit), and the reason is kept in the reservation's history and the audit log.
    """
    now = now or timezone.now()
    party_details_check(party=party, contact=contact, phone_required=True)
    override_reason = (override_reason or "").strip()
    course = session.course if session.course_id else None
    before = {"capacity": session.capacity, "seats_taken": session.seats_taken}
    result = reservation_create(
        session=None if course else session,
        course=course,
        party=party,
        contact=replace(
            contact, email=contact.email.strip() or placeholder_email(PHONE_EMAIL_DOMAIN)
        ),
        by=by,
        override_reason=override_reason,  # the source says it was a phone booking
        source=PHONE_SOURCE,
        now=now,
    )
    reservation = result.reservation
    session.refresh_from_db(fields=["capacity", "seats_taken"])
    record(
        by=by,
        kind=StaffActionKind.PHONE_BOOKING,
        session=session,
        reservation=reservation,
        reason=override_reason,
        before=before,
        after={
            "capacity": session.capacity,
            "seats_taken": session.seats_taken,
            "code": reservation.code,
            "status": reservation.status,
            "adults": party.adults,
            "children": party.children,
            "override": bool(override_reason),
        },
    )
    return result
