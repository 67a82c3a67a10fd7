"""Idempotency-Key handling: a retry with the same key and body replays the first answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import IdempotencyKey
from booking.write_queue import bookings_queue
from core.errors import AppError, AppValidationError

Outcome = tuple[int, dict[str, Any]]


def request_fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_idempotent(
    *, scope: str, key: str, payload: Any, handler: Callable[[], Outcome]
) -> tuple[int, dict[str, Any], bool]:
    """Run ``handler`` once per (scope, key); return (status, body, replayed).

    The key row is written in the same transaction as whatever the handler writes, so a
    concurrent retry either sees the committed first answer or waits for it.
    """
    key = key.strip()
    if not usable_key(key):
        raise AppValidationError(
            {"Idempotency-Key": [_("Use a key of 1 to 255 visible ASCII characters, a UUID say.")]}
        )
    fingerprint = request_fingerprint(payload)
    stored = _fresh(scope, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    # An expired key may be reused; a fresh one written meanwhile by a concurrent retry is not
    # touched (the insert below then conflicts and that first answer is replayed).
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    IdempotencyKey.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
    try:
        with bookings_queue(), transaction.atomic():
            status, body = handler()
            IdempotencyKey.objects.create(
                scope=scope,
                key=key,
                request_hash=fingerprint,
                response_status=status,
                response_body=body,
            )
    except IntegrityError:
        stored = _fresh(scope, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return status, body, False


def usable_key(key: str) -> bool:
    """1 to 255 visible ASCII characters: a header's control bytes (NUL, which PostgreSQL's
    text refuses) or a letter another client's software may encode otherwise are refused."""
    return 0 < len(key) <= 255 and key.isascii() and key.isprintable()


def succeeded_before(*, scope: str, key: str | None, payload: Any) -> bool:
    """Whether this key already holds a successful answer to this very request (a replay)."""
    if key is None or not usable_key(key.strip()):
        return False  # the request itself then refuses the key
    stored = _fresh(scope, key.strip())
    return (
        stored is not None
        and 200 <= stored.response_status < 300
        and stored.request_hash == request_fingerprint(payload)
    )


def _fresh(scope: str, key: str) -> IdempotencyKey | None:
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    return IdempotencyKey.objects.filter(scope=scope, key=key, created_at__gte=cutoff).first()


def _replay(stored: IdempotencyKey, fingerprint: str) -> tuple[int, dict[str, Any], bool]:
    if stored.request_hash != fingerprint:
        raise AppError("idempotency_key_reused", status_code=422)
    return stored.response_status, stored.response_body, True


def purge_expired_keys() -> int:
    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
