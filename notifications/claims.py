"""Who sends a row: claims (``pending`` -> ``sending``, by one worker at a time), hand-overs to
queued batches, and the recovery of claims a lost worker left.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from booking.models import ReservationStatus
from events.models import Course, Session
from notifications import emails
from notifications.kinds import stale_check_for
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import NOTICE_STATUSES, SECRET_PAYLOAD_KEYS, scrub_payload

logger = logging.getLogger("notifications.delivery")
PENDING = NotificationStatus.PENDING


SENDING = NotificationStatus.SENDING


def with_related(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """Load rows with what their emails show: the reservation with each row, and each session
    or course (with its programme and facility) once for the rows that share it."""
    return rows.select_related("reservation").prefetch_related(
        Prefetch(
            "reservation__session", queryset=Session.objects.select_related("program", "facility")
        ),
        Prefetch(
            "reservation__course", queryset=Course.objects.select_related("program", "facility")
        ),
    )


@contextmanager
def delivery_session():
    """Let this database session commit claims and marks without waiting for the WAL flush."""
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def claimer_id() -> str:
    """Return a name for one claim: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(notification_id: int, *, by: str | None = None, now: datetime | None = None) -> bool:
    """Claim one due pending row for sending; return whether this caller got it."""
    now = now or timezone.now()
    updated = Notification.objects.filter(
        pk=notification_id, status=PENDING, due_at__lte=now
    ).update(
        status=SENDING,
        claimed_at=now,
        claimed_by=by or claimer_id(),
        attempts=F("attempts") + 1,
    )
    return updated == 1


def claim_for_queue(*, token: str, size: int, now: datetime | None = None) -> list[int]:
    """Claim up to ``size`` due pending rows for one queued batch; return their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Notification.objects.filter(status=PENDING, due_at__lte=now).order_by("due_at", "id")
        if db_connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids, status=PENDING).update(
            status=SENDING, claimed_at=timezone.now(), claimed_by=token
        )
    return list(
        Notification.objects.filter(pk__in=ids, status=SENDING, claimed_by=token)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )


def take_over(ids: Iterable[int], *, token: str, by: str) -> int:
    """Move rows claimed for the queue under ``token`` to this worker; return how many."""
    return Notification.objects.filter(pk__in=list(ids), status=SENDING, claimed_by=token).update(
        claimed_by=by, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )


def release(ids: Iterable[int], *, token: str) -> int:
    """Give rows claimed for a batch that could not be queued back to the sweep."""
    return Notification.objects.filter(pk__in=list(ids), status=SENDING, claimed_by=token).update(
        status=PENDING, claimed_at=None, claimed_by=""
    )


def recover_stale(*, now: datetime | None = None) -> int:
    """Return rows whose claim outlived the timeout to ``pending`` (or fail them for good)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)
    stale = Notification.objects.filter(status=SENDING, claimed_at__lt=cutoff)
    for row in stale.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).only(
        "pk", "payload", "claimed_by"
    ):
        finish(
            row.pk,
            row.claimed_by,
            NotificationStatus.FAILED,
            error=f"gave up: the worker was lost during {settings.NOTIFICATIONS_MAX_ATTEMPTS} "
            "attempts",
            payload=row.payload,
        )
    return stale.filter(attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(
        status=PENDING,
        claimed_at=None,
        claimed_by="",
        last_error="claim expired (worker lost); sent again",
    )


def stale_reason(
    notification: Notification, *, now: datetime, renderer: emails.Renderer | None = None
) -> str:
    """Return why a row should not be sent any more, or "" to send it."""
    kind = notification.kind
    check = stale_check_for(kind)  # a kind of a higher app (notifications.kinds)
    if check is not None:
        return check(notification, now)
    reservation = notification.reservation
    if reservation is None:
        return ""
    status = reservation.status
    if kind == NotificationKind.REMINDER:
        session = emails.focus_session(notification, [])
        if status != ReservationStatus.CONFIRMED:
            return f"reservation is {status}"
        if session is None or session.is_cancelled:
            return "session cancelled"
        if reservation.session_id and session.pk != reservation.session_id:
            return "reservation moved to another date; its reminders are scheduled again"
        if _payload_time(notification.payload.get("start")) != session.start:
            return "session moved; a reminder for the new time is scheduled"
        if now >= session.start:
            return "session already started"
        return ""
    if kind == NotificationKind.SESSION_NOTICE:
        return "" if status in NOTICE_STATUSES else f"reservation is {status}"
    expected = {
        NotificationKind.PROMOTED: (ReservationStatus.CONFIRMED,),
        NotificationKind.WAITLISTED: (ReservationStatus.WAITLISTED,),
        NotificationKind.LOTTERY_WON: (ReservationStatus.WON,),
        NotificationKind.LOTTERY_NOT_DRAWN: (ReservationStatus.WAITLISTED,),
    }.get(kind)
    if expected is None:
        return ""
    if status not in expected:
        return f"news out of date: reservation is now {status}"
    sessions = (renderer or emails.Renderer()).sessions_of(reservation)
    if sessions and now >= sessions[0].start:
        return "session already started"
    deadline = reservation.confirm_by
    if kind == NotificationKind.LOTTERY_WON and deadline and now > deadline:
        return "confirmation deadline passed"
    return ""


def _payload_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def finish(
    notification_id: int,
    claimed_by: str,
    status: str,
    *,
    error: str = "",
    payload: dict | None = None,
    **fields,
) -> bool:
    """Move a claimed row to a final state, if this claimer still holds it."""
    values = {"status": status, "last_error": error[:2000], **fields}
    if payload is not None and SECRET_PAYLOAD_KEYS & payload.keys():
        values["payload"] = scrub_payload(payload)
    updated = Notification.objects.filter(
        pk=notification_id, status=SENDING, claimed_by=claimed_by
    ).update(**values)
    if not updated:
        logger.warning(
            "notification %s: claim lost before it was marked %s", notification_id, status
        )
    return bool(updated)
