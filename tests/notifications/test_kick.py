"""Handing due rows to the workers: one message per web process per window, not one per row.

The real worker and Redis are exercised in test_worker.py; here the messages are recorded.
"""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_enqueue
from notifications.services import outbox as outbox_module
from tests.notifications import fixtures

outbox = fixtures.outbox
no_rate_limits = fixtures.no_rate_limits


@pytest.fixture
def published(monkeypatch, settings):
    """Run as with a broker (not eager) and record what would be published."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATIONS_KICK_SECONDS = 0.5
    monkeypatch.setattr(outbox_module, "_kick_window_ends", 0.0)
    clock = {"now": 1000.0}
    monkeypatch.setattr(outbox_module.time, "monotonic", lambda: clock["now"])
    sent = []
    monkeypatch.setattr(
        tasks.deliver_due_now,
        "apply_async",
        lambda *args, **kwargs: sent.append(("due_now", kwargs.get("countdown"))),
    )
    monkeypatch.setattr(
        tasks.deliver_notification,
        "apply_async",
        lambda args, **kwargs: sent.append(("one", args[0])),
    )
    return sent, clock


def commit_row(email: str) -> Notification:
    with transaction.atomic():
        return notification_enqueue(kind="feed_link", to_email=email, payload={})


@pytest.mark.django_db(transaction=True)
def test_rows_committed_in_one_window_share_one_delayed_hand_over(published):
    sent, clock = published
    for i in range(5):
        commit_row(f"p{i}@example.jp")
        clock["now"] += 0.05
    assert sent == [("due_now", 0.5)]
    clock["now"] += 0.5  # the window is over: the next commit asks again
    commit_row("late@example.jp")
    assert sent == [("due_now", 0.5), ("due_now", 0.5)]


@pytest.mark.django_db(transaction=True)
def test_a_row_rolled_back_asks_for_nothing(published):
    sent, _clock = published
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(kind="feed_link", to_email="gone@example.jp", payload={})
        raise RuntimeError
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_with_no_window_each_row_is_handed_over_on_its_own(published, settings):
    sent, _clock = published
    settings.NOTIFICATIONS_KICK_SECONDS = 0
    rows = [commit_row(f"p{i}@example.jp") for i in range(3)]
    assert sent == [("one", row.pk) for row in rows]


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_refuses_leaves_the_rows_for_the_sweep(published, monkeypatch, outbox):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.deliver_due_now, "apply_async", refuse)
    row = commit_row("p@example.jp")  # no exception reaches the booking
    assert Notification.objects.get(pk=row.pk).status == NotificationStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_delayed_hand_over_delivers_every_due_row(outbox, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # batches run here, as a worker would run them
    outbox_module._kick_window_ends = 0.0
    rows = [
        Notification.objects.create(
            kind="feed_link", to_email=f"p{i}@example.jp", payload={}, due_at=timezone.now()
        )
        for i in range(3)
    ]
    assert tasks.deliver_due_now.apply().get() == 3
    assert sorted(m.to[0] for m in outbox) == [r.to_email for r in rows]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
