"""A parent's private feed: their sessions with their state (a seat, the waiting list, a
lottery application), a cancellation shown as its cancel invite said and then forgotten, and
every session of a booked course."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation
from booking.rules import Contact, Party
from booking.services import reservation_cancel, reservation_create
from calendars import invites, tokens
from events.models import Course, Session
from staffdesk.services import session_cancel_all as session_cancel
from tests.calendars.feed_requests import days_from_now, get_feed
from tests.factories import ProgramFactory, SessionFactory, book
from tests.notifications.icalcheck import assert_matches_db, parse_both, uid_of, unfolded

pytestmark = pytest.mark.django_db


def test_private_feed_shows_the_parents_sessions_with_their_state(api, parent_bookings):
    mine, others = parent_bookings
    token = tokens.feed_token_issue(email="hanako@example.jp")

    response = get_feed(api, f"/calendar/private/{token}.ics")

    ical, vobj, events = parse_both(response.content)
    sessions = {key: r.session for key, r in mine.items()}
    assert_matches_db(
        events,
        list(sessions.values()),
        status={
            sessions["seat"].pk: "CONFIRMED",
            sessions["waitlisted"].pk: "TENTATIVE",
            sessions["applied"].pk: "TENTATIVE",
        },
    )
    assert uid_of(others) not in events
    assert events[uid_of(sessions["waitlisted"])].summary.startswith("【キャンセル待ち】")
    assert events[uid_of(sessions["applied"])].summary.startswith("【抽選申込中】")
    assert events[uid_of(sessions["seat"])].summary == sessions["seat"].display_title
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "田中" not in unfolded(response.content)


def test_private_feed_marks_cancelled_then_forgets(api, parent_bookings):
    mine, _ = parent_bookings
    token = tokens.feed_token_issue(email="hanako@example.jp")
    before = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    session = mine["seat"].session

    cancelled = session_cancel(session=session, reason="台風")

    first = get_feed(api, f"/calendar/private/{token}.ics")
    events = parse_both(first.content)[2]
    assert events[uid_of(session)].status == "CANCELLED"
    assert events[uid_of(session)].summary == f"【中止】{session.display_title}"
    assert events[uid_of(session)].sequence > before[uid_of(session)].sequence
    assert events[uid_of(session)].sequence >= cancelled.sequence
    assert (
        api.get(f"/calendar/private/{token}.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
    old = timezone.now() - timedelta(days=31)
    Session.objects.filter(pk=session.pk).update(updated_at=old)
    Reservation.objects.filter(session=session).update(updated_at=old)
    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    assert uid_of(session) not in events
    assert len(events) == 2


def test_private_feed_keeps_a_cancelled_reservation_as_its_cancel_invite_said(api, parent_bookings):
    mine, _ = parent_bookings
    reservation = mine["seat"]
    token = tokens.feed_token_issue(email="hanako@example.jp")

    reservation_cancel(reservation=reservation, reason="")
    reservation.refresh_from_db()

    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    cancel = parse_both(invites.reservation_invite(reservation, method="CANCEL"))[2]
    uid = uid_of(reservation.session)
    assert events[uid].status == "CANCELLED"
    assert events[uid].summary == f"【キャンセル済み】{reservation.session.display_title}"
    assert events[uid].sequence == cancel[uid].sequence
    # Booking the same session again shows the new, live reservation above the cancel.
    again = book(reservation.session, email="hanako@example.jp").reservation
    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    assert events[uid].status == "CONFIRMED"
    assert events[uid].sequence > cancel[uid].sequence
    request = parse_both(invites.reservation_invite(again, method="REQUEST"))[2]
    assert events[uid].sequence == request[uid].sequence


def test_private_feed_lists_every_session_of_a_booked_course(api, facility):
    program = ProgramFactory(title="ペアレントトレーニング")
    course = Course.objects.create(program=program, facility=facility, title="全4回", slug="pt")
    sessions = [
        SessionFactory(program=program, facility=facility, course=course, start=days_from_now(d))
        for d in (7, 14, 21, 28)
    ]
    reservation_create(
        course=course,
        party=Party(adults=1),
        contact=Contact(name="高橋 由美", email="yumi@example.jp"),
    )
    token = tokens.feed_token_issue(email="yumi@example.jp")

    ical, _, events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)

    assert_matches_db(events, sessions)
    assert str(ical["X-WR-CALNAME"]) == "わたしの予約"
