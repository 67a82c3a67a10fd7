"""Outbox kinds rendered by a higher app: a registry filled in that app's ``ready()``.

The consultations app sits above notifications, so the outbox cannot import it; it registers
a function that builds the ``Rendered`` email of each of its kinds (``appointment_*``), and the
renderer calls it instead of the reservation templates. Everything else (claim, retry, MIME,
the scrubbing of capability links) stays the same for these rows.
"""

from __future__ import annotations

from collections.abc import Callable

BUILDERS: dict[str, Callable] = {}


def register_kind(kind: str, build: Callable) -> None:
    """Register ``build(notification, now) -> Rendered`` for an outbox kind (idempotent)."""
    BUILDERS[kind] = build


def builder_for(kind: str) -> Callable | None:
    return BUILDERS.get(kind)


__all__ = ["BUILDERS", "builder_for", "register_kind"]
