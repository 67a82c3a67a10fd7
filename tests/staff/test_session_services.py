"""Staff services that change a session: move, cancel, capacity, promotion by hand and the
draw, with the database state, audit log and queued notifications they leave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import LotteryDraw, Reservation
from core.errors import AppError
from events.models import BookingMode, Session, SessionStatus
from notifications.models import Notification
from staffdesk.services import (
    capacity_change,
    lottery_draw_now,
    session_cancel,
    session_move,
    waitlist_promote_by_hand,
)
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.staff.service_records import actions, kinds_for

pytestmark = pytest.mark.django_db


def test_move_changes_time_and_place_and_tells_every_party(session_a, manager_a, facility_a):
    other = FacilityFactory(name="地域子育て支援センター 西", slug="west")
    from events.models import StaffMembership

    StaffMembership.objects.create(user=manager_a, facility=other, role="manager")
    parties = [book(session_a, email=f"p{i}@example.jp").reservation for i in range(3)]
    old_start, old_sequence = session_a.start, session_a.sequence
    new_start = old_start + timedelta(days=2, hours=1)
    moved = session_move(
        session=session_a,
        by=manager_a,
        start=new_start,
        end=new_start + timedelta(hours=1),
        facility=other,
        reason="会場の改修工事のため",
    )
    assert (moved.start, moved.facility_id) == (new_start, other.pk)
    assert moved.sequence == old_sequence + 1
    [action] = actions(session_a, "session_move")
    assert action.reason == "会場の改修工事のため"
    assert action.before["facility"] == "ribbon" and action.after["facility"] == "west"
    assert action.before["start"] == timezone.localtime(old_start).isoformat()
    assert action.after["start"] == timezone.localtime(new_start).isoformat()
    for codes in kinds_for(parties).values():
        assert codes == ["confirmed", "session_changed"]


def test_move_earlier_brings_the_deadlines_forward(manager_a, session_a):
    new_start = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    moved = session_move(
        session=session_a,
        by=manager_a,
        start=new_start,
        end=new_start + timedelta(hours=1),
        reason="講師の都合",
    )
    assert moved.registration_closes <= new_start
    assert moved.cancellation_deadline <= new_start


@pytest.mark.parametrize(
    "change, code",
    [
        ({"reason": ""}, "invalid"),
        ({"start_days": -10}, "invalid"),
        ({"foreign_facility": True}, "permission_denied"),
    ],
)
def test_move_refusals_change_nothing(session_a, manager_a, facility_b, change, code):
    start = session_a.start + timedelta(days=change.get("start_days", 1))
    before = Session.objects.filter(pk=session_a.pk).values().get()
    with pytest.raises(AppError) as err:
        session_move(
            session=session_a,
            by=manager_a,
            start=start,
            end=start + timedelta(hours=1),
            facility=facility_b if change.get("foreign_facility") else None,
            reason=change.get("reason", "理由"),
        )
    assert err.value.code == code
    assert Session.objects.filter(pk=session_a.pk).values().get() == before
    assert not actions(session_a)


def test_cancel_needs_a_reason_and_cancels_and_tells_everyone(session_a, manager_a):
    session_a.capacity = 2
    session_a.save()
    seated = [book(session_a, email=f"s{i}@example.jp").reservation for i in range(2)]
    waiting = book(session_a, email="w@example.jp").reservation
    with pytest.raises(AppError):
        session_cancel(session=session_a, by=manager_a, reason="  ")
    cancelled = session_cancel(session=session_a, by=manager_a, reason="インフルエンザ流行のため")
    assert cancelled.status == SessionStatus.CANCELLED
    assert cancelled.cancel_reason == "インフルエンザ流行のため"
    assert cancelled.seats_taken == 0
    assert set(Reservation.objects.filter(session=session_a).values_list("status", flat=True)) == {
        "cancelled"
    }
    [action] = actions(session_a, "session_cancel")
    assert action.before["live_reservations"] == sorted(r.code for r in [*seated, waiting])
    assert action.after["cancelled_reservations"] == 3
    for code, kinds in kinds_for([*seated, waiting]).items():
        assert kinds[-1] == "session_cancelled", code
    assert {n.payload["reason"] for n in Notification.objects.filter(kind="session_cancelled")} == {
        "インフルエンザ流行のため"
    }
    with pytest.raises(AppError) as err:
        session_cancel(session=session_a, by=manager_a, reason="again")
    assert err.value.code == "session_cancelled"


def test_capacity_below_taken_is_refused_and_changes_nothing(session_a, manager_a):
    book(session_a, adults=2, children=1)
    with pytest.raises(AppError) as err:
        capacity_change(session=session_a, by=manager_a, capacity=2)
    assert err.value.code == "capacity_below_taken"
    assert "3" in str(err.value.message)
    session_a.refresh_from_db()
    assert session_a.capacity == 10
    assert not actions(session_a)


def test_capacity_raise_promotes_the_waiting_list(session_a, manager_a):
    session_a.capacity = 2
    session_a.save()
    book(session_a, email="a@example.jp", adults=2)
    w1 = book(session_a, email="w1@example.jp", adults=1).reservation
    w2 = book(session_a, email="w2@example.jp", adults=2).reservation
    w3 = book(session_a, email="w3@example.jp", adults=1).reservation
    assert {w.status for w in (w1, w2, w3)} == {"waitlisted"}
    result = capacity_change(session=session_a, by=manager_a, capacity=4, reason="増員")
    # w1 fits (1 seat), w2 needs 2 but only 1 is left: skipped for w3, keeps its place.
    assert [r.code for r in result.promoted] == [w1.code, w3.code]
    statuses = dict(Reservation.objects.values_list("code", "status"))
    assert (statuses[w1.code], statuses[w2.code], statuses[w3.code]) == (
        "confirmed",
        "waitlisted",
        "confirmed",
    )
    assert result.session.seats_taken == 4
    [action] = actions(session_a, "capacity_change")
    assert action.before["capacity"] == 2 and action.after["capacity"] == 4
    assert action.after["promoted"] == [w1.code, w3.code]
    kinds = kinds_for([w1, w2, w3])
    assert kinds[w1.code] == ["waitlisted", "promoted"]
    assert kinds[w2.code] == ["waitlisted"]
    assert kinds[w3.code] == ["waitlisted", "promoted"]


def test_manual_promotion_needs_a_reason_and_a_seat(session_a, manager_a):
    session_a.capacity = 1
    session_a.save()
    holder = book(session_a, email="a@example.jp").reservation
    w1 = book(session_a, email="w1@example.jp").reservation
    w2 = book(session_a, email="w2@example.jp").reservation
    with pytest.raises(AppError) as err:
        waitlist_promote_by_hand(session=session_a, reservation=w2, by=manager_a, reason="")
    assert err.value.code == "invalid"
    with pytest.raises(AppError) as err:
        waitlist_promote_by_hand(session=session_a, reservation=w2, by=manager_a, reason="優先")
    assert err.value.code == "session_full"
    from booking.services import reservation_cancel

    # One more seat, given straight in the database so that nobody is promoted automatically.
    Session.objects.filter(pk=session_a.pk).update(capacity=2)
    promoted = waitlist_promote_by_hand(
        session=session_a, reservation=w2, by=manager_a, reason="双子の家庭を優先"
    )
    assert promoted.status == "confirmed"
    w1.refresh_from_db()
    assert w1.status == "waitlisted"  # passed over, keeps its place
    [action] = actions(session_a, "waitlist_promote")
    assert action.reservation == w2 and action.reason == "双子の家庭を優先"
    assert action.before == {"status": "waitlisted"} and action.after == {"status": "confirmed"}
    assert kinds_for([w2])[w2.code] == ["waitlisted", "promoted"]
    reservation_cancel(reservation=holder, by=manager_a)
    w1.refresh_from_db()
    assert w1.status == "confirmed"  # the freed seat went to the list in order


def test_draw_now_closes_applications_and_draws(manager_a, facility_a):
    program = ProgramFactory(booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=False)
    session = SessionFactory(facility=facility_a, program=program, capacity=2)
    applicants = [book(session, email=f"l{i}@example.jp").reservation for i in range(4)]
    assert {r.status for r in applicants} == {"applied"}
    draw = lottery_draw_now(session=session, by=manager_a)
    session.refresh_from_db()
    assert session.registration_closes <= timezone.now()
    assert len(draw.winners) == 2 and len(draw.order) == 4
    statuses = sorted(Reservation.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    [action] = actions(session, "lottery_draw")
    assert action.before["applications"] == 4 and action.after["winners"] == 2
    assert lottery_draw_now(session=session, by=manager_a) == draw
    assert LotteryDraw.objects.count() == 1 and len(actions(session, "lottery_draw")) == 1
    kinds = kinds_for(applicants)
    assert sorted(k[-1] for k in kinds.values()) == [
        "confirmed",
        "confirmed",
        "lottery_not_drawn",
        "lottery_not_drawn",
    ]


def test_draw_now_refused_for_first_come_sessions(session_a, manager_a):
    with pytest.raises(AppError) as err:
        lottery_draw_now(session=session_a, by=manager_a)
    assert err.value.code == "invalid_state"
    assert not actions(session_a)
