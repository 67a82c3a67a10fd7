"""Reminders before a session: written once per reservation and offset, for confirmed parties
only, pushed out of quiet hours, and skipped when the session moved or the reservation was
cancelled (eager tasks, locmem)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services as booking
from booking.models import Reservation
from notifications import emails
from notifications.services import reminders_schedule
from staffdesk.services import session_update
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.notifications import fixtures
from tests.notifications.outbox_steps import deliver_now, ja_when, rows, tokyo

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db


def reminder_setup(offsets, *, hour=10, quiet=False):
    facility = FacilityFactory(no_quiet_hours=not quiet)
    program = ProgramFactory(reminder_offsets=offsets, what_to_bring="母子手帳")
    day = timezone.localtime().date() + timedelta(days=3)
    start = tokyo(day, hour, 0)
    return SessionFactory(facility=facility, program=program, start=start)


def test_reminders_are_written_once_per_reservation_and_offset(db):
    session = reminder_setup([24, 3])
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    day_before = session.start - timedelta(hours=25)
    assert reminders_schedule(now=day_before) == 2
    assert reminders_schedule(now=day_before) == 0
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 2
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 0
    reminders = rows(kind="reminder")
    assert sorted((r.reservation_id, r.payload["offset_hours"]) for r in reminders) == sorted(
        [
            (a.reservation.pk, 24),
            (b.reservation.pk, 24),
            (a.reservation.pk, 3),
            (b.reservation.pk, 3),
        ]
    )
    assert {r.due_at for r in reminders} == {
        session.start - timedelta(hours=24),
        session.start - timedelta(hours=3),
    }


def test_a_late_booking_gets_no_reminder_for_an_offset_already_past(db):
    session = reminder_setup([24, 3])
    early = book(session, email="early@example.jp")
    late = book(session, email="late@example.jp")
    Reservation.objects.filter(pk=early.reservation.pk).update(
        created_at=session.start - timedelta(days=2)
    )
    Reservation.objects.filter(pk=late.reservation.pk).update(
        created_at=session.start - timedelta(hours=10)  # same day: no "tomorrow" mail
    )
    reminders_schedule(now=session.start - timedelta(hours=2))
    got = sorted((r.to_email, r.payload["offset_hours"]) for r in rows(kind="reminder"))
    assert got == [("early@example.jp", 3), ("early@example.jp", 24), ("late@example.jp", 3)]


def test_only_confirmed_parties_get_reminders(db):
    session = reminder_setup([24])
    session.capacity = 1
    session.save()
    kept = book(session, email="kept@example.jp")
    book(session, email="waiting@example.jp")
    gone = book(session, email="gone@example.jp", now=timezone.now())  # waitlisted too
    booking.reservation_cancel(reservation=gone.reservation)
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=23))
    assert [r.reservation_id for r in rows(kind="reminder")] == [kept.reservation.pk]


def test_a_reminder_at_night_is_due_when_quiet_hours_end(db):
    session = reminder_setup([3], hour=8, quiet=True)  # 05:00 falls in 21:00-07:00
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=4))
    [reminder] = rows(kind="reminder")
    assert reminder.due_at == tokyo(timezone.localtime(session.start).date(), 7, 0)


def test_a_reminder_pushed_past_the_start_by_quiet_hours_is_not_written(db):
    session = reminder_setup([3], hour=7, quiet=True)  # 04:00 -> 07:00, the start itself
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 0


def test_the_day_before_reminder_reads_tomorrow(db):
    session = reminder_setup([24])
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=24))
    [row] = rows(kind="reminder")
    rendered = emails.render(row, now=session.start - timedelta(hours=24))
    assert rendered.subject.startswith("【明日開催】")
    assert f"明日、{ja_when(session)}に「" in rendered.text and "母子手帳" in rendered.text
    assert rendered.invites == []


def test_a_reminder_for_a_moved_session_is_skipped_and_written_again(db, outbox):
    session = reminder_setup([24])
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    old_start = session.start
    reminders_schedule(now=old_start - timedelta(hours=24))
    session_update(
        session=session, start=old_start + timedelta(hours=1), end=session.end + timedelta(hours=1)
    )
    session.refresh_from_db()
    assert reminders_schedule(now=old_start - timedelta(hours=24)) == 1
    old, new = rows(kind="reminder")
    assert new.payload["start"] == session.start.isoformat()
    deliver_now()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == "skipped" and "moved" in old.last_error
    assert new.status == "sent"


def test_a_reminder_for_a_cancelled_reservation_is_skipped(db, outbox):
    session = reminder_setup([24])
    a = book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=24))
    booking.reservation_cancel(reservation=a.reservation)
    deliver_now()
    [reminder] = rows(kind="reminder")
    assert reminder.status == "skipped" and reminder.last_error == "reservation is cancelled"
    assert all(not m.subject.startswith("【") or "開催" not in m.subject for m in outbox)
