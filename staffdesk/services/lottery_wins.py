"""Lottery wins confirmed by staff: for a party that cannot confirm online.

Where a programme asks its winners to confirm (``won`` with a deadline), a party booked by phone
without an email address never hears of its win by email and has no manage page to confirm
on. Staff phone them and confirm for them (or for any winner who phones in); it is the
parent's own confirmation (``booking.services.reservation_confirm_win``: the same history,
the same email when the party has an address), made by the staff member, with an optional
note, and kept in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Reservation, ReservationStatus
from booking.services import reservation_confirm_win
from core.errors import AppError
from events.models import Session
from staffdesk.models import StaffActionKind
from staffdesk.services.audit import record


@transaction.atomic
def lottery_win_confirm(
    *,
    session: Session,
    reservation: Reservation,
    by: AbstractBaseUser,
    note: str = "",
    now: datetime | None = None,
) -> Reservation:
    """Confirm a party's lottery win on its behalf, before the confirmation deadline.

    Refused (409) unless the party has won and not confirmed yet (``invalid_state``: already
    confirmed, lapsed, cancelled) and while the deadline has not passed
    (``confirmation_closed``).
    """
    now = now or timezone.now()
    # Locked so that the parent confirming at the same moment is either before us (refused
    # here: already confirmed) or after us, never logged twice.
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.status != ReservationStatus.WON:
        raise AppError(
            "invalid_state",
            _("Only a party that won the lottery and has not confirmed yet can be confirmed."),
            extra={"status": locked.status},
        )
    confirm_by = locked.confirm_by
    confirmed = reservation_confirm_win(reservation=locked, by=by, now=now)
    record(
        by=by,
        kind=StaffActionKind.WIN_CONFIRM,
        session=session,
        reservation=confirmed,
        reason=(note or "").strip(),
        before={"status": ReservationStatus.WON, "confirm_by": confirm_by},
        after={"status": confirmed.status, "code": confirmed.code},
    )
    return confirmed
