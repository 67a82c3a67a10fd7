"""Claiming, recovery and SMTP outcomes, against a real SMTP server where SMTP is the point."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications import claims, delivery, emails, tasks
from notifications.models import Notification
from notifications.services import notification_enqueue, notification_retry
from tests.factories import book
from tests.notifications import fixtures
from tests.notifications.mailparse import parse
from tests.notifications.smtp_sink import SmtpSink, free_port

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

SECRET = {"feed_url": "https://example.jp/c/secret", "webcal_url": "webcal://example.jp/c/secret"}


def row(email="parent@example.jp", **extra) -> Notification:
    return notification_enqueue(kind="feed_link", to_email=email, payload=dict(SECRET), **extra)


def unsent(email="parent@example.jp") -> Notification:
    """A due row that nobody was asked to deliver yet (as after a lost hand-over)."""
    return Notification.objects.create(
        kind="feed_link", to_email=email, payload=dict(SECRET), due_at=timezone.now()
    )


def refreshed(notification: Notification) -> Notification:
    notification.refresh_from_db()
    return notification


def make_due(*notifications):
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(due_at=timezone.now())


def in_threads(count, work):
    """Run work(i) in ``count`` threads started together; return their results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_TIMEOUT = 5
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield sink


# --- exactly once ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_is_sent_once_even_when_its_task_runs_twice(outbox):
    notification = row()
    assert tasks.deliver_notification.apply((notification.pk,)).get() == "sent"
    assert tasks.deliver_notification.apply((notification.pk,)).get() == "not claimed"
    tasks.deliver_due.apply()
    assert len(outbox) == 1
    assert refreshed(notification).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_get_each_row_exactly_once():
    ids = [unsent(email=f"p{i}@example.jp").pk for i in range(20)]
    wins = in_threads(2, lambda i: [claims.claim(pk, by=f"worker-{i}") for pk in ids])
    for index in range(len(ids)):
        assert wins[0][index] + wins[1][index] == 1
    assert Notification.objects.filter(status="sending", attempts=1).count() == 20


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_disjoint_batches_covering_every_row():
    ids = {unsent(email=f"p{i}@example.jp").pk for i in range(60)}

    def sweep(i):
        claimed = []
        while batch := claims.claim_for_queue(token=f"queued:{i}", size=7):
            claimed.extend(batch)
        return claimed

    first, second = in_threads(2, sweep)
    assert not set(first) & set(second)
    assert set(first) | set(second) == ids


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_rows_send_each_once(outbox):
    ids = [unsent(email=f"p{i}@example.jp").pk for i in range(15)]
    in_threads(2, lambda i: [delivery.deliver_one(pk) for pk in ids])
    assert sorted(m.to[0] for m in outbox) == sorted(f"p{i}@example.jp" for i in range(15))
    assert Notification.objects.filter(status="sent").count() == 15


@pytest.mark.django_db
def test_a_batch_queued_under_another_token_is_not_sent(outbox):
    notifications = [row(email=f"p{i}@example.jp") for i in range(3)]
    ids = claims.claim_for_queue(token="queued:mine", size=10)
    assert sorted(ids) == sorted(n.pk for n in notifications)
    assert delivery.deliver_batch(ids, token="queued:someone-else") == {}
    assert outbox == []
    assert delivery.deliver_batch(ids, token="queued:mine") == {"sent": 3}
    assert len(outbox) == 3


@pytest.mark.django_db
def test_a_batch_that_cannot_be_queued_is_released_for_the_next_sweep(outbox):
    notification = row()

    def broker_down(ids, token):
        raise ConnectionError("redis is down")

    assert delivery.dispatch_due(send_batch=broker_down) == 0
    assert refreshed(notification).status == "pending"
    tasks.deliver_due.apply()
    assert refreshed(notification).status == "sent" and len(outbox) == 1


# --- a worker lost mid-send ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_claim_goes_back_to_pending_and_is_sent_once(settings, outbox):
    lost, busy = row(email="lost@example.jp"), row(email="busy@example.jp")
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT + 1)
    Notification.objects.filter(pk=lost.pk).update(
        status="sending", claimed_at=long_ago, claimed_by="dead-worker", attempts=1
    )
    Notification.objects.filter(pk=busy.pk).update(
        status="sending", claimed_at=timezone.now(), claimed_by="live-worker", attempts=1
    )
    tasks.deliver_due.apply()
    assert [m.to for m in outbox] == [["lost@example.jp"]]
    lost, busy = refreshed(lost), refreshed(busy)
    assert lost.status == "sent" and lost.attempts == 2
    assert (busy.status, busy.claimed_by) == ("sending", "live-worker")  # still its worker's


@pytest.mark.django_db
def test_a_row_whose_worker_is_lost_every_time_is_failed_for_staff(settings, outbox):
    notification = row()
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT + 1)
    Notification.objects.filter(pk=notification.pk).update(
        status="sending",
        claimed_at=long_ago,
        claimed_by="dead",
        attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    )
    tasks.deliver_due.apply()
    notification = refreshed(notification)
    assert notification.status == "failed" and "worker was lost" in notification.last_error
    assert "feed_url" not in notification.payload
    assert outbox == []


# --- SMTP outcomes, against a real SMTP server -----------------------------------------------


