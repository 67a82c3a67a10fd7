"""Moving a reservation to another date of its programme (日程の変更)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import HistoryNote, ReservationStatus
from booking.services import move_choices, reservation_cancel, reservation_move
from core.errors import AppError, AppValidationError
from notifications.models import Notification, NotificationKind
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, another_date, book
from tests.notifications.outbox_steps import deliver_now

pytestmark = pytest.mark.django_db


def two_dates(capacity=10, **program_fields):
    program = ProgramFactory(**program_fields)
    first = SessionFactory(program=program, capacity=capacity)
    return first, another_date(first, capacity=capacity)


def test_a_move_takes_seats_on_the_new_date_and_gives_them_back_on_the_old():
    first, later = two_dates()
    result = book(first, adults=2, children=1)
    moved = reservation_move(reservation=result.reservation, to=later)
    first.refresh_from_db()
    later.refresh_from_db()
    assert moved.session_id == later.pk
    assert moved.status == ReservationStatus.CONFIRMED
    assert moved.code == result.reservation.code
    assert (first.seats_taken, later.seats_taken) == (0, 3)
    assert moved.moves == 1
    assert moved.history.order_by("id").last().note == HistoryNote.MOVED


def test_the_old_dates_waiting_list_gets_the_seats():
    first, later = two_dates(capacity=2)
    leaving = book(first, adults=2, email="a@example.jp").reservation
    waiting = book(first, adults=2, email="b@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    reservation_move(reservation=leaving, to=later)
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    first.refresh_from_db()
    assert first.seats_taken == 2


def test_a_full_date_refuses_and_changes_nothing():
    first, later = two_dates(capacity=2)
    book(later, adults=2, email="other@example.jp")
    reservation = book(first, adults=1).reservation
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=reservation, to=later)
    assert refused.value.code == "session_full"
    reservation.refresh_from_db()
    first.refresh_from_db()
    later.refresh_from_db()
    assert reservation.session_id == first.pk and reservation.moves == 0
    assert (first.seats_taken, later.seats_taken) == (1, 2)
    assert not Notification.objects.filter(kind=NotificationKind.MOVED).exists()


def test_another_programmes_date_is_refused():
    first, _later = two_dates()
    reservation = book(first).reservation
    with pytest.raises(AppValidationError) as refused:
        reservation_move(reservation=reservation, to=SessionFactory(facility=first.facility))
    assert "session" in refused.value.fields


def test_a_move_sent_twice_moves_once_and_emails_once():
    first, later = two_dates()
    reservation = book(first).reservation
    reservation_move(reservation=reservation, to=later)
    again = reservation_move(reservation=reservation, to=later)
    assert again.session_id == later.pk and again.moves == 1
    later.refresh_from_db()
    assert later.seats_taken == 1
    assert Notification.objects.filter(kind=NotificationKind.MOVED).count() == 1


def test_after_the_cancellation_deadline_a_parent_cannot_move_but_staff_can(django_user_model):
    first, later = two_dates()
    reservation = book(first).reservation
    late = first.cancellation_deadline + timedelta(minutes=1)
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=reservation, to=later, now=late)
    assert refused.value.code == "cancellation_closed"
    staff = django_user_model.objects.create_user("desk@example.jp")
    moved = reservation_move(reservation=reservation, to=later, by=staff, now=late)
    assert moved.session_id == later.pk
    assert moved.history.order_by("id").last().actor == staff


def test_a_date_not_yet_open_for_booking_is_refused():
    first, later = two_dates()
    later.registration_opens = timezone.now() + timedelta(days=1)
    later.save()
    reservation = book(first).reservation
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=reservation, to=later)
    assert refused.value.code == "registration_closed"
    assert later not in move_choices(reservation)


def test_the_same_address_booked_on_the_new_date_is_a_duplicate():
    first, later = two_dates()
    reservation = book(first).reservation
    book(later)  # the same email
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=reservation, to=later)
    assert refused.value.code == "duplicate_reservation"
    reservation.refresh_from_db()
    assert reservation.session_id == first.pk


def test_a_cancelled_reservation_does_not_move():
    first, later = two_dates(capacity=1)
    reservation = book(first, email="a@example.jp").reservation
    reservation_cancel(reservation=reservation)
    with pytest.raises(AppError) as refused:
        reservation_move(reservation=reservation, to=later)
    assert refused.value.code == "invalid_state"
    assert move_choices(reservation) == []


def test_the_party_must_meet_the_rules_on_the_new_date():
    # A maternity class is for parents still expecting: a date after the due date is refused.
    program = ProgramFactory(requires_due_date=True)
    first = SessionFactory(program=program)
    later = another_date(first, days=21)
    due = timezone.localtime(first.start).date() + timedelta(days=10)
    reservation = book(first, due_date=due).reservation
    with pytest.raises(AppValidationError) as refused:
        reservation_move(reservation=reservation, to=later)
    assert "due_date" in refused.value.fields
    assert move_choices(reservation) == []


def test_the_choices_are_the_programmes_other_open_dates_with_room():
    first, later = two_dates(capacity=2)
    elsewhere = another_date(first, days=3, facility=FacilityFactory(), capacity=2)
    full = another_date(first, days=10, capacity=1)
    SessionFactory(facility=first.facility)  # another programme
    reservation = book(first, adults=2).reservation
    assert move_choices(reservation) == [elsewhere, later]
    assert full not in move_choices(reservation)


def test_the_email_names_both_dates_cancels_the_old_invite_and_sends_the_new(settings):
    first, later = two_dates()
    reservation = book(first).reservation
    deliver_now()
    mail.outbox.clear()
    reservation_move(reservation=reservation, to=later)
    deliver_now()
    (email,) = mail.outbox
    assert "日程" in email.subject
    assert reservation.code in email.body
    message = email.message()
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    methods = sorted(p.get_param("method") for p in parts)
    assert methods == ["CANCEL", "REQUEST"]
    texts = {p.get_param("method"): p.get_payload(decode=True).decode() for p in parts}
    assert f"session-{first.pk}@" in texts["CANCEL"]
    assert f"session-{later.pk}@" in texts["REQUEST"]


def test_a_reminder_for_the_old_date_is_not_sent():
    first, later = two_dates()
    reservation = book(first).reservation
    from notifications.services import reminders_schedule

    reminders_schedule(now=first.start - timedelta(hours=25))
    old = Notification.objects.filter(kind=NotificationKind.REMINDER, reservation=reservation)
    assert old.exists()
    reservation_move(reservation=reservation, to=later)
    deliver_now()
    assert {n.status for n in old.all()} == {"skipped"}


def test_the_admin_shows_the_invites_counters_without_a_field_to_change_them(admin_client):
    """Lowering a counter would send invites that calendars ignore as older than the last."""
    first, later = two_dates()
    reservation = reservation_move(reservation=book(first).reservation, to=later)
    page = admin_client.get(f"/admin/booking/reservation/{reservation.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="moves"' not in html and 'name="party_changes"' not in html
    assert "日程の変更回数" in html or "date changes" in html


def test_the_private_feed_follows_the_move_with_the_invites_sequence(api):
    """The parent's calendar feed shows the new date, no longer the old one, and the new date's
    SEQUENCE is the one its invite carried."""
    from calendars import tokens
    from tests.calendars.feed_requests import get_feed
    from tests.notifications.icalcheck import parse_both, uid_of

    first, later = two_dates()
    reservation = book(first, email="hanako@example.jp").reservation
    reservation_move(reservation=reservation, to=later)
    deliver_now()
    (email,) = [m for m in mail.outbox if "日程" in m.subject]
    request = next(
        p
        for p in email.message().walk()
        if p.get_content_type() == "text/calendar" and p.get_param("method") == "REQUEST"
    )
    token = tokens.feed_token_issue(email="hanako@example.jp")
    _ical, _vobj, events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)
    assert uid_of(later) in events and uid_of(first) not in events
    sequence = f"SEQUENCE:{events[uid_of(later)].sequence}"
    assert sequence in request.get_payload(decode=True).decode()


def test_booking_the_date_left_again_sends_an_invite_that_outranks_the_moves_cancel(api):
    """A parent moves from the first date to the next, then books the first date again: the new
    REQUEST for the first date must carry a higher SEQUENCE than the CANCEL the move sent, or
    calendars ignore it (the UID is the session's); the private feed says the same."""
    import re as regex

    from calendars import tokens
    from tests.calendars.feed_requests import get_feed
    from tests.notifications.icalcheck import parse_both, uid_of

    def sequences(method):
        found = []
        for message in mail.outbox:
            for part in message.message().walk():
                if (
                    part.get_content_type() == "text/calendar"
                    and part.get_param("method") == method
                ):
                    text = part.get_payload(decode=True).decode()
                    if f"session-{first.pk}@" in text:
                        found.append(int(regex.search(r"SEQUENCE:(\d+)", text).group(1)))
        return found

    first, later = two_dates()
    moved = book(first, email="hanako@example.jp", adults=2).reservation
    reservation_change_party_for(moved)
    reservation_move(reservation=moved, to=later)
    book(first, email="hanako@example.jp")
    deliver_now()
    (cancel,) = sequences("CANCEL")
    requests = sequences("REQUEST")
    assert requests[-1] > cancel
    token = tokens.feed_token_issue(email="hanako@example.jp")
    _ical, _vobj, events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)
    assert events[uid_of(first)].sequence == requests[-1]


def reservation_change_party_for(reservation):
    from booking.rules import Party
    from booking.services import reservation_change_party

    reservation_change_party(reservation=reservation, party=Party(adults=1))
