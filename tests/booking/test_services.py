from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import services
from booking.models import LotteryDraw, Reservation, ReservationStatus
from booking.rules import Party
from core.errors import AppError
from events.models import BookingMode, PartyCounting, Session
from staffdesk.services import session_update
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db


def statuses(*results):
    return [Reservation.objects.get(pk=r.reservation.pk).status for r in results]


def test_a_party_that_does_not_fit_is_skipped_and_keeps_its_place(session):
    session.capacity = 4
    session.save()
    holder = book(session, email="h@example.jp", adults=2, children=2)
    big = book(session, email="big@example.jp", adults=2, children=1)  # 3 seats
    small = book(session, email="small@example.jp", adults=1)
    assert statuses(big, small) == ["waitlisted", "waitlisted"]
    services.reservation_change_party(
        reservation=holder.reservation, party=Party(adults=2, children=0)
    )
    # two seats freed: the party of three does not fit, the party of one does
    assert statuses(big, small) == ["waitlisted", "confirmed"]
    assert services.waitlist_position(Reservation.objects.get(pk=big.reservation.pk)) == 1
    session.refresh_from_db()
    assert session.seats_taken == 3


def test_raising_capacity_promotes_in_order(session):
    session.capacity = 1
    session.save()
    book(session, email="h@example.jp")
    waiting = [book(session, email=f"w{i}@example.jp") for i in range(3)]
    session_update(session=session, capacity=3)
    assert statuses(*waiting) == ["confirmed", "confirmed", "waitlisted"]


def test_lowering_capacity_below_seats_taken_is_refused(session):
    book(session, adults=2, children=2)
    with pytest.raises(AppError) as err:
        session_update(session=session, capacity=3)
    assert err.value.code == "capacity_below_taken"
    session.refresh_from_db()
    assert session.capacity == 10


def test_no_promotion_after_the_cut_off(db):
    start = timezone.now() + timedelta(hours=1)
    session = SessionFactory(
        start=start,
        capacity=1,
        registration_closes=start - timedelta(minutes=1),
        cancellation_deadline=start - timedelta(minutes=1),
    )
    holder = book(session, email="h@example.jp")
    # Waitlisted earlier, before the cut-off (2 h before the start).
    waiting = book(session, email="w@example.jp", now=timezone.now() - timedelta(hours=2))
    assert statuses(waiting) == ["waitlisted"]
    services.reservation_cancel(
        reservation=holder.reservation, by=None, now=start - timedelta(minutes=90)
    )
    assert statuses(waiting) == ["waitlisted"]
    # The freed seat is open to whoever books now; once full, the closed list takes nobody.
    late = book(session, email="late@example.jp", now=start - timedelta(minutes=90))
    assert late.reservation.status == "confirmed"
    with pytest.raises(AppError) as err:
        book(session, email="later@example.jp", now=start - timedelta(minutes=80))
    assert err.value.code == "session_full"


def test_children_with_their_own_limit(db):
    program = ProgramFactory(party_counting=PartyCounting.CHILDREN_SEPARATE)
    session = SessionFactory(program=program, capacity=10, children_capacity=2)
    book(session, email="a@example.jp", adults=1, children=2)
    r = book(session, email="b@example.jp", adults=1, children=1)
    assert r.reservation.status == "waitlisted"
    session.refresh_from_db()
    assert (session.seats_taken, session.children_taken) == (1, 2)


def test_childcare_has_its_own_small_capacity(db):
    program = ProgramFactory(childcare_offered=True)
    session = SessionFactory(program=program, capacity=10, childcare_capacity=1)
    book(session, email="a@example.jp", children=1, childcare=1)
    with pytest.raises(AppError) as err:
        book(session, email="b@example.jp", children=1, childcare=1)
    assert err.value.code == "childcare_full"
    assert book(session, email="b@example.jp", children=1).reservation.status == "confirmed"


def test_the_database_refuses_overbooking_even_if_python_does_not_check(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=session.capacity + 1)