@pytest.mark.django_db
def test_sent_over_smtp_with_both_bodies_and_a_stable_message_id(smtp):
    notification = row(language="ja")
    expected_id = emails.message_id(notification)
    assert delivery.deliver_one(notification.pk) == "sent"
    [message] = smtp.parsed()
    mail = parse(message)
    assert mail.header("Message-ID") == expected_id == refreshed(notification).message_id
    assert mail.to == "parent@example.jp" and mail.subject.startswith("【カレンダー登録用】")
    assert (
        "webcal://example.jp/c/secret" in mail.text and "webcal://example.jp/c/secret" in mail.html
    )
    assert mail.header("Auto-Submitted") == "auto-generated"


@pytest.mark.django_db
def test_a_transient_refusal_is_retried_later_and_then_sent_once(smtp, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    smtp.handler.refuse_data.append("421 4.3.2 System not accepting network messages")
    notification = row()
    before = timezone.now()
    assert delivery.deliver_one(notification.pk) == "retry"
    notification = refreshed(notification)
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "421" in notification.last_error
    assert notification.due_at >= before + timedelta(seconds=60)
    assert "feed_url" in notification.payload  # kept for the retry
    tasks.deliver_due.apply()  # not due yet
    assert smtp.count == 0
    make_due(notification)
    tasks.deliver_due.apply()
    notification = refreshed(notification)
    assert (notification.status, notification.attempts, smtp.count) == ("sent", 2, 1)


@pytest.mark.django_db
def test_a_full_mailbox_452_is_transient(smtp):
    smtp.handler.refuse_rcpt["parent@example.jp"] = "452 4.2.2 Mailbox full"
    notification = row()
    assert delivery.deliver_one(notification.pk) == "retry"
    assert "452" in refreshed(notification).last_error


@pytest.mark.django_db
def test_an_unknown_recipient_fails_for_good_with_the_reason(smtp, outbox):
    smtp.handler.refuse_rcpt["nobody@example.jp"] = "550 5.1.1 No such user here"
    notification = row(email="nobody@example.jp")
    assert delivery.deliver_one(notification.pk) == "failed"
    notification = refreshed(notification)
    assert notification.status == "failed"
    assert notification.last_error == "recipient refused: 550 5.1.1 No such user here"
    assert "feed_url" not in notification.payload
    make_due(notification)
    tasks.deliver_due.apply()
    assert refreshed(notification).attempts == 1 and smtp.count == 0


@pytest.mark.django_db
def test_a_refusal_in_the_middle_of_a_batch_does_not_stop_the_others(smtp):
    smtp.handler.refuse_rcpt["b@example.jp"] = "550 5.1.1 No such user here"
    a, b, c = (row(email=f"{x}@example.jp") for x in "abc")
    tasks.deliver_due.apply()
    assert [refreshed(n).status for n in (a, b, c)] == ["sent", "failed", "sent"]
    assert sorted(parse(m).to for m in smtp.parsed()) == ["a@example.jp", "c@example.jp"]


@pytest.mark.django_db
def test_no_server_listening_is_transient(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    notification = row()
    assert delivery.deliver_one(notification.pk) == "retry"
    assert "ConnectionRefusedError" in refreshed(notification).last_error


@pytest.mark.django_db
def test_transient_failures_give_up_after_the_last_attempt(smtp, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp.handler.refuse_data.extend(["451 4.3.0 try later"] * 2)
    notification = row()
    assert delivery.deliver_one(notification.pk) == "retry"
    make_due(notification)
    assert delivery.deliver_one(notification.pk) == "failed"
    notification = refreshed(notification)
    assert notification.status == "failed"
    assert notification.last_error.startswith("gave up after 2 attempts: ")
    assert smtp.count == 0


def test_backoff_grows_and_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600
    delays = [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)]
    assert 60 <= delays[0] <= 66 and 120 <= delays[1] <= 132 and 240 <= delays[2] <= 264
    assert 480 <= delays[3] <= 528 and 600 <= delays[4] <= 660


@pytest.mark.django_db
def test_an_invalid_address_fails_without_sending(smtp):
    notification = row(email="not-an-address")
    assert delivery.deliver_one(notification.pk) == "failed"
    assert refreshed(notification).last_error == "invalid recipient address"
    assert smtp.count == 0


@pytest.mark.django_db
def test_staff_can_send_a_failed_reservation_email_again_without_its_manage_token(
    smtp, session, django_capture_on_commit_callbacks
):
    smtp.handler.refuse_rcpt["parent@example.jp"] = "550 5.7.1 blocked"
    result = book(session, email="parent@example.jp")
    [notification] = Notification.objects.all()
    delivery.deliver_one(notification.pk)
    notification = refreshed(notification)
    assert notification.status == "failed" and "manage_url" not in notification.payload
    del smtp.handler.refuse_rcpt["parent@example.jp"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_retry(notification)
    assert refreshed(notification).status == "sent"
    [mail] = [parse(m) for m in smtp.parsed()]
    assert result.reservation.code in mail.text and result.token not in mail.text
    # It links to the manage page with the link token derived from the stored hash instead.
    assert f"/manage/{result.reservation.code}/?token=" in mail.text


@pytest.mark.django_db
def test_a_failed_link_email_is_not_sent_again_without_its_link(smtp):
    smtp.handler.refuse_rcpt["parent@example.jp"] = "550 5.7.1 blocked"
    notification = row()
    delivery.deliver_one(notification.pk)
    assert not notification_retry(refreshed(notification))
    assert refreshed(notification).status == "failed"
