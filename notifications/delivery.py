"""Deliver outbox rows: claim, render, send, mark; exactly once as the parent sees it.

States: ``pending`` -> ``sending`` (claimed) -> ``sent`` | ``failed`` | ``skipped``, and back to
``pending`` for a transient failure (with a later ``due_at``) or a claim left by a lost worker.

- A claim is one conditional UPDATE (``... WHERE status = 'pending'``), so of two workers, a
  retried task or a redelivered message, exactly one gets the row; on PostgreSQL the sweep
  picks its batch with ``SELECT ... FOR UPDATE SKIP LOCKED`` so sweeps never wait on each other.
- The sweep claims a batch for the queue (``claimed_by = "queued:<token>"``) before publishing
  it; the worker takes over only rows still held by that token. A lost message or a worker
  killed mid-send leaves rows in ``sending``; after ``NOTIFICATIONS_CLAIM_TIMEOUT`` (longer
  than a task may run) they go back to ``pending`` and are sent by a later sweep.
- The remaining window: a worker killed after the SMTP server accepted a message and before
  the row was marked sent will send it again. The Message-ID is the same on every attempt
  (``emails.message_id``), so such a resend is recognisable downstream.
- While it delivers, a worker's database session commits without waiting for the WAL flush
  (PostgreSQL ``synchronous_commit = off``, reset when the batch ends): a mark costs one round
  trip instead of waiting ~3 ms for the disk, once per email. A worker that dies loses nothing
  by it (the server has the commit); only a crash of the database server itself can lose the
  last fraction of a second of marks, whose emails would then go out again with the same
  Message-ID. Bookings and other writes keep the default.
"""

from __future__ import annotations

import logging
import random
import re
import smtplib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.db import connection as db_connection
from django.utils import timezone

from booking.addresses import receives_email
from notifications import emails
from notifications.claims import (
    PENDING,
    SENDING,
    claim,
    claim_for_queue,
    claimer_id,
    delivery_session,
    finish,
    release,
    stale_reason,
    take_over,
    with_related,
)
from notifications.models import Notification, NotificationStatus
from notifications.services import SECRET_PAYLOAD_KEYS

logger = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The message can never be delivered as it is (bad address, refused for good)."""


def classify(exc: Exception) -> tuple[bool, str]:
    """Return (permanent, reason) for an error raised while sending."""
    if isinstance(exc, PermanentFailure):
        return True, str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refusals = list(exc.recipients.values())
        permanent = bool(refusals) and all(500 <= code < 600 for code, _msg in refusals)
        reason = "; ".join(f"recipient refused: {code} {_text(msg)}" for code, msg in refusals)
        return permanent, reason or "recipient refused"
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        # The site's sender or credentials: fix the configuration, then the retry goes out.
        return False, f"{exc.__class__.__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return 500 <= code < 600, f"{exc.__class__.__name__}: {code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return False, f"{exc.__class__.__name__}: {exc}"
    return False, f"{exc.__class__.__name__}: {exc}"


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class Mailer:
    """One mail connection for a run of messages, opened lazily and reopened after an error.

    With Django's own SMTP backend, a message goes straight to its open SMTP connection, as
    the backend's ``_send`` would send it, but with the envelope addresses worked out once per
    address (a facility's sender repeats over a batch); any other backend is used as it is.
    """

    def __init__(self) -> None:
        self.connection = None

    def send(self, message) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        message.connection = self.connection
        try:
            if type(self.connection) is SMTPBackend and self.connection.connection is not None:
                sent = self._sendmail(message)
            else:
                sent = self.connection.send_messages([message])
        except Exception:
            self.close()
            raise
        if not sent:
            self.close()
            raise smtplib.SMTPException("the mail backend sent nothing")

    def _sendmail(self, message) -> bool:
        recipients = message.recipients()
        if not recipients:
            return False
        encoding = message.encoding or settings.DEFAULT_CHARSET
        self.connection.connection.sendmail(
            _envelope_address(message.from_email, encoding),
            [_envelope_address(address, encoding) for address in recipients],
            message.message().as_bytes(linesep="\r\n"),
        )
        return True

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # the server may already have dropped us
                logger.debug("closing the mail connection failed", exc_info=True)
            self.connection = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# A plain address (what validate_email lets through, lower-case domain) is its own envelope
# form; parsing it again costs more than the rest of the SMTP exchange's Python.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+\Z")


def _envelope_address(address: str, encoding: str) -> str:
    """Return an address as Django's SMTP backend gives it to smtplib (``sanitize_address``)."""
    if PLAIN_ADDRESS.match(address):
        return address
    return _sanitized_address(address, encoding)


@lru_cache(maxsize=256)
def _sanitized_address(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with a little jitter: base, 2 x base, 4 x base ... up to the cap."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    delay = min(base * (2 ** max(attempts - 1, 0)), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return timedelta(seconds=delay * random.uniform(1.0, 1.1))


def _retry_later(notification: Notification, claimed_by: str, reason: str, now: datetime) -> str:
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.FAILED,
            error=f"gave up after {notification.attempts} attempts: {reason}",
            payload=notification.payload,
        )
        return "failed"
    Notification.objects.filter(pk=notification.pk, status=SENDING, claimed_by=claimed_by).update(
        status=PENDING,
        due_at=now + retry_delay(notification.attempts),
        claimed_at=None,
        claimed_by="",
        last_error=f"attempt {notification.attempts}: {reason}"[:2000],
    )
    return "retry"


def deliver_claimed(
    notification: Notification,
    *,
    claimed_by: str,
    mailer: Mailer,
    renderer: emails.Renderer | None = None,
) -> str:
    """Send a row this caller has claimed and record the outcome; return it as a word.

    ``renderer`` is the batch's (what the rows share is rendered once); a new one otherwise.
    """
    now = timezone.now()
    renderer = renderer or emails.Renderer()
    reason = stale_reason(notification, now=now, renderer=renderer)
    if reason:
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.SKIPPED,
            error=reason,
            payload=notification.payload,
        )
        return "skipped"
    try:
        validate_email(notification.to_email)
    except ValidationError:
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.FAILED,
            error="invalid recipient address",
            payload=notification.payload,
        )
        return "failed"
    if not receives_email(notification.to_email):
        # A placeholder (a party booked without an address, or erased): nobody to write to.
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.SKIPPED,
            error="no email address",
            payload=notification.payload,
        )
        return "skipped"
    try:
        message = renderer.message(notification, now=now)
    except Exception as exc:  # a template or data problem: retrying will not help
        logger.exception("notification %s could not be rendered", notification.pk)
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.FAILED,
            error=f"could not render: {exc.__class__.__name__}: {exc}",
            payload=notification.payload,
        )
        return "failed"
    try:
        mailer.send(message)
    except Exception as exc:
        permanent, why = classify(exc)
        if permanent:
            finish(
                notification.pk,
                claimed_by,
                NotificationStatus.FAILED,
                error=why,
                payload=notification.payload,
            )
            return "failed"
        logger.warning("notification %s: transient failure: %s", notification.pk, why)
        return _retry_later(notification, claimed_by, why, now)
    message_id = message.extra_headers["Message-ID"]
    if SECRET_PAYLOAD_KEYS & notification.payload.keys():
        finish(
            notification.pk,
            claimed_by,
            NotificationStatus.SENT,
            payload=notification.payload,
            sent_at=timezone.now(),
            message_id=message_id,
        )
    else:
        _mark_sent(notification.pk, claimed_by, message_id)
    return "sent"


