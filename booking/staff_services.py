"""Writes staff make at the door and in the office: check-in, no-shows, walk-ins, session changes.

Every function here records what it did in the audit log (``StaffAction``: who, when, what,
before and after) in the same transaction as the change, so the log and the data never
disagree. Seats and the waiting list are handled by ``booking.services`` and
``events.services``; this module adds the staff rules on top and never touches the counters.

Check-in is safe when two staff tap at once: the change is a conditional UPDATE on the current
status (or an INSERT guarded by a unique constraint for course sessions), so the second tap
changes nothing and returns the state the first one left.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import (
    LotteryDraw,
    Reservation,
    ReservationHistory,
    ReservationStatus,
    SessionAttendance,
    StaffAction,
    StaffActionKind,
)
from booking.rules import Party, party_seats
from booking.services import (
    ReservationResult,
    reservation_transition,
    actor_label,
    lottery_draw,
    reservation_create,
    waitlist_promote_one,
    waitlist_queryset,
)
from core.errors import AppError, AppValidationError
from events import services as event_services
from events.models import Facility, Session, SessionStatus
from events.selectors import user_can_manage_facility
from notifications.models import Notification, NotificationStatus

# Walk-ins often give no email address; the reservation still needs a unique one, so they get
# an address in the reserved .invalid domain (RFC 2606), which no mail system delivers to.
WALK_IN_EMAIL_DOMAIN = "walk-in.invalid"

# A party can be checked in from these statuses (a no-show who arrives late may still be).
ATTENDABLE = (ReservationStatus.CONFIRMED, ReservationStatus.WON, ReservationStatus.NO_SHOW)
# Parties still expected at the door: the ones "mark the rest no-show" applies to.
EXPECTED = (ReservationStatus.CONFIRMED, ReservationStatus.WON)

ATTENDED = "attended"
NO_SHOW = "no_show"


def is_walk_in_placeholder(email: str) -> bool:
    return email.endswith("@" + WALK_IN_EMAIL_DOMAIN)


def roster_filter(session: Session) -> Q:
    """Reservations that belong on a session's roster: its own and its course's."""
    target = Q(session_id=session.pk)
    if session.course_id:
        target |= Q(course_id=session.course_id)
    return target


def reservation_in_session(session: Session, code: str) -> Reservation:
    """Return the session's reservation with this code; any other code is simply not found."""
    reservation = (
        Reservation.objects.filter(roster_filter(session), code=(code or "").strip().upper())
        .select_related("session", "course")
        .first()
    )
    if reservation is None:
        raise AppError("not_found", status_code=404)
    return reservation


def attendance_of(reservation: Reservation, session: Session) -> str:
    """Return "attended", "no_show" or "" (not yet) for a party at one session."""
    if reservation.course_id is None:
        if reservation.status == ReservationStatus.ATTENDED:
            return ATTENDED
        if reservation.status == ReservationStatus.NO_SHOW:
            return NO_SHOW
        return ""
    row = SessionAttendance.objects.filter(reservation=reservation, session=session).first()
    return row.status if row else ""


