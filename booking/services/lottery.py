"""The lottery (抽選): drawing a session's applicants, winners confirming, lapsed wins."""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import signals
from booking.models import HistoryNote, LotteryDraw, Reservation, ReservationStatus
from booking.services.seats import (
    reservation_seats,
    reservation_sessions,
    seats_release,
    seats_take,
)
from booking.services.status import actor_label, reservation_transition
from booking.services.waitlist import waitlist_promote
from core.errors import AppError
from events.models import BookingMode, Session, SessionStatus


def drawn_order(applicants: list[Reservation], priority_groups: list, seed: str) -> list[int]:
    """Return applicant ids in drawn order: priority groups first, each shuffled from the seed.

    The same applicants, groups and seed always give the same order.
    """
    keys = [g.get("key") for g in priority_groups if isinstance(g, dict)]
    rng = random.Random(seed)
    order: list[int] = []
    for key in keys + [None]:
        group = sorted(
            r.pk
            for r in applicants
            if (r.priority_group == key) or (key is None and r.priority_group not in keys)
        )
        rng.shuffle(group)
        order.extend(group)
    return order


@transaction.atomic
def lottery_draw(
    *,
    session: Session,
    seed: str | None = None,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> LotteryDraw:
    """Draw a lottery session: winners up to capacity, the rest waitlisted in drawn order."""
    now = now or timezone.now()
    locked = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
    existing = LotteryDraw.objects.filter(session=locked).first()
    if existing is not None:
        return existing
    program = locked.program
    if program.booking_mode != BookingMode.LOTTERY:
        raise AppError("invalid_state", _("This session is not run by lottery."))
    if locked.status == SessionStatus.CANCELLED:
        raise AppError("session_cancelled")
    seed = seed or secrets.token_hex(16)
    applicants = list(
        Reservation.objects.filter(session=locked, status=ReservationStatus.APPLIED).order_by("id")
    )
    order = drawn_order(applicants, program.priority_groups, seed)
    by_id = {r.pk: r for r in applicants}
    deadline = None
    if program.lottery_confirmation_required:
        latest = locked.start - program.waitlist_cutoff
        deadline = max(now, min(now + program.lottery_confirmation_period, latest))
    label = actor_label(by, "lottery")
    winners = []
    for rank, reservation_id in enumerate(order, start=1):
        reservation = by_id[reservation_id]
        if seats_take([locked], reservation_seats(reservation)):
            status = ReservationStatus.WON if deadline else ReservationStatus.CONFIRMED
            reservation_transition(
                reservation,
                status,
                by=by,
                label=label,
                note=HistoryNote.DRAWN,
                rank=rank,
                draw_rank=rank,
                confirm_by=deadline,
            )
            winners.append(reservation_id)
        else:
            reservation_transition(
                reservation,
                ReservationStatus.WAITLISTED,
                by=by,
                label=label,
                note=HistoryNote.NOT_DRAWN,
                rank=rank,
                draw_rank=rank,
            )
        signals.lottery_result.send(Reservation, reservation=reservation, now=now)
    return LotteryDraw.objects.create(
        session=locked,
        seed=seed,
        order=order,
        winners=winners,
        drawn_by=by,
        confirmation_deadline=deadline,
    )


@transaction.atomic
def reservation_confirm_win(
    *,
    reservation: Reservation,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Reservation:
    """A lottery winner confirms their seat before the deadline.

    ``by`` is the staff member who confirms for a party they phoned (or who phoned in): the
    same change, history and email as the parent's own, with the staff member as its author.
    """
    now = now or timezone.now()
    reservation.refresh_from_db()
    if reservation.status == ReservationStatus.CONFIRMED:
        return reservation
    if reservation.status != ReservationStatus.WON:
        raise AppError("invalid_state", extra={"status": reservation.status})
    if reservation.confirm_by and now > reservation.confirm_by:
        raise AppError("confirmation_closed")
    reservation_transition(
        reservation,
        ReservationStatus.CONFIRMED,
        by=by,
        note=HistoryNote.WIN_CONFIRMED,
        expected=(ReservationStatus.WON,),
    )
    signals.win_confirmed.send(Reservation, reservation=reservation, now=now)
    return reservation


def lottery_lapse_expired(*, now: datetime | None = None) -> int:
    """Lapse lottery wins not confirmed in time and pass their seats down the list."""
    now = now or timezone.now()
    count = 0
    expired = Reservation.objects.filter(status=ReservationStatus.WON, confirm_by__lt=now)
    for reservation in expired.order_by("id"):
        with transaction.atomic():
            if reservation_transition(
                reservation,
                ReservationStatus.LAPSED,
                label="system",
                note=HistoryNote.WIN_LAPSED,
                expected=(ReservationStatus.WON,),
            ):
                seats_release(reservation_sessions(reservation), reservation_seats(reservation))
                waitlist_promote(
                    session=reservation.session,
                    course=reservation.course,
                    note=HistoryNote.PROMOTED_WIN_LAPSED,
                    now=now,
                )
                count += 1
    return count


def lottery_draw_due(*, now: datetime | None = None) -> list[LotteryDraw]:
    """Draw every lottery session whose application period has ended."""
    now = now or timezone.now()
    due = Session.objects.filter(
        program__booking_mode=BookingMode.LOTTERY,
        status=SessionStatus.SCHEDULED,
        registration_closes__lt=now,
        start__gt=now,
        lottery_draw__isnull=True,
    ).order_by("start")
    return [lottery_draw(session=session, now=now) for session in due]
