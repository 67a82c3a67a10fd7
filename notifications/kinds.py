"""Outbox kinds rendered by a higher app: a registry filled in that app's ``ready()``.

The consultations app sits above notifications, so the outbox cannot import it; it registers
a function that builds the ``Rendered`` email of each of its kinds (``appointment_*``), and the
renderer calls it instead of the reservation templates. Everything else (claim, retry, MIME,
the scrubbing of capability links) stays the same for these rows.
"""

from __future__ import annotations

from collections.abc import Callable

BUILDERS: dict[str, Callable] = {}
# stale(notification, now) -> "" to send, or why the row is out of date (skipped at delivery).
STALE_CHECKS: dict[str, Callable] = {}


def register_kind(kind: str, build: Callable, stale: Callable | None = None) -> None:
    """Register ``build(notification, now) -> Rendered`` for an outbox kind (idempotent), and
    optionally ``stale(notification, now) -> str``: why such a row should no longer be sent
    (a reminder of an appointment cancelled or moved), "" to send it."""
    BUILDERS[kind] = build
    if stale is not None:
        STALE_CHECKS[kind] = stale


def builder_for(kind: str) -> Callable | None:
    return BUILDERS.get(kind)


def stale_check_for(kind: str) -> Callable | None:
    return STALE_CHECKS.get(kind)


__all__ = ["BUILDERS", "STALE_CHECKS", "builder_for", "register_kind", "stale_check_for"]