def _mark_sent(notification_id: int, claimed_by: str, message_id: str) -> None:
    """The hot path's one write per email, as plain SQL (the ORM would cost more than it)."""
    table = db_connection.ops.quote_name(Notification._meta.db_table)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, message_id = %s, last_error = '' "
            "WHERE id = %s AND status = %s AND claimed_by = %s",
            [
                NotificationStatus.SENT.value,
                timezone.now(),
                message_id,
                notification_id,
                SENDING.value,
                claimed_by,
            ],
        )
        if cursor.rowcount != 1:
            logger.warning("notification %s: claim lost before it was marked sent", notification_id)


def _load(ids: Iterable[int], claimed_by: str) -> list[Notification]:
    """Return the rows among ``ids`` that this claimer holds, in due order."""
    held = Notification.objects.filter(pk__in=list(ids), status=SENDING, claimed_by=claimed_by)
    return list(with_related(held).order_by("due_at", "id"))


def deliver_one(notification_id: int) -> str:
    """Claim and send one row if it is still pending and due (the task run after commit)."""
    me = claimer_id()
    with delivery_session():
        if not claim(notification_id, by=me):
            return "not claimed"
        rows = _load([notification_id], me)
        with Mailer() as mailer:
            return deliver_claimed(rows[0], claimed_by=me, mailer=mailer) if rows else "not claimed"


def deliver_batch(ids: list[int], *, token: str) -> dict[str, int]:
    """Send the rows a sweep queued under ``token``, over one mail connection."""
    me = claimer_id()
    outcome: Counter[str] = Counter()
    renderer = emails.Renderer()
    with delivery_session(), Mailer() as mailer:
        if not take_over(ids, token=token, by=me):
            return {}
        for notification in _load(ids, me):
            result = deliver_claimed(notification, claimed_by=me, mailer=mailer, renderer=renderer)
            outcome[result] += 1
    return dict(outcome)


def dispatch_due(
    *,
    send_batch: Callable[[list[int], str], object],
    now: datetime | None = None,
    limit: int | None = None,
) -> int:
    """Claim due rows in batches and hand each batch to ``send_batch(ids, token)``.

    A batch that cannot be handed over (broker down) is released for the next sweep.
    Return how many rows were handed over.
    """
    size = settings.NOTIFICATIONS_BATCH_SIZE
    total = 0
    while limit is None or total < limit:
        token = f"queued:{uuid.uuid4().hex}"
        ids = claim_for_queue(token=token, size=size, now=now)
        if not ids:
            break
        try:
            send_batch(ids, token)
        except Exception:
            release(ids, token=token)
            logger.warning("could not queue a batch of notifications", exc_info=True)
            break
        total += len(ids)
    return total