def test_history_records_every_status_change(session):
    session.capacity = 1
    session.save()
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    services.reservation_cancel(reservation=a.reservation, reason="体調不良")
    rows_a = list(
        a.reservation.history.values_list("from_status", "to_status", "actor_label", "reason")
    )
    rows_b = list(b.reservation.history.values_list("from_status", "to_status", "actor_label"))
    assert rows_a == [
        ("", "confirmed", "parent", ""),
        ("confirmed", "cancelled", "parent", "体調不良"),
    ]
    assert rows_b == [("", "waitlisted", "parent"), ("waitlisted", "confirmed", "system")]


# --- lottery ------------------------------------------------------------------------------


@pytest.fixture
def lottery(db):
    program = ProgramFactory(
        booking_mode=BookingMode.LOTTERY,
        party_counting=PartyCounting.ADULTS_ONLY,
        priority_groups=[{"key": "first_time", "label": "初めての参加"}],
    )
    return SessionFactory(program=program, capacity=3)


def apply_all(session, n, priority_every=0):
    results = []
    for i in range(n):
        group = "first_time" if priority_every and i % priority_every == 0 else ""
        results.append(book(session, email=f"p{i}@example.jp", priority_group=group))
    return results


def test_lottery_applications_then_a_reproducible_draw(lottery):
    applied = apply_all(lottery, 8, priority_every=4)
    assert all(r.reservation.status == "applied" for r in applied)
    lottery.refresh_from_db()
    assert lottery.seats_taken == 0
    applicants = list(Reservation.objects.filter(session=lottery))

    draw = services.lottery_draw(session=lottery, seed="fixed-seed")
    assert draw.order == services.drawn_order(
        applicants, lottery.program.priority_groups, "fixed-seed"
    )
    assert draw.order != services.drawn_order(applicants, lottery.program.priority_groups, "other")
    priority_ids = {r.reservation.pk for r in applied if r.reservation.priority_group}
    assert set(draw.order[: len(priority_ids)]) == priority_ids  # priority group drawn first
    assert draw.winners == draw.order[:3]
    by_id = {r.pk: r for r in Reservation.objects.filter(session=lottery)}
    assert [by_id[i].status for i in draw.order] == ["won"] * 3 + ["waitlisted"] * 5
    assert all(by_id[i].confirm_by == draw.confirmation_deadline for i in draw.winners)
    lottery.refresh_from_db()
    assert lottery.seats_taken == 3
    # Drawing again changes nothing: the recorded draw stands.
    assert services.lottery_draw(session=lottery, seed="another").pk == draw.pk
    assert LotteryDraw.objects.count() == 1


def test_unconfirmed_wins_lapse_and_seats_go_down_the_list(lottery):
    apply_all(lottery, 5)
    draw = services.lottery_draw(session=lottery, seed="s")
    first_winner = Reservation.objects.get(pk=draw.winners[0])
    services.reservation_confirm_win(reservation=first_winner)
    assert Reservation.objects.get(pk=first_winner.pk).status == "confirmed"
    later = draw.confirmation_deadline + timedelta(minutes=1)
    with pytest.raises(AppError) as err:
        services.reservation_confirm_win(
            reservation=Reservation.objects.get(pk=draw.winners[1]), now=later
        )
    assert err.value.code == "confirmation_closed"
    assert services.lottery_lapse_expired(now=later) == 2
    by_id = {r.pk: r.status for r in Reservation.objects.filter(session=lottery)}
    assert [by_id[i] for i in draw.order] == [
        "confirmed",
        "lapsed",
        "lapsed",
        "confirmed",
        "confirmed",
    ]
    assert services.lottery_lapse_expired(now=later) == 0  # idempotent


def test_after_the_draw_the_rest_is_first_come_first_served(lottery):
    apply_all(lottery, 1)
    lottery.program.lottery_confirmation_required = False
    lottery.program.save()
    with pytest.raises(AppError):  # application period over, not drawn yet
        book(
            lottery, email="late@example.jp", now=lottery.registration_closes + timedelta(minutes=1)
        )
    draw = services.lottery_draw(
        session=lottery, now=lottery.registration_closes + timedelta(minutes=1)
    )
    assert Reservation.objects.get(pk=draw.winners[0]).status == "confirmed"
    late = book(
        lottery, email="late@example.jp", now=lottery.registration_closes + timedelta(hours=1)
    )
    assert late.reservation.status == "confirmed"


