"""The outbox itself: one row per dedupe key, sent once its transaction commits or when it is
due; delivered in process by ``run_notifications``; shown to staff in the admin (eager tasks,
locmem)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from booking.models import Reservation
from notifications import tasks
from notifications.models import Notification
from notifications.services import notification_enqueue
from tests.factories import ProgramFactory, SessionFactory, book, staff_user
from tests.notifications import fixtures
from tests.notifications.outbox_steps import rows

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db


# --- the outbox itself ---------------------------------------------------------------------


def test_same_dedupe_key_returns_the_first_row(db):
    first = notification_enqueue(kind="feed_link", to_email="a@example.jp", dedupe_key="k1")
    again = notification_enqueue(kind="feed_link", to_email="b@example.jp", dedupe_key="k1")
    assert again.pk == first.pk
    assert Notification.objects.count() == 1


def test_a_row_due_now_is_sent_once_the_transaction_commits(
    db, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = notification_enqueue(
            kind="feed_link",
            to_email="parent@example.jp",
            language="en",
            payload={"feed_url": "https://x/c/secret", "webcal_url": "webcal://x/c/secret"},
        )
        assert outbox == []  # nothing leaves before the commit
    assert [m.to for m in outbox] == [["parent@example.jp"]]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert "webcal://x/c/secret" in outbox[0].body
    assert "feed_url" not in row.payload and "webcal_url" not in row.payload  # scrubbed


def test_a_row_due_later_waits_for_the_sweep(db, outbox, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = notification_enqueue(kind="feed_link", to_email="p@example.jp", due_at=later)
    assert callbacks == [] and outbox == []
    tasks.deliver_due.apply()
    assert outbox == []
    row.refresh_from_db()
    assert row.status == "pending"


# --- embedded mode and the admin -------------------------------------------------------------


def test_run_notifications_delivers_due_rows_and_reminders_in_process(db, facility, outbox):
    start = timezone.now().replace(microsecond=0) + timedelta(hours=23)
    session = SessionFactory(
        facility=facility,
        program=ProgramFactory(reminder_offsets=[24]),
        start=start,
        registration_closes=start - timedelta(hours=1),
        cancellation_deadline=start - timedelta(hours=1),
    )
    book(session, email="early@example.jp")
    Reservation.objects.update(created_at=timezone.now() - timedelta(days=2))
    call_command("run_notifications", "--once", stdout=StringIO())
    assert sorted((r.kind, r.status) for r in rows()) == [
        ("confirmed", "sent"),
        ("reminder", "sent"),
    ]
    assert [m.to for m in outbox] == [["early@example.jp"]] * 2


def test_staff_see_their_facility_emails_and_errors_in_the_admin(client, session, facility):
    mine = book(session, email="mine@example.jp").reservation
    book(SessionFactory(), email="theirs@example.jp")  # another facility
    Notification.objects.filter(to_email="mine@example.jp").update(
        status="failed", last_error="recipient refused: 550 5.1.1 No such user here"
    )
    user = staff_user(facility)
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notification", "view_reservation"])
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    listing = client.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "mine@example.jp" in text and "550 5.1.1 No such user here" in text
    assert (
        "theirs@example.jp" not in client.get("/admin/notifications/notification/").content.decode()
    )
    page = client.get(f"/admin/booking/reservation/{mine.pk}/change/").content.decode()
    assert "550 5.1.1 No such user here" in page and "Reservation confirmed" in page
    row = Notification.objects.get(to_email="mine@example.jp")
    detail = client.get(f"/admin/notifications/notification/{row.pk}/change/").content.decode()
    assert "token=" not in detail  # the manage link is never shown to staff
