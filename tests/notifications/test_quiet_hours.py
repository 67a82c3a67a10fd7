"""Quiet hours: news written at night is due when they end, a parent's own action is answered
at once, and news that would arrive after the session started is skipped (eager tasks,
locmem)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from booking import services as booking
from events.models import BookingMode, Session
from notifications.services import quiet_hours_end_after
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.notifications import fixtures
from tests.notifications.outbox_steps import deliver_now, rows, tokyo

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "at", "expected"),
    [
        ((21, 0), (7, 0), (22, 30), (1, 7, 0)),
        ((21, 0), (7, 0), (3, 0), (0, 7, 0)),
        ((21, 0), (7, 0), (12, 0), (0, 12, 0)),
        ((21, 0), (7, 0), (7, 0), (0, 7, 0)),
        ((21, 0), (7, 0), (21, 0), (1, 7, 0)),
        ((12, 0), (13, 0), (12, 30), (0, 13, 0)),
        ((0, 0), (0, 0), (23, 0), (0, 23, 0)),
    ],
)
def test_quiet_hours_push_news_to_their_end(db, start, end, at, expected):
    facility = FacilityFactory(quiet_hours_start=time(*start), quiet_hours_end=time(*end))
    day = datetime(2026, 12, 4).date()
    result = quiet_hours_end_after(tokyo(day, *at), facility)
    assert result == tokyo(day + timedelta(days=expected[0]), expected[1], expected[2])


def night_setup(*, start_hour=10, cutoff=timedelta(hours=2)):
    facility = FacilityFactory()  # default quiet hours 21:00-07:00
    program = ProgramFactory(waitlist_cutoff=cutoff)
    day = timezone.localtime().date() + timedelta(days=3)
    start = tokyo(day, start_hour, 30)
    session = SessionFactory(
        facility=facility,
        program=program,
        start=start,
        capacity=1,
        cancellation_deadline=start,
        registration_closes=start,
    )
    return session, tokyo(day - timedelta(days=1), 22, 30)


def test_promotion_at_night_is_due_when_quiet_hours_end(db):
    session, night = night_setup()
    holder = book(session, email="holder@example.jp", now=night - timedelta(hours=1))
    book(session, email="waiting@example.jp", now=night - timedelta(hours=1))
    booking.reservation_cancel(reservation=holder.reservation, now=night)
    [cancelled] = rows(kind="cancelled")
    [promoted] = rows(kind="promoted")
    assert cancelled.due_at == night  # the parent's own action: answered at once
    morning = tokyo(night.date() + timedelta(days=1), 7, 0)
    assert promoted.due_at == morning


def test_waitlisting_at_night_waits_but_a_lottery_application_does_not(db):
    session, night = night_setup()
    book(session, email="holder@example.jp", now=night)
    book(session, email="waiting@example.jp", now=night)
    [waitlisted] = rows(kind="waitlisted")
    assert waitlisted.due_at == tokyo(night.date() + timedelta(days=1), 7, 0)
    lottery = SessionFactory(
        facility=session.facility, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, email="apply@example.jp", now=night)
    [applied] = rows(kind="applied")
    assert applied.due_at == night


def test_promotion_for_a_session_started_by_morning_is_skipped(db, outbox):
    session, night = night_setup(start_hour=6, cutoff=timedelta(0))  # starts 06:30
    holder = book(session, email="holder@example.jp", now=night - timedelta(hours=1))
    book(session, email="waiting@example.jp", now=night - timedelta(hours=1))
    booking.reservation_cancel(reservation=holder.reservation, now=night)
    [promoted] = rows(kind="promoted")
    assert promoted.due_at > session.start
    # Time passes: it is now after the start of the session.
    shift = session.start - timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        start=session.start - shift,
        end=session.end - shift,
        registration_opens=session.registration_opens - shift,
        registration_closes=session.registration_closes - shift,
        cancellation_deadline=session.cancellation_deadline - shift,
    )
    deliver_now()
    promoted.refresh_from_db()
    assert promoted.status == "skipped" and promoted.last_error == "session already started"
    assert all(m.to == ["holder@example.jp"] for m in outbox)  # nothing for the late news
