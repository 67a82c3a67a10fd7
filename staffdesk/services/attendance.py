"""At the door: check-in (and its undo), course attendance, and marking the rest no-show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from booking.models import (
    SEAT_HOLDING,
    HistoryNote,
    Reservation,
    ReservationHistory,
    ReservationStatus,
)
from booking.services import (
    actor_label,
    reservation_transition,
)
from core.errors import AppError
from core.text import text_problem
from events.models import Session, SessionStatus
from staffdesk.models import SessionAttendance, StaffActionKind
from staffdesk.services.audit import record

# A party can be checked in from these statuses (a no-show who arrives late may still be).
ATTENDABLE = (ReservationStatus.CONFIRMED, ReservationStatus.WON, ReservationStatus.NO_SHOW)


# Parties still expected at the door: the ones "mark the rest no-show" applies to.
EXPECTED = (ReservationStatus.CONFIRMED, ReservationStatus.WON)


ATTENDED = "attended"


NO_SHOW = "no_show"


def lock_session(session: Session) -> Session:
    """Lock a session's row for a change made at the desk, and read it with what it shows."""
    # Lock the session row only: the course is an outer join, which FOR UPDATE cannot lock.
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("program", "facility", "course")
        .get(pk=session.pk)
    )


def roster_filter(session: Session) -> Q:
    """Reservations that belong on a session's roster: its own and its course's."""
    target = Q(session_id=session.pk)
    if session.course_id:
        target |= Q(course_id=session.course_id)
    return target


def waiting_ids(session: Session, *, besides: Reservation | None = None) -> list[int]:
    """The parties on the session's waiting list (or its course's), ``besides`` left out: a
    change is about to free seats, and ``promoted_among`` then names who took them."""
    waiting = Reservation.objects.filter(
        roster_filter(session), status=ReservationStatus.WAITLISTED
    )
    if besides is not None:
        waiting = waiting.exclude(pk=besides.pk)
    return list(waiting.values_list("pk", flat=True))


def promoted_among(waiting: list[int]) -> list[Reservation]:
    """Those of ``waiting`` (``waiting_ids``) who hold seats now, in the order they joined."""
    return list(Reservation.objects.filter(pk__in=waiting, status__in=SEAT_HOLDING).order_by("id"))


def reservation_in_session(session: Session, code: str) -> Reservation:
    """Return the session's reservation with this code; any other code is simply not found.

    A code with control characters (a form's NUL, which PostgreSQL text cannot hold) is no
    code, and is not looked up."""
    code = (code or "").strip().upper()
    if text_problem(code, multiline=False) is not None:
        raise AppError("not_found", status_code=404)
    reservation = (
        Reservation.objects.filter(roster_filter(session), code=code)
        .select_related("session", "course")
        .first()
    )
    if reservation is None:
        raise AppError("not_found", status_code=404)
    return reservation


def single_attendance(reservation: Reservation) -> str:
    """Return "attended", "no_show" or "" (not yet) for a one-session booking: its status says
    it (a course's booking keeps a ``SessionAttendance`` row per session instead)."""
    if reservation.status == ReservationStatus.ATTENDED:
        return ATTENDED
    if reservation.status == ReservationStatus.NO_SHOW:
        return NO_SHOW
    return ""


def attendance_of(reservation: Reservation, session: Session) -> str:
    """Return "attended", "no_show" or "" (not yet) for a party at one session."""
    if reservation.course_id is None:
        return single_attendance(reservation)
    row = SessionAttendance.objects.filter(reservation=reservation, session=session).first()
    return row.status if row else ""


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
        record(
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
        to_status, note = ReservationStatus.ATTENDED, HistoryNote.CHECKED_IN
    else:
        if current != ReservationStatus.ATTENDED:
            return False
        to_status, note = _status_before_check_in(reservation), HistoryNote.CHECK_IN_UNDONE
    if reservation_transition(reservation, to_status, by=by, note=note, expected=(current,)):
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


@transaction.atomic
def no_shows_mark(
    *, session: Session, by: AbstractBaseUser, now: datetime | None = None
) -> list[Reservation]:
    """Mark every party not checked in as a no-show, in one step.

    No-shows keep their seats (nothing is freed after the fact); each change is kept in the
    reservation's history and the whole step in the audit log.
    """
    now = now or timezone.now()
    locked = lock_session(session)
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
            note=HistoryNote.NO_SHOW_MARKED,
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
    record(
        by=by,
        kind=StaffActionKind.NO_SHOWS,
        session=locked,
        before={"expected": [r.code for r in marked]},
        after={"no_show": [r.code for r in marked], "count": len(marked)},
    )
    return marked
