"""Staff services at the door on the day: check-in and its undo, no-shows and walk-ins, with
the database state, history, audit log and queued notifications they leave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationHistory, ReservationStatus
from booking.rules import Contact, Party
from core.errors import AppError
from events.models import Course, Session
from notifications.models import Notification, NotificationStatus
from staffdesk.models import SessionAttendance, StaffAction
from staffdesk.services import (
    WALK_IN_EMAIL_DOMAIN,
    check_in,
    no_shows_mark,
    reservation_in_session,
    session_cancel,
    walk_in_add,
)
from tests.factories import ProgramFactory, SessionFactory, book
from tests.staff.conftest import book_before, started_session
from tests.staff.service_records import actions, kinds_for

pytestmark = pytest.mark.django_db


# --- check-in ----------------------------------------------------------------------------


def tap(session, reservation, by, **kwargs):
    """Check in (or undo) on the day of the session, as staff at the door do."""
    return check_in(session=session, reservation=reservation, by=by, now=session.start, **kwargs)


def test_check_in_marks_attended_with_history_and_audit(session_a, manager_a):
    r = book(session_a, email="a@example.jp", adults=1, children=1).reservation
    result = tap(session_a, r, manager_a)
    assert result.changed and result.attendance == "attended"
    r.refresh_from_db()
    assert r.status == ReservationStatus.ATTENDED
    session_a.refresh_from_db()
    assert session_a.seats_taken == 2  # attending keeps the seats
    last = r.history.order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor) == ("confirmed", "attended", manager_a)
    [action] = actions(session_a, "check_in")
    assert action.actor == manager_a and action.actor_label == "staff:manager-a"
    assert action.reservation == r
    assert action.before == {"attendance": "", "status": "confirmed"}
    assert action.after == {"attendance": "attended", "status": "attended"}


def test_second_tap_is_a_no_op_returning_the_current_state(session_a, manager_a, viewer_a):
    r = book(session_a).reservation
    tap(session_a, r, manager_a)
    history = ReservationHistory.objects.count()
    again = tap(session_a, Reservation.objects.get(pk=r.pk), manager_a)
    assert not again.changed and again.attendance == "attended"
    assert ReservationHistory.objects.count() == history
    assert len(actions(session_a, "check_in")) == 1


def test_tap_with_a_stale_copy_does_not_check_in_twice(session_a, manager_a):
    r = book(session_a).reservation
    stale = Reservation.objects.get(pk=r.pk)  # what the second tablet loaded
    tap(session_a, r, manager_a)
    result = tap(session_a, stale, manager_a)
    assert not result.changed and result.attendance == "attended"
    assert r.history.filter(to_status="attended").count() == 1


def test_undo_goes_back_to_the_status_before(session_a, manager_a):
    r = book(session_a).reservation
    tap(session_a, r, manager_a)
    undone = tap(session_a, r, manager_a, attended=False)
    assert undone.changed and undone.attendance == ""
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED
    [action] = actions(session_a, "check_in_undo")
    assert action.before["attendance"] == "attended" and action.after["attendance"] == ""
    # Undoing again changes nothing.
    assert not tap(session_a, r, manager_a, attended=False).changed


def test_a_late_no_show_can_still_be_checked_in(manager_a, facility_a):
    session = started_session(facility=facility_a)
    r = book_before(session).reservation
    no_shows_mark(session=session, by=manager_a)
    r.refresh_from_db()
    assert r.status == ReservationStatus.NO_SHOW
    assert check_in(session=session, reservation=r, by=manager_a).changed
    r.refresh_from_db()
    assert r.status == ReservationStatus.ATTENDED


def test_check_in_opens_on_the_day_of_the_session(session_a, manager_a):
    r = book(session_a).reservation
    start = timezone.localtime(session_a.start)
    day_before = start.replace(hour=23, minute=59, second=59) - timedelta(days=1)
    with pytest.raises(AppError) as err:
        check_in(session=session_a, reservation=r, by=manager_a, now=day_before)
    assert err.value.code == "check_in_not_open"
    assert err.value.body()["opens_on"] == start.date().isoformat()
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED and not actions(session_a)
    # From the first minute of that day (early arrivals), and after it (a paper list).
    morning = start.replace(hour=0, minute=0, second=0)
    assert check_in(session=session_a, reservation=r, by=manager_a, now=morning).changed
    assert check_in(session=session_a, reservation=r, by=manager_a, attended=False).changed
    late = start + timedelta(days=2)
    assert check_in(session=session_a, reservation=r, by=manager_a, now=late).changed


def test_a_walk_in_checked_in_before_the_day_is_refused_whole(session_a, manager_a):
    taken = session_a.seats_taken
    with pytest.raises(AppError) as err:
        walk_in_add(
            session=session_a,
            by=manager_a,
            party=Party(adults=1),
            contact=Contact(name="早すぎ 花子"),
            now=session_a.start - timedelta(days=1),
        )
    assert err.value.code == "check_in_not_open"
    session_a.refresh_from_db()
    assert session_a.seats_taken == taken and not Reservation.objects.exists()
    # Added without checking in, the party is taken at any time.
    result = walk_in_add(
        session=session_a,
        by=manager_a,
        party=Party(adults=1),
        contact=Contact(name="電話 花子"),
        check_in_now=False,
    )
    assert result.reservation.status == ReservationStatus.CONFIRMED


@pytest.mark.parametrize("status", ["waitlisted", "cancelled"])
def test_parties_without_a_seat_cannot_be_checked_in(session_a, manager_a, status):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="first@example.jp")
    r = book(session_a, email="second@example.jp").reservation
    assert r.status == ReservationStatus.WAITLISTED
    if status == "cancelled":
        from booking.services import reservation_cancel

        reservation_cancel(reservation=r)
    with pytest.raises(AppError) as err:
        tap(session_a, r, manager_a)
    assert err.value.code == "invalid_state"
    assert not actions(session_a)


def test_reservation_codes_of_other_sessions_are_not_found(session_a, session_b):
    other = book(session_b).reservation
    with pytest.raises(AppError) as err:
        reservation_in_session(session_a, other.code)
    assert err.value.code == "not_found" and err.value.status_code == 404


def _course(facility, sessions=3, capacity=5):
    program = ProgramFactory(title="ペアレントトレーニング")
    course = Course.objects.create(
        program=program, facility=facility, title="冬のペアレントトレーニング", slug="pt-winter"
    )
    first = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    made = [
        SessionFactory(
            program=program,
            facility=facility,
            course=course,
            capacity=capacity,
            start=first + timedelta(weeks=i),
            registration_opens=first - timedelta(days=30),
            registration_closes=first - timedelta(days=1),
            cancellation_deadline=first - timedelta(days=1),
        )
        for i in range(sessions)
    ]
    return course, made


def test_course_check_in_is_per_session(manager_a, facility_a):
    from booking.services import reservation_create

    course, sessions = _course(facility_a)
    r = reservation_create(
        course=course,
        party=Party(adults=1, children=1),
        contact=Contact(name="佐藤 花子", email="c@example.jp"),
        now=sessions[0].start - timedelta(days=7),
    ).reservation
    first, second = sessions[0], sessions[1]
    assert reservation_in_session(second, r.code) == r
    result = check_in(session=first, reservation=r, by=manager_a)
    assert result.changed and result.attendance == "attended"
    assert not check_in(session=first, reservation=r, by=manager_a).changed
    rows = SessionAttendance.objects.filter(reservation=r)
    assert list(rows.values_list("session_id", "status")) == [(first.pk, "attended")]
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED  # the course booking itself is unchanged
    assert check_in(session=first, reservation=r, by=manager_a, attended=False).changed
    assert not SessionAttendance.objects.filter(reservation=r).exists()
    # End of the first session: the course party is a no-show there, and only there.
    check_in(session=first, reservation=r, by=manager_a)
    check_in(session=first, reservation=r, by=manager_a, attended=False)
    marked = no_shows_mark(session=first, by=manager_a)
    assert [m.pk for m in marked] == [r.pk]
    assert list(rows.values_list("session_id", "status")) == [(first.pk, "no_show")]
    assert check_in(session=first, reservation=r, by=manager_a).attendance == "attended"


def test_check_in_refused_for_a_cancelled_session(session_a, manager_a):
    r = book(session_a).reservation
    session_cancel(session=session_a, by=manager_a, reason="台風のため")
    session_a.refresh_from_db()
    with pytest.raises(AppError) as err:
        tap(session_a, r, manager_a)
    assert err.value.code == "session_cancelled"


# --- no-shows ----------------------------------------------------------------------------


def test_no_shows_refused_before_the_start(session_a, manager_a):
    book(session_a)
    with pytest.raises(AppError) as err:
        no_shows_mark(session=session_a, by=manager_a)
    assert err.value.code == "session_not_started"
    assert not Reservation.objects.filter(status=ReservationStatus.NO_SHOW).exists()


def test_no_shows_mark_the_rest_keep_seats_and_history(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=4)
    came = book_before(session, email="came@example.jp").reservation
    absent = [book_before(session, email=f"absent{i}@example.jp").reservation for i in range(2)]
    cancelled = book_before(session, email="gone@example.jp").reservation
    from booking.services import reservation_cancel

    reservation_cancel(reservation=cancelled, by=manager_a, reason="電話で")
    check_in(session=session, reservation=came, by=manager_a)
    session.refresh_from_db()
    seats_before = session.seats_taken
    marked = no_shows_mark(session=session, by=manager_a)
    assert sorted(r.code for r in marked) == sorted(r.code for r in absent)
    statuses = dict(Reservation.objects.values_list("code", "status"))
    assert statuses[came.code] == "attended"
    assert statuses[cancelled.code] == "cancelled"
    assert {statuses[r.code] for r in absent} == {"no_show"}
    session.refresh_from_db()
    assert session.seats_taken == seats_before == 3  # nothing freed after the fact
    for r in absent:
        last = r.history.order_by("-id").first()
        assert (last.from_status, last.to_status, last.actor) == ("confirmed", "no_show", manager_a)
    [action] = actions(session, "no_shows")
    assert sorted(action.after["no_show"]) == sorted(r.code for r in absent)
    assert action.after["count"] == 2
    # A second run finds nobody left.
    assert no_shows_mark(session=session, by=manager_a) == []


# --- walk-in -----------------------------------------------------------------------------


def test_walk_in_that_fits_is_confirmed_and_checked_in(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=5)
    book_before(session, adults=2)
    result = walk_in_add(
        session=session,
        by=manager_a,
        party=Party(adults=1, children=1, children_ages=[14]),
        contact=Contact(
            name="飛込 太郎",
            name_kana="とびこみ たろう",
            phone="099-000-0000",
            email="walkin@example.jp",
        ),
    )
    r = result.reservation
    assert (r.status, r.source, r.children_ages) == ("attended", "walk_in", [14])
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (5, 4)
    # The history says nothing of its own: the reservation's source says it was a walk-in.
    assert (r.history.first().note, r.history.first().reason) == ("", "")
    [walk] = actions(session, "walk_in")
    assert walk.before == {"capacity": 5, "seats_taken": 2}
    assert walk.after["seats_taken"] == 4 and walk.after["over_capacity"] is False
    assert len(actions(session, "check_in")) == 1
    assert kinds_for([r])[r.code] == ["confirmed"]


def test_walk_in_over_capacity_needs_a_reason(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=2)
    book_before(session, adults=2)
    before = (Reservation.objects.count(), StaffAction.objects.count())
    with pytest.raises(AppError) as err:
        walk_in_add(
            session=session, by=manager_a, party=Party(adults=1), contact=Contact(name="満席 花子")
        )
    assert err.value.code == "override_required"
    assert err.value.extra == {"seats_left": 0, "seats_needed": 1}
    assert (Reservation.objects.count(), StaffAction.objects.count()) == before
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)


def test_walk_in_over_capacity_with_a_reason_raises_the_capacity(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=2)
    book_before(session, adults=2)
    result = walk_in_add(
        session=session,
        by=manager_a,
        party=Party(adults=1, children=1),
        contact=Contact(name="満席 花子"),
        override_reason="部屋に余裕あり（所長了承）",
        check_in_now=False,
    )
    r = result.reservation
    assert r.status == ReservationStatus.CONFIRMED
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (4, 4)
    booked = r.history.first()
    assert (booked.note, booked.reason) == ("capacity_raised", "部屋に余裕あり（所長了承）")
    [walk] = actions(session, "walk_in")
    assert walk.reason == "部屋に余裕あり（所長了承）"
    assert walk.before["capacity"] == 2 and walk.after["capacity"] == 4
    assert walk.after["over_capacity"] is True
    assert not actions(session, "check_in")


def test_walk_in_without_email_gets_a_placeholder_and_no_mail(manager_a, facility_a):
    session = started_session(facility=facility_a)
    first = walk_in_add(
        session=session, by=manager_a, party=Party(adults=1), contact=Contact(name="一郎")
    )
    second = walk_in_add(
        session=session, by=manager_a, party=Party(adults=1), contact=Contact(name="二郎")
    )
    for result in (first, second):
        assert result.reservation.email.endswith("@" + WALK_IN_EMAIL_DOMAIN)
        statuses = set(
            Notification.objects.filter(reservation=result.reservation).values_list(
                "status", flat=True
            )
        )
        assert statuses <= {NotificationStatus.SKIPPED}
    assert first.reservation.email != second.reservation.email


def test_walk_in_to_a_course_session_books_the_course(manager_a, facility_a):
    course, sessions = _course(facility_a, capacity=3)
    result = walk_in_add(
        session=sessions[0], by=manager_a, party=Party(adults=1), contact=Contact(name="講座 花子")
    )
    r = result.reservation
    assert r.course_id == course.pk and r.session_id is None
    assert [s.seats_taken for s in Session.objects.filter(course=course).order_by("id")] == [1] * 3
    assert SessionAttendance.objects.get(reservation=r).session_id == sessions[0].pk