def _record(
    *,
    by: AbstractBaseUser | None,
    kind: str,
    session: Session | None = None,
    reservation: Reservation | None = None,
    facility_id: int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> StaffAction:
    if facility_id is None and session is not None:
        facility_id = session.facility_id
    return StaffAction.objects.create(
        actor=by,
        actor_label=actor_label(by, "system"),
        kind=kind,
        facility_id=facility_id,
        session=session,
        reservation=reservation,
        reason=reason,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
    )


def staff_action_record(
    *,
    by: AbstractBaseUser | None,
    kind: str,
    session: Session | None = None,
    facility_id: int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> StaffAction:
    """Record a staff action taken outside this module (API session edits, privacy requests)."""
    return _record(
        by=by,
        kind=kind,
        session=session,
        facility_id=facility_id,
        reason=reason,
        before=before,
        after=after,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AppValidationError({field: [_("Give a reason.")]})
    return reason


def _lock_session(session: Session) -> Session:
    # Lock the session row only: the course is an outer join, which FOR UPDATE cannot lock.
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("program", "facility", "course")
        .get(pk=session.pk)
    )


# --- check-in ----------------------------------------------------------------------------


def check_in_opens_on(session: Session) -> date:
    """Check-in opens on the day of the session: the local date of its start."""
    return timezone.localdate(session.start)


def check_in_is_open(session: Session, now: datetime) -> bool:
    return timezone.localdate(now) >= check_in_opens_on(session)


def check_in_open(session: Session, now: datetime) -> None:
    """Refuse a check-in before the day of the session."""
    if not check_in_is_open(session, now):
        opens = check_in_opens_on(session)
        raise AppError("check_in_not_open", extra={"opens_on": opens.isoformat()})


@dataclass
class CheckInResult:
    reservation: Reservation
    session: Session
    attendance: str
    changed: bool


@transaction.atomic
def check_in(
    *,
    session: Session,
    reservation: Reservation,
    by: AbstractBaseUser,
    attended: bool = True,
    now: datetime | None = None,
) -> CheckInResult:
    """Mark a party as attended (or undo it); a repeated tap changes nothing.

    The change is conditional on the state the tap saw, so when two staff tap the same party
    at once, one of them changes it and the other gets the resulting state back. Check-in
    opens on the day of the session (a tap on next week's roster is a mistake); undoing one,
    and checking in late from a paper list, stay possible afterwards.
    """
    if session.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if attended:
        check_in_open(session, now or timezone.now())
    reservation.refresh_from_db()
    status_before = reservation.status
    attendance_before = attendance_of(reservation, session)
    if reservation.course_id is None:
        changed = _check_in_single(reservation, by=by, attended=attended)
    else:
        changed = _check_in_course(reservation, session, by=by, attended=attended)
    state = attendance_of(reservation, session)
    if changed:
        _record(
            by=by,
            kind=StaffActionKind.CHECK_IN if attended else StaffActionKind.CHECK_IN_UNDO,
            session=session,
            reservation=reservation,
            before={"attendance": attendance_before, "status": status_before},
            after={"attendance": state, "status": reservation.status},
        )
    return CheckInResult(reservation, session, state, changed)


def _check_in_single(reservation: Reservation, *, by: AbstractBaseUser, attended: bool) -> bool:
    current = reservation.status
    if attended:
        if current == ReservationStatus.ATTENDED:
            return False
        if current not in ATTENDABLE:
            raise AppError("invalid_state", extra={"status": current})
        to_status, reason = ReservationStatus.ATTENDED, "checked in"
    else:
        if current != ReservationStatus.ATTENDED:
            return False
        to_status, reason = _status_before_check_in(reservation), "check-in undone"
    if reservation_transition(reservation, to_status, by=by, reason=reason, expected=(current,)):
        return True
    # Someone else changed it between our read and our write: report their result.
    reservation.refresh_from_db()
    if attended and reservation.status != ReservationStatus.ATTENDED:
        raise AppError("invalid_state", extra={"status": reservation.status})
    return False


def _status_before_check_in(reservation: Reservation) -> str:
    """The status to go back to when a check-in is undone: what it was before, if still valid."""
    last = (
        ReservationHistory.objects.filter(
            reservation=reservation, to_status=ReservationStatus.ATTENDED
        )
        .order_by("-at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    return last if last in ATTENDABLE else ReservationStatus.CONFIRMED


def _check_in_course(
    reservation: Reservation, session: Session, *, by: AbstractBaseUser, attended: bool
) -> bool:
    rows = SessionAttendance.objects.filter(reservation=reservation, session=session)
    if not attended:
        deleted, _detail = rows.filter(status=ATTENDED).delete()
        return bool(deleted)
    if reservation.status not in EXPECTED:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if rows.filter(status=NO_SHOW).update(status=ATTENDED, actor=by, at=timezone.now()):
        return True
    try:
        with transaction.atomic():
            SessionAttendance.objects.create(
                reservation=reservation, session=session, status=ATTENDED, actor=by
            )
    except IntegrityError:
        return False  # the other tap inserted it first
    return True


# --- no-shows ----------------------------------------------------------------------------


@transaction.atomic
def no_shows_mark(
    *, session: Session, by: AbstractBaseUser, now: datetime | None = None
) -> list[Reservation]:
    """Mark every party not checked in as a no-show, in one step.

    No-shows keep their seats (nothing is freed after the fact); each change is kept in the
    reservation's history and the whole step in the audit log.
    """
    now = now or timezone.now()
    locked = _lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if now < locked.start:
        raise AppError("session_not_started")
    single = list(
        Reservation.objects.select_for_update()
        .filter(session=locked, status__in=EXPECTED)
        .order_by("id")
    )
    Reservation.objects.filter(pk__in=[r.pk for r in single], status__in=EXPECTED).update(
        status=ReservationStatus.NO_SHOW, updated_at=now
    )
    label = actor_label(by)
    ReservationHistory.objects.bulk_create(
        ReservationHistory(
            reservation=r,
            from_status=r.status,
            to_status=ReservationStatus.NO_SHOW,
            actor=by,
            actor_label=label,
            reason="marked no-show at the end of the session",
        )
        for r in single
    )
    marked = list(single)
    if locked.course_id:
        course_parties = list(
            Reservation.objects.filter(course_id=locked.course_id, status__in=EXPECTED)
            .exclude(session_attendances__session=locked)
            .order_by("id")
        )
        SessionAttendance.objects.bulk_create(
            [
                SessionAttendance(reservation=r, session=locked, status=NO_SHOW, actor=by)
                for r in course_parties
            ],
            ignore_conflicts=True,
        )
        marked += course_parties
    _record(
        by=by,
        kind=StaffActionKind.NO_SHOWS,
        session=locked,
        before={"expected": [r.code for r in marked]},
        after={"no_show": [r.code for r in marked], "count": len(marked)},
    )
    return marked


# --- walk-in -----------------------------------------------------------------------------


@transaction.atomic
def walk_in_add(
    *,
    session: Session,
    by: AbstractBaseUser,
    party: Party,
    name: str,
    name_kana: str = "",
    phone: str = "",
    email: str = "",
    notes: str = "",
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
    locked = _lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if check_in_now:
        check_in_open(locked, now)
    if not (name or "").strip():
        raise AppValidationError({"name": [_("Enter a name.")]})
    targets = [locked]
    if locked.course_id:
        targets = list(
            Session.objects.select_for_update().filter(course_id=locked.course_id).order_by("id")
        )
    seats = party_seats(locked.program, party)
    fits = all(_fits(s, seats) for s in targets)
    override_reason = (override_reason or "").strip()
    if not fits and not override_reason:
        raise AppError(
            "override_required",
            extra={"seats_left": locked.seats_left, "seats_needed": seats.seats},
        )
    before = {"capacity": locked.capacity, "seats_taken": locked.seats_taken}
    reason = "walk-in" if fits else f"walk-in over capacity: {override_reason}"
    result = reservation_create(
        session=None if locked.course_id else locked,
        course=locked.course if locked.course_id else None,
        party=party,
        name=name,
        name_kana=name_kana,
        email=(email or "").strip() or f"{secrets.token_hex(8)}@{WALK_IN_EMAIL_DOMAIN}",
        phone=phone,
        notes=notes,
        by=by,
        override_reason=reason,
        source="walk_in",
        now=now,
    )
    if is_walk_in_placeholder(result.reservation.email):
        # Nobody to write to: the confirmation queued for the placeholder address is dropped.
        Notification.objects.filter(
            reservation=result.reservation, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SKIPPED, last_error="walk-in without an email address")
    locked.refresh_from_db()
    _record(
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


# --- session changes ---------------------------------------------------------------------


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
    now: datetime | None = None,
) -> Session:
    """Move a session to another time or place; every party is told (by events.services).

    The registration window and the cancellation deadline may not end after the new start,
    so they are brought forward with it when needed.
    """
    now = now or timezone.now()
    reason = _require_reason(reason)
    locked = _lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    if facility is not None and facility.pk != locked.facility_id:
        if not user_can_manage_facility(by, facility.pk):
            raise AppError("permission_denied", status_code=403)
    if start <= now:
        raise AppValidationError({"start": [_("The new start must be in the future.")]})
    if end <= start:
        raise AppValidationError({"end": [_("The end must be after the start.")]})
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
    updated = event_services.session_update(session=locked, by=by, reason=reason, **values)
    updated = Session.objects.select_related("facility", "program").get(pk=updated.pk)
    _record(
        by=by,
        kind=StaffActionKind.SESSION_MOVE,
        session=updated,
        reason=reason,
        before=before,
        after=_session_facts(updated),
    )
    return updated


@transaction.atomic
def session_cancel(*, session: Session, by: AbstractBaseUser, reason: str) -> Session:
    """Cancel a session with a reason; every reservation is cancelled and every party told."""
    reason = _require_reason(reason)
    locked = _lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    live = list(
        Reservation.objects.filter(
            roster_filter(locked),
            status__in=(*EXPECTED, ReservationStatus.WAITLISTED, ReservationStatus.APPLIED),
        ).values_list("code", flat=True)
    )
    before = {**_session_facts(locked), "live_reservations": sorted(live)}
    cancelled = event_services.session_cancel(session=locked, by=by, reason=reason)
    cancelled = Session.objects.select_related("facility", "program").get(pk=cancelled.pk)
    still_live = Reservation.objects.filter(code__in=live).exclude(
        status=ReservationStatus.CANCELLED
    )
    _record(
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
    """Raise or lower the capacity; never below the seats taken; raising promotes the list."""
    locked = _lock_session(session)
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    values: dict[str, Any] = {"capacity": capacity}
    if children_capacity is not _UNSET:
        values["children_capacity"] = children_capacity
    if childcare_capacity is not _UNSET:
        values["childcare_capacity"] = childcare_capacity
    before = {
        "capacity": locked.capacity,
        "children_capacity": locked.children_capacity,
        "childcare_capacity": locked.childcare_capacity,
        "seats_taken": locked.seats_taken,
    }
    waiting = list(
        waitlist_queryset(
            session=None if locked.course_id else locked, course=locked.course
        ).values_list("pk", flat=True)
    )
    updated = event_services.session_update(session=locked, by=by, **values)
    promoted = list(
        Reservation.objects.filter(pk__in=waiting)
        .exclude(status=ReservationStatus.WAITLISTED)
        .order_by("id")
    )
    _record(
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


# --- waiting list and lottery ------------------------------------------------------------


@transaction.atomic
def waitlist_promote_by_hand(
    *, session: Session, reservation: Reservation, by: AbstractBaseUser, reason: str
) -> Reservation:
    """Promote one waitlisted party out of order, with a reason."""
    reason = _require_reason(reason)
    if session.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    before = {"status": reservation.status}
    promoted = waitlist_promote_one(reservation=reservation, by=by, reason=reason)
    _record(
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
    locked = _lock_session(session)
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
        event_services.session_update(session=locked, by=by, registration_closes=now)
        locked.refresh_from_db()
    draw = lottery_draw(session=locked, by=by, now=now)
    _record(
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


# --- exports -----------------------------------------------------------------------------


def export_record(
    *,
    by: AbstractBaseUser,
    what: str,
    rows: int,
    session: Session | None = None,
    facility_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> StaffAction:
    """Log a download of personal data (a roster or a date range as CSV)."""
    return _record(
        by=by,
        kind=StaffActionKind.EXPORT,
        session=session,
        facility_id=facility_id,
        after={"what": what, "rows": rows, **(params or {})},
    )
