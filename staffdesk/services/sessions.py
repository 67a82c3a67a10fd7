"""Staff change a session: move it, cancel it, change its capacity, promote by hand, draw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import LotteryDraw, Reservation, ReservationStatus
from booking.services import (
    lottery_draw,
    waitlist_promote_one,
)
from core.errors import AppError, AppValidationError
from events import services as catalogue
from events.models import Facility, Session, SessionStatus
from events.selectors import user_can_manage_facility
from staffdesk.models import StaffActionKind
from staffdesk.services.attendance import (
    EXPECTED,
    lock_session,
    promoted_among,
    roster_filter,
    waiting_ids,
)
from staffdesk.services.audit import record, require_reason
from staffdesk.services.session_changes import session_cancel_all, session_update


def _session_facts(session: Session) -> dict[str, Any]:
    return {
        "start": session.start,
        "end": session.end,
        "facility": session.facility.slug,
        "status": session.status,
        "sequence": session.sequence,
    }


@transaction.atomic
def session_move(
    *,
    session: Session,
    by: AbstractBaseUser,
    start: datetime,
    end: datetime,
    facility: Facility | None = None,
    reason: str,
    message: str = "",
    now: datetime | None = None,
) -> Session:
    """Move a session to another time or place; every party is told (``session_update``).

    ``reason`` is the internal note kept in the audit log only; ``message`` (optional) is what
    the parties read in the email beside the new date and place (issue 21).

    The registration window and the cancellation deadline may not end after the new start,
    so they are brought forward with it when needed.
    """
    now = now or timezone.now()
    reason = require_reason(reason)
    locked = lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if facility is not None and facility.pk != locked.facility_id:
        if not user_can_manage_facility(by, facility.pk):
            raise AppError("permission_denied", status_code=403)
    if start <= now:
        raise AppValidationError({"start": [_("The new start must be in the future.")]})
    # The catalogue's rules for the times (after the start, not longer than a session may last).
    catalogue.session_validate({"start": start, "end": end})
    before = _session_facts(locked)
    values: dict[str, Any] = {"start": start, "end": end}
    if facility is not None and facility.pk != locked.facility_id:
        values["facility"] = facility
    if locked.registration_closes > start:
        values["registration_closes"] = start
        if locked.registration_opens >= start:
            values["registration_opens"] = start - timedelta(minutes=1)
    if locked.cancellation_deadline > start:
        values["cancellation_deadline"] = start
    updated = session_update(session=locked, by=by, reason=message.strip(), **values)
    updated = Session.objects.select_related("facility", "program").get(pk=updated.pk)
    record(
        by=by,
        kind=StaffActionKind.SESSION_MOVE,
        session=updated,
        reason=reason,
        before=before,
        after={**_session_facts(updated), "message": message.strip()},
    )
    return updated


@transaction.atomic
def session_cancel(*, session: Session, by: AbstractBaseUser, reason: str) -> Session:
    """Cancel a session with a reason; every reservation is cancelled and every party told."""
    reason = require_reason(reason)
    locked = lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    live = list(
        Reservation.objects.filter(
            roster_filter(locked),
            status__in=(*EXPECTED, ReservationStatus.WAITLISTED, ReservationStatus.APPLIED),
        ).values_list("code", flat=True)
    )
    before = {**_session_facts(locked), "live_reservations": sorted(live)}
    cancelled = session_cancel_all(session=locked, by=by, reason=reason)
    cancelled = Session.objects.select_related("facility", "program").get(pk=cancelled.pk)
    still_live = Reservation.objects.filter(code__in=live).exclude(
        status=ReservationStatus.CANCELLED
    )
    record(
        by=by,
        kind=StaffActionKind.SESSION_CANCEL,
        session=cancelled,
        reason=reason,
        before=before,
        after={
            **_session_facts(cancelled),
            "cancelled_reservations": len(live) - still_live.count(),
        },
    )
    return cancelled


@dataclass
class CapacityResult:
    session: Session
    promoted: list[Reservation]


_UNSET: Any = object()


@transaction.atomic
def capacity_change(
    *,
    session: Session,
    by: AbstractBaseUser,
    capacity: int,
    children_capacity: int | None = _UNSET,
    childcare_capacity: int | None = _UNSET,
    reason: str = "",
) -> CapacityResult:
    """Raise or lower the capacity; never below the seats taken; raising promotes the list.

    ``children_capacity`` changes the children's own limit of a session that has one, in the
    same transaction under the same lock, never below the children's seats taken.
    """
    locked = lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    values: dict[str, Any] = {"capacity": capacity}
    if children_capacity is not _UNSET:
        _check_children_capacity(locked, capacity=capacity, children_capacity=children_capacity)
        values["children_capacity"] = children_capacity
    if childcare_capacity is not _UNSET:
        values["childcare_capacity"] = childcare_capacity
    before = {
        "capacity": locked.capacity,
        "children_capacity": locked.children_capacity,
        "childcare_capacity": locked.childcare_capacity,
        "seats_taken": locked.seats_taken,
    }
    waiting = waiting_ids(locked)
    updated = session_update(session=locked, by=by, **values)
    promoted = promoted_among(waiting)
    record(
        by=by,
        kind=StaffActionKind.CAPACITY_CHANGE,
        session=updated,
        reason=(reason or "").strip(),
        before=before,
        after={
            "capacity": updated.capacity,
            "children_capacity": updated.children_capacity,
            "childcare_capacity": updated.childcare_capacity,
            "seats_taken": updated.seats_taken,
            "promoted": [r.code for r in promoted],
        },
    )
    return CapacityResult(updated, promoted)


def _check_children_capacity(
    locked: Session, *, capacity: int, children_capacity: int | None
) -> None:
    """Refuse a children's limit the locked session cannot take.

    Only a session that has a limit may have it changed here (it is the programme's way of
    counting, set in the catalogue), and never below the children's seats already taken.
    """
    if locked.children_capacity is None:
        raise AppValidationError(
            {"children_capacity": [_("This session has no children's capacity of its own.")]}
        )
    if children_capacity is None:
        raise AppValidationError(
            {"children_capacity": [_("Give the children's capacity as a number.")]}
        )
    if children_capacity >= locked.children_taken:
        return
    taken = locked.children_taken
    fields: dict[str, list[Any]] = {
        "children_capacity": [
            _("At least %(n)d, the children's seats already taken.") % {"n": taken}
        ]
    }
    if capacity < locked.seats_taken:
        fields["capacity"] = [_("At least %(n)d.") % {"n": locked.seats_taken}]
    raise AppError(
        "capacity_below_taken",
        _(
            "The children's capacity cannot be lower than the children's seats already "
            "taken (%(taken)d)."
        )
        % {"taken": taken},
        fields=fields,
        extra={"seats_taken": locked.seats_taken, "children_taken": taken},
    )


@transaction.atomic
def waitlist_promote_by_hand(
    *, session: Session, reservation: Reservation, by: AbstractBaseUser, reason: str
) -> Reservation:
    """Promote one waitlisted party out of order, with a reason."""
    reason = require_reason(reason)
    if session.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    before = {"status": reservation.status}
    promoted = waitlist_promote_one(reservation=reservation, by=by, reason=reason)
    record(
        by=by,
        kind=StaffActionKind.WAITLIST_PROMOTE,
        session=session,
        reservation=promoted,
        reason=reason,
        before=before,
        after={"status": promoted.status},
    )
    return promoted


@transaction.atomic
def lottery_draw_now(
    *, session: Session, by: AbstractBaseUser, now: datetime | None = None
) -> LotteryDraw:
    """Run a session's lottery now, closing its applications early if they are still open."""
    now = now or timezone.now()
    locked = lock_session(session)
    existing = LotteryDraw.objects.filter(session=locked).first()
    if existing is not None:
        return existing
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if locked.program.booking_mode != "lottery":
        raise AppError("invalid_state", _("This session is not run by lottery."))
    if now < locked.registration_opens:
        raise AppError("invalid_state", _("Applications have not opened yet."))
    before = {
        "registration_closes": locked.registration_closes,
        "applications": Reservation.objects.filter(
            session=locked, status=ReservationStatus.APPLIED
        ).count(),
    }
    if now < locked.registration_closes:
        session_update(session=locked, by=by, registration_closes=now)
        locked.refresh_from_db()
    draw = lottery_draw(session=locked, by=by, now=now)
    record(
        by=by,
        kind=StaffActionKind.LOTTERY_DRAW,
        session=locked,
        before=before,
        after={
            "registration_closes": locked.registration_closes,
            "seed": draw.seed,
            "winners": len(draw.winners),
            "drawn": len(draw.order),
        },
    )
    return draw
