"""Staff change one party's booking from the desk: resize the party, move it to another date,
or cancel the booking.

Booking's own services do the work (``reservation_change_party``, ``reservation_move``,
``reservation_cancel``), as
for a parent on the manage page, so capacity, the waiting list's promotion, the reservation's
history and the parent's email hold exactly as there; this module adds what the desk owes on
top: a reason for a cancellation, and the entry in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from booking.models import Reservation
from booking.rules import Party
from booking.services import (
    move_choices,
    reservation_cancel,
    reservation_change_party,
    reservation_move,
)
from core.errors import AppError
from events.models import Session, StaffRole
from events.selectors import staff_facility_ids, user_can_manage_facility
from staffdesk.models import StaffActionKind
from staffdesk.services.attendance import promoted_among, waiting_ids
from staffdesk.services.audit import record, require_reason


@dataclass
class PartyResult:
    reservation: Reservation
    # Parties the change moved from the waiting list into the seats it freed.
    promoted: list[Reservation] = field(default_factory=list)


def _party_facts(reservation: Reservation) -> dict:
    return {
        "status": reservation.status,
        "adults": reservation.adults,
        "children": reservation.children,
        "children_ages": list(reservation.children_ages or []),
        "childcare": reservation.childcare,
    }


def _promoted_codes(promoted: list[Reservation]) -> dict:
    """The audit entry's "promoted" codes, left out when nobody was."""
    return {"promoted": [r.code for r in promoted]} if promoted else {}


@transaction.atomic
def reservation_cancel_by_staff(
    *,
    session: Session,
    reservation: Reservation,
    by: AbstractBaseUser,
    reason: str,
    now: datetime | None = None,
) -> PartyResult:
    """Cancel one party's booking with a reason, which the parent's email carries.

    The seats go to the waiting list as on any cancellation; the audit log keeps who, why,
    and the parties promoted.
    """
    reason = require_reason(reason)
    before = _party_facts(reservation)
    waiting = waiting_ids(session, besides=reservation)
    cancelled = reservation_cancel(reservation=reservation, by=by, reason=reason, now=now)
    promoted = promoted_among(waiting)
    record(
        by=by,
        kind=StaffActionKind.RESERVATION_CANCEL,
        session=session,
        reservation=cancelled,
        reason=reason,
        before={"status": before["status"]},
        after={"status": cancelled.status, **_promoted_codes(promoted)},
    )
    return PartyResult(reservation=cancelled, promoted=promoted)


@transaction.atomic
def party_change_by_staff(
    *,
    session: Session,
    reservation: Reservation,
    by: AbstractBaseUser,
    party: Party,
    now: datetime | None = None,
) -> PartyResult:
    """Change the size of one party (and the names of those who come, where the programme asks
    for them): a larger one takes only seats that are left (staff are not held to the
    cancellation deadline); seats given back go to the waiting list."""
    before = _party_facts(reservation)
    names_before = list(reservation.attendee_names or [])
    waiting = waiting_ids(session, besides=reservation)
    changed = reservation_change_party(reservation=reservation, party=party, by=by, now=now)
    promoted = promoted_among(waiting)
    after = _party_facts(changed)
    # The log says that the names of those who come changed, not the names: it outlives the
    # erasure of the reservation's personal data.
    renamed = {"attendee_names_changed": True} if changed.attendee_names != names_before else {}
    if after != before or renamed:
        record(
            by=by,
            kind=StaffActionKind.PARTY_CHANGE,
            session=session,
            reservation=changed,
            before=before,
            after={**after, **renamed, **_promoted_codes(promoted)},
        )
    return PartyResult(reservation=changed, promoted=promoted)


def move_choices_for_staff(reservation: Reservation, by: AbstractBaseUser) -> list[Session]:
    """The dates staff may move a party to: the programme's other sessions with its seats left
    at the facilities the staff member manages, past the parents' deadline and booking period
    too (as a phone booking may be taken outside them)."""
    managed = staff_facility_ids(by, role=StaffRole.MANAGER)
    return move_choices(reservation, by_staff=True, facility_ids=managed)


@transaction.atomic
def party_move_by_staff(
    *,
    session: Session,
    reservation: Reservation,
    by: AbstractBaseUser,
    to: Session,
    now: datetime | None = None,
) -> PartyResult:
    """Move one party's booking to another date of its programme at a facility the staff
    member manages (a parent who phoned: "next week instead"); the parent is emailed as after
    their own move. Both sessions' audit logs keep the entry, the old one with the parties its
    seats promoted."""
    if not user_can_manage_facility(by, to.facility_id):
        raise AppError("permission_denied", status_code=403)
    before = {"start": session.start, "facility": session.facility.slug}
    after = {"start": to.start, "facility": to.facility.slug}
    waiting = waiting_ids(session, besides=reservation)
    was = reservation.status
    moved = reservation_move(reservation=reservation, to=to, by=by, now=now)
    if moved.status != was:  # a party that waited: キャンセル待ち → 予約確定
        before["status"], after["status"] = was, moved.status
    promoted = promoted_among(waiting)
    for logged, extra in ((session, _promoted_codes(promoted)), (to, {})):
        record(
            by=by,
            kind=StaffActionKind.PARTY_MOVE,
            session=logged,
            reservation=moved,
            before=before,
            after={**after, **extra},
        )
    return PartyResult(reservation=moved, promoted=promoted)
