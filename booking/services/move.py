"""Moving a reservation to another date of its programme (日程の変更): a parent who cannot come
on the day booked takes a seat on another day instead of cancelling and booking again."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import signals
from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.rules import party_errors, party_resized
from booking.services.phases import booking_phase
from booking.services.seats import reservation_seats, seats_fit, seats_release, seats_take_one
from booking.services.status import history_record, waitlist_count
from booking.services.waitlist import waitlist_promote
from core.errors import AppError, AppValidationError
from events.models import Session, SessionStatus

SAME_PROGRAMME_MESSAGE = _("Choose another date of the same programme.")

# A confirmed seat moves; so does a place on a waiting list, to a date with the seats left.
MOVABLE = (ReservationStatus.CONFIRMED, ReservationStatus.WAITLISTED)


def move_deadline(reservation: Reservation) -> datetime:
    """Until when a parent may move the reservation: a seat until the date's cancellation
    deadline, as a cancellation; a waiting place until the start, as a waiting list is left."""
    source = reservation.session
    if reservation.status == ReservationStatus.WAITLISTED:
        return source.start
    return source.cancellation_deadline


def move_refusal(
    reservation: Reservation, to: Session, *, now: datetime, by_staff: bool = False
) -> AppError | None:
    """Why the reservation cannot move to ``to`` now, as the error the move would raise; None
    when it may (a read: the seats are settled by the move's UPDATE).

    A reservation for one date holding a confirmed seat (or waiting for one) moves to another
    date of the same programme that takes bookings now, first come first served, before the
    cancellation deadline of the date it leaves (a waiting place: before its start); the
    party must meet the rules on the new date (a child's age, a due date). Staff may move it
    after that deadline and outside the new date's booking period, as they may book a party
    then.
    """
    source = reservation.session
    if source is None:
        return AppValidationError(
            {"session": [_("A course is booked as a whole: its dates cannot be changed.")]}
        )
    if reservation.status not in MOVABLE:
        return AppError("invalid_state", extra={"status": reservation.status})
    if not by_staff and (now >= source.start or now > move_deadline(reservation)):
        return AppError("cancellation_closed")
    if to.program_id != source.program_id or to.pk == source.pk or to.course_id is not None:
        return AppValidationError({"session": [SAME_PROGRAMME_MESSAGE]})
    if to.status == SessionStatus.CANCELLED:
        return AppError("session_cancelled")
    if to.start <= now:
        return AppError("registration_closed")
    phase = booking_phase(to.program, to, now)
    if phase == "apply" or (phase == "closed" and not by_staff):
        return AppError("registration_closed")
    party = party_resized(
        reservation,
        adults=reservation.adults,
        children=reservation.children,
        ages=None,
        childcare=reservation.childcare,
    )
    errors = party_errors(to.program, party, timezone.localtime(to.start).date())
    if errors:
        return AppValidationError(errors)
    return None


@transaction.atomic
def reservation_move(
    *,
    reservation: Reservation,
    to: Session,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Move a confirmed reservation to another date of its programme, or refuse with nothing
    changed (``move_refusal``; ``session_full`` when the party's seats are not left there). A
    move to the date it is on already changes nothing and tells nobody.

    The seats are taken on the new date and given back on the old one in one transaction, the
    old date's waiting list promoted in its turn. The two sessions' rows are updated in the
    order of their ids, so two parties swapping dates at once never deadlock.
    """
    now = now or timezone.now()
    reservation.refresh_from_db()
    source = reservation.session
    if (
        source is not None
        and source.pk == to.pk
        and reservation.status == ReservationStatus.CONFIRMED
    ):
        # Sent twice (a double tap, a retried request): the first one moved it.
        return reservation
    refusal = move_refusal(reservation, to, now=now, by_staff=by is not None)
    if refusal is not None:
        raise refusal
    if reservation.status == ReservationStatus.WAITLISTED:
        return waiting_place_move(reservation, source=source, to=to, by=by, now=now)
    moved_row(reservation, source=source, to=to)
    seats = reservation_seats(reservation)
    if source.pk < to.pk:
        seats_release([source], seats)
    if not seats_take_one(to, seats):
        raise AppError("session_full")
    if source.pk > to.pk:
        seats_release([source], seats)
    moved_told(reservation, source=source, by=by, now=now)
    waitlist_promote(session=source, course=None, note=HistoryNote.PROMOTED, now=now)
    return reservation


def waiting_place_move(
    reservation: Reservation,
    *,
    source: Session,
    to: Session,
    by: AbstractBaseUser | None,
    now: datetime,
) -> Reservation:
    """A party waiting on ``source`` takes the seats it needs on ``to`` and leaves the waiting
    list (the parties behind it move up; no seat is freed, so nobody is promoted).

    The sessions' rows are locked first, in the order of their ids, then the reservation is
    read again: the order a cancellation promoting this party takes them (seats, then
    reservations), so the two never deadlock, and a promotion either committed before (the
    party holds a seat here now: 409 ``invalid_state``) or waits for this move. A refusal
    after a row changed raises, and the transaction gives everything back.
    """
    locked = Session.objects.select_for_update(of=("self",)).filter(pk__in=(source.pk, to.pk))
    list(locked.order_by("pk").values_list("pk", flat=True))
    reservation.refresh_from_db()
    if reservation.status != ReservationStatus.WAITLISTED or reservation.session_id != source.pk:
        raise AppError("invalid_state", extra={"status": reservation.status})
    # Both rows are held now: the order of the two UPDATEs no longer matters.
    waitlist_count(reservation, -1)
    if not seats_take_one(to, reservation_seats(reservation)):
        raise AppError("session_full")
    moved_row(reservation, source=source, to=to)
    moved_told(reservation, source=source, by=by, now=now)
    return reservation


def moved_row(reservation: Reservation, *, source: Session, to: Session) -> None:
    """Put the reservation on ``to``, confirmed, if it is still as read on ``source`` (else
    ``invalid_state``: promoted, cancelled or moved meanwhile); the partial unique index
    refuses a second live reservation of the address there (``duplicate_reservation``)."""
    try:
        moved = Reservation.objects.filter(
            pk=reservation.pk, session_id=source.pk, status=reservation.status
        ).update(
            session=to,
            status=ReservationStatus.CONFIRMED,
            waitlist_ticket=None,  # a ticket of the list it left, or of none
            moves=F("moves") + 1,
            updated_at=timezone.now(),
        )
    except IntegrityError as exc:
        raise AppError("duplicate_reservation") from exc
    if not moved:
        raise AppError("invalid_state")


def moved_told(
    reservation: Reservation, *, source: Session, by: AbstractBaseUser | None, now: datetime
) -> None:
    """Keep the move in the history (with the date left) and tell the parent."""
    was = reservation.status
    reservation.refresh_from_db()
    history_record(
        reservation,
        was,
        reservation.status,
        by=by,
        note=HistoryNote.MOVED,
        left_session=source,
    )
    signals.reservation_moved.send(
        Reservation,
        reservation=reservation,
        from_session=source,
        by_staff=by is not None,
        from_waiting=was == ReservationStatus.WAITLISTED,
        now=now,
    )


def move_choices(
    reservation: Reservation,
    *,
    now: datetime | None = None,
    by_staff: bool = False,
    facility_ids: set[int] | None = None,
) -> list[Session]:
    """The dates a reservation may move to now, soonest first, with the seats its party needs
    left as read (the move decides): the programme's other sessions at any of its facilities,
    or at ``facility_ids`` (None: any); ``by_staff`` as in ``move_refusal``."""
    now = now or timezone.now()
    source = reservation.session
    if source is None or reservation.status not in MOVABLE:
        return []
    if not by_staff and (now >= source.start or now > move_deadline(reservation)):
        return []  # every date would be refused the same (``move_refusal``): no query
    seats = reservation_seats(reservation)
    candidates = (
        Session.objects.filter(
            program_id=source.program_id,
            course__isnull=True,
            status=SessionStatus.SCHEDULED,
            start__gt=now,
            capacity__gte=F("seats_taken") + seats.seats,
        )
        .exclude(pk=source.pk)
        .filter(**({} if facility_ids is None else {"facility_id__in": facility_ids}))
        .select_related("program", "facility")
        .order_by("start", "pk")
    )
    return [
        session
        for session in candidates
        if seats_fit([session], seats)
        and move_refusal(reservation, session, now=now, by_staff=by_staff) is None
    ]


def move_choice(value: str) -> Session:
    """The session a form's choice names (an id), or the refusal of a choice that is none."""
    session = None
    if value.isascii() and value.isdigit() and len(value) < 10:
        session = Session.objects.select_related("program", "facility").filter(pk=value).first()
    if session is None:
        raise AppValidationError({"session": [SAME_PROGRAMME_MESSAGE]})
    return session
