"""The outbox: a row per email, written in the transaction of the change it tells of, handed to
a worker after the commit (at most once per NOTIFICATIONS_KICK_SECONDS), retried with backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.models import Reservation
from core.languages import supported_language
from events.models import Facility
from notifications.models import Notification, NotificationKind, NotificationStatus

logger = logging.getLogger(__name__)


# Waiting-list news and reminders wait for the end of the facility's quiet hours.
QUIET_KINDS = frozenset(
    {
        NotificationKind.REMINDER,
        NotificationKind.WAITLISTED,
        NotificationKind.PROMOTED,
        NotificationKind.LOTTERY_WON,
        NotificationKind.LOTTERY_NOT_DRAWN,
    }
)


# Payload keys that hold capability URLs; they leave the row once it is sent or given up.
SECRET_PAYLOAD_KEYS = frozenset(
    {"manage_url", "feed_url", "webcal_url", "stop_url", "link_url", "links"}
)


def notification_row(
    *,
    kind: str,
    to_email: str,
    language: str = "ja",
    payload: dict | None = None,
    reservation: Reservation | None = None,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> Notification:
    """Return the outbox row of one email, not yet written."""
    return Notification(
        kind=kind,
        to_email=to_email.strip(),
        language=supported_language(language),
        payload=payload or {},
        reservation=reservation,
        due_at=due_at or now or timezone.now(),
        dedupe_key=dedupe_key or None,
    )


def notification_enqueue(*, first_of_reservation: bool = False, **fields: Any) -> Notification:
    """Write an outbox row (``fields``: those of ``notification_row``); with a ``dedupe_key``
    already used, return that row instead.

    A row due now is handed to a worker when the surrounding transaction commits.
    ``first_of_reservation``: the reservation was inserted by the calling transaction, so no
    other row can hold its key yet; the look-up and the savepoint (three round trips while
    the session row is locked) are skipped, and the unique key still guards the table.
    """
    now = timezone.now()
    notification = notification_row(**fields, now=now)
    if notification.dedupe_key and not first_of_reservation:
        existing = Notification.objects.filter(dedupe_key=notification.dedupe_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            # Another transaction wrote the same key between our read and our insert.
            return Notification.objects.get(dedupe_key=notification.dedupe_key)
    else:
        notification.save(force_insert=True)
    notification_kick_if_due(notification, now)
    return notification


def notification_kick_if_due(notification: Notification, now: datetime) -> None:
    """Hand a row written by this transaction to a worker after commit, if it is due now."""
    if notification.due_at <= now:
        kick_on_commit(notification.pk)


def kick_on_commit(notification_id: int) -> None:
    """After commit, ask a worker to deliver the row soon; if that fails the sweep will."""
    transaction.on_commit(lambda: _kick(notification_id))


# One hand-over per web process per NOTIFICATIONS_KICK_SECONDS: the first commit of a window
# queues ``deliver_due_now`` to run when the window ends, and it delivers every row due by then,
# so the commits that fall in the window need no message of their own. A message costs the
# request ~1.2 ms of CPU, as much as the booking's own inserts; in a rush of bookings this
# turns dozens of them into a handful.
_kick_lock = threading.Lock()


_kick_window_ends = 0.0


def _kick(notification_id: int) -> None:
    # Imported here because notifications.tasks imports these services: a cycle inside this
    # app (at import time, tasks -> delivery -> services would find this module half made).
    from notifications.tasks import deliver_due_now, deliver_notification

    global _kick_window_ends
    delay = settings.NOTIFICATIONS_KICK_SECONDS
    try:
        # No publish retries: a broker outage must not slow the request that booked the
        # seat, and the row is already safe in the database for the sweep.
        if settings.CELERY_TASK_ALWAYS_EAGER or delay <= 0:
            deliver_notification.apply_async((notification_id,), retry=False)
            return
        with _kick_lock:
            now = time.monotonic()
            if now < _kick_window_ends:
                return  # this row committed before the queued delivery's window ends
            _kick_window_ends = now + delay
        deliver_due_now.apply_async(countdown=delay, retry=False)
    except Exception:  # the broker is down or refused the message
        logger.warning(
            "notification %s not handed to a worker; the sweep will deliver it",
            notification_id,
            exc_info=True,
        )


def scrub_payload(payload: dict) -> dict:
    """Return the payload without the capability URLs it held (and a note that it did)."""
    kept = {key: value for key, value in payload.items() if key not in SECRET_PAYLOAD_KEYS}
    if len(kept) != len(payload):
        kept["links_removed"] = True
    return kept


def notification_retry(notification: Notification) -> bool:
    """Send a failed or skipped row again (staff action); return whether it was requeued.

    A row whose only content was a link that has since been removed (a feed or "my
    reservations" link) is not sent again: the parent asks for a new link instead. A
    reservation email is sent again without its manage link, quoting the code instead.
    """
    if notification.reservation_id is None and notification.payload.get("links_removed"):
        return False
    updated = Notification.objects.filter(
        pk=notification.pk, status__in=[NotificationStatus.FAILED, NotificationStatus.SKIPPED]
    ).update(
        status=NotificationStatus.PENDING,
        due_at=timezone.now(),
        attempts=0,
        claimed_at=None,
        claimed_by="",
    )
    if updated:
        kick_on_commit(notification.pk)
    return bool(updated)


def quiet_hours_end_after(when: datetime, facility: Facility) -> datetime:
    """Return ``when``, or the end of the facility's quiet hours if ``when`` falls in them.

    Quiet hours are wall-clock times in the project's time zone (Asia/Tokyo) and may span
    midnight (21:00-07:00). Equal start and end mean no quiet hours.
    """
    start, end = facility.quiet_hours_start, facility.quiet_hours_end
    if start == end:
        return when
    local = timezone.localtime(when)
    clock = local.time()
    tz = local.tzinfo

    def at_end(day) -> datetime:
        return datetime.combine(day, end).replace(tzinfo=tz)

    if start > end:  # spans midnight
        if clock >= start:
            return at_end(local.date() + timedelta(days=1))
        if clock < end:
            return at_end(local.date())
        return when
    if start <= clock < end:
        return at_end(local.date())
    return when