def test_due_lotteries_are_drawn_by_the_scheduled_job(lottery):
    apply_all(lottery, 4)
    assert services.lottery_draw_due() == []  # applications still open
    draws = services.lottery_draw_due(now=lottery.registration_closes + timedelta(seconds=1))
    assert [d.session_id for d in draws] == [lottery.pk]
    assert services.lottery_draw_due(now=lottery.registration_closes + timedelta(seconds=2)) == []


def test_staff_promote_by_hand_needs_a_reason(session, django_user_model):
    session.capacity = 1
    session.save()
    holder = book(session, email="h@example.jp")
    waiting = book(session, email="w@example.jp")
    staff = django_user_model.objects.create_user("s", password="x")
    with pytest.raises(AppError):
        services.waitlist_promote_one(reservation=waiting.reservation, by=staff, reason="  ")
    with pytest.raises(AppError) as err:
        services.waitlist_promote_one(reservation=waiting.reservation, by=staff, reason="所長判断")
    assert err.value.code == "session_full"
    services.reservation_cancel(reservation=holder.reservation, by=staff)
    assert statuses(waiting) == [ReservationStatus.CONFIRMED]


def test_a_colliding_code_books_again_with_a_new_one(session, monkeypatch):
    taken = book(session, email="first@example.jp").reservation.code
    codes = iter([taken, taken, "NEW-CODE"])
    monkeypatch.setattr("booking.services.create.generate_code", lambda: next(codes))
    result = book(session, email="second@example.jp", adults=2)
    assert result.reservation.code == "NEW-CODE"
    session.refresh_from_db()
    # the two rolled-back attempts left nothing behind: seats, rows and history are counted once
    assert session.seats_taken == 3
    assert Reservation.objects.count() == 2
    assert result.reservation.history.count() == 1


def test_the_same_email_twice_is_refused_and_changes_nothing(session):
    book(session, email="first@example.jp")
    with pytest.raises(AppError) as refused:
        book(session, email="First@example.jp", adults=2)
    assert refused.value.code == "duplicate_reservation"
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize("waitlist", [True, False])
def test_seats_that_went_after_the_session_was_read_end_as_the_rules_say(waitlist):
    from notifications.models import Notification

    session = SessionFactory(capacity=3, program=ProgramFactory(waitlist_enabled=waitlist))
    stale = Session.objects.get(pk=session.pk)  # read while three seats were free
    book(session, email="quick@example.jp", adults=2)
    if waitlist:
        result = book(stale, email="late@example.jp", adults=2)
        assert result.reservation.status == ReservationStatus.WAITLISTED
        assert result.position == 1
    else:
        with pytest.raises(AppError) as refused:
            book(stale, email="late@example.jp", adults=2)
        assert refused.value.code == "session_full"
    session.refresh_from_db()
    assert session.seats_taken == 2
    late = Reservation.objects.filter(email="late@example.jp")
    assert late.count() == (1 if waitlist else 0)
    # the confirmed attempt that was rolled back left no history and no email behind
    kinds = list(Notification.objects.filter(to_email="late@example.jp").values_list("kind"))
    assert kinds == ([("waitlisted",)] if waitlist else [])
    if waitlist:
        history = late.get().history.values_list("from_status", "to_status")
        assert list(history) == [("", "waitlisted")]


def test_a_booking_the_database_ended_for_a_deadlock_runs_again(monkeypatch):
    """PostgreSQL breaks a deadlock by ending one transaction (40P01): that booking is run
    again, whole, and books (two bookings of one email locking in opposite orders)."""
    from django.db import OperationalError

    from booking.services import create

    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = {"n": 0}
    real = create.seats_take

    def once_deadlocked(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("deadlock detected") from Deadlock()
        return real(*args, **kwargs)

    monkeypatch.setattr(create, "seats_take", once_deadlocked)
    session = SessionFactory(capacity=5)
    result = book(session, email="retry@example.jp")
    assert result.reservation.status == "confirmed"
    assert Reservation.objects.filter(email="retry@example.jp").count() == 1
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_other_operational_errors_are_not_retried(monkeypatch):
    from django.db import OperationalError

    from booking.services import create

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(create, "seats_take", broken)
    with pytest.raises(OperationalError):
        book(SessionFactory(capacity=5), email="x@example.jp")
    assert not Reservation.objects.exists()
