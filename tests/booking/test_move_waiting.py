"""A place on a waiting list moved to another date of the programme with the seats left: the
party waiting for a full Tuesday who sees seats on Thursday takes them in one step, and leaves
Tuesday's list, instead of booking again and holding both (and, promoted on Tuesday later,
a seat it does not need)."""

from datetime import timedelta

import pytest
from django.core import mail

from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.services import move_choices, reservation_cancel, reservation_move, waitlist_position
from core.errors import AppError
from events.models import Session
from notifications.models import Notification, NotificationKind
from tests.factories import ProgramFactory, SessionFactory, another_date, book
from tests.notifications.outbox_steps import deliver_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_tuesday():
    """Tuesday full (one seat, taken), two parties waiting; Thursday with three seats."""
    tuesday = SessionFactory(program=ProgramFactory(title="離乳食教室"), capacity=1)
    thursday = another_date(tuesday, days=2, capacity=3)
    holder = book(tuesday, email="holder@example.jp").reservation
    first = book(tuesday, email="first@example.jp").reservation
    second = book(tuesday, email="second@example.jp").reservation
    assert (first.status, second.status) == (ReservationStatus.WAITLISTED,) * 2
    return tuesday, thursday, holder, first, second


def counters(*sessions: Session) -> list[tuple[int, int]]:
    return [
        (s.seats_taken, s.waitlist_taken)
        for s in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk")
    ]


def test_a_waiting_party_takes_the_seats_on_another_date_and_leaves_the_list(full_tuesday):
    tuesday, thursday, _holder, first, second = full_tuesday
    assert move_choices(first) == [thursday]
    moved = reservation_move(reservation=first, to=thursday)
    assert (moved.session_id, moved.status, moved.moves) == (
        thursday.pk,
        ReservationStatus.CONFIRMED,
        1,
    )
    assert moved.waitlist_ticket is None
    assert counters(tuesday, thursday) == [(1, 1), (1, 0)]
    second.refresh_from_db()
    assert waitlist_position(second) == 1  # moved up
    last = moved.history.order_by("id").last()
    assert (last.from_status, last.to_status) == ("waitlisted", "confirmed")
    assert (last.note, last.left_session_id) == (HistoryNote.MOVED, tuesday.pk)


def test_its_email_says_it_left_the_waiting_list_and_sends_only_the_new_dates_invite(
    full_tuesday,
):
    _tuesday, thursday, _holder, first, _second = full_tuesday
    deliver_now()
    mail.outbox.clear()
    reservation_move(reservation=first, to=thursday)
    deliver_now()
    (email,) = mail.outbox
    assert "日程の変更" in email.subject
    assert "キャンセル待ち" in email.body
    assert "前の日のキャンセル待ちの登録はなくなりました" in email.body
    assert "前の日程は削除されます" not in email.body  # no event of the date waited for
    parts = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_param("method") for p in parts] == ["REQUEST"]
    assert f"session-{thursday.pk}@" in parts[0].get_payload(decode=True).decode()


def test_a_date_without_the_seats_refuses_and_the_party_keeps_its_place(full_tuesday):
    tuesday, thursday, _holder, first, second = full_tuesday
    Session.objects.filter(pk=thursday.pk).update(capacity=0)
    before = counters(tuesday, thursday)
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=first, to=thursday)
    assert refused.value.code == "session_full"
    first.refresh_from_db()
    assert (first.session_id, first.status) == (tuesday.pk, ReservationStatus.WAITLISTED)
    assert waitlist_position(first) == 1 and waitlist_position(second) == 2
    assert counters(tuesday, thursday) == before
    assert not Notification.objects.filter(kind=NotificationKind.MOVED).exists()


def test_the_same_address_booked_on_that_date_is_a_duplicate_with_nothing_changed(
    full_tuesday,
):
    tuesday, thursday, _holder, first, _second = full_tuesday
    book(thursday, email="first@example.jp")
    before = counters(tuesday, thursday)
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=first, to=thursday)
    assert refused.value.code == "duplicate_reservation"
    assert counters(tuesday, thursday) == before
    assert Reservation.objects.get(pk=first.pk).status == ReservationStatus.WAITLISTED


def test_promoted_first_it_moves_as_a_confirmed_seat(full_tuesday):
    tuesday, thursday, holder, first, second = full_tuesday
    reservation_cancel(reservation=holder)
    first.refresh_from_db()
    assert first.status == ReservationStatus.CONFIRMED
    reservation_move(reservation=first, to=thursday)
    second.refresh_from_db()
    assert second.status == ReservationStatus.CONFIRMED  # the seat it gave back
    assert counters(tuesday, thursday) == [(1, 0), (1, 0)]


def test_a_parent_may_move_a_waiting_place_after_the_cancellation_deadline(full_tuesday):
    tuesday, thursday, _holder, first, _second = full_tuesday
    Session.objects.filter(pk=tuesday.pk).update(
        cancellation_deadline=tuesday.start - timedelta(days=30),
        registration_closes=tuesday.start - timedelta(days=30),
        registration_opens=tuesday.start - timedelta(days=40),
    )
    first.refresh_from_db()
    assert move_choices(first) == [thursday]
    assert reservation_move(reservation=first, to=thursday).session_id == thursday.pk


def test_a_lottery_application_does_not_move():
    program = ProgramFactory(booking_mode="lottery")
    first = SessionFactory(program=program, capacity=5)
    later = another_date(first, capacity=5)
    applied = book(first).reservation
    assert applied.status == ReservationStatus.APPLIED
    assert move_choices(applied) == []
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=applied, to=later)
    assert refused.value.code == "invalid_state"
