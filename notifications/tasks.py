"""Celery tasks: they take ids, load rows and call services; the rules live elsewhere."""

from celery import shared_task

from booking import services as booking_services
from booking.idempotency import purge_expired_keys
from notifications import claims, delivery
from notifications.services.reminders import reminders_schedule


@shared_task(name="notifications.deliver_notification", ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    """Deliver one row right after the transaction that wrote it committed."""
    return delivery.deliver_one(notification_id)


@shared_task(name="notifications.deliver_due_now", ignore_result=True)
def deliver_due_now() -> int:
    """Deliver every row that is due, right after the web commits that asked for it
    (``notifications.services.outbox``); batches go to the workers like the sweep's."""
    return _dispatch_due()


@shared_task(name="notifications.deliver_batch", ignore_result=True)
def deliver_batch(notification_ids: list[int], token: str) -> dict[str, int]:
    """Deliver a batch of rows the sweep claimed under ``token``."""
    return delivery.deliver_batch(notification_ids, token=token)


@shared_task(name="notifications.deliver_due", ignore_result=True)
def deliver_due() -> dict[str, int]:
    """Beat, every NOTIFICATIONS_SWEEP_SECONDS: recover lost claims, write reminders, and
    queue every row that is due (quiet hours over, retry time reached, hand-over lost)."""
    recovered = claims.recover_stale()
    reminders = reminders_schedule()
    queued = _dispatch_due()
    return {"recovered": recovered, "reminders": reminders, "queued": queued}


def _dispatch_due() -> int:
    """Claim the rows that are due and queue them to the workers in batches."""
    return delivery.dispatch_due(
        send_batch=lambda ids, token: deliver_batch.apply_async((ids, token))
    )


@shared_task(name="notifications.lottery_draw_due", ignore_result=True)
def lottery_draw_due() -> int:
    """Beat: draw every lottery whose application period has ended (idempotent)."""
    return len(booking_services.lottery_draw_due())


@shared_task(name="notifications.lottery_lapse_expired", ignore_result=True)
def lottery_lapse_expired() -> int:
    """Beat: lapse lottery wins not confirmed in time and promote the waiting list."""
    return booking_services.lottery_lapse_expired()


@shared_task(name="notifications.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Daily: delete Idempotency-Key answers older than their time to live."""
    return purge_expired_keys()
