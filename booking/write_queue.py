"""The queue a process's bookings wait in before their transaction, on SQLite."""

from __future__ import annotations

import contextlib
import threading

from django.db import router, transaction

from booking.models import Reservation

# SQLite has one write lock per database file, and a connection that finds it taken sleeps in
# SQLite's busy handler (1, 2, 5, 10 ... 100 ms) before it looks again, however soon the lock
# came free: in a rush most of the list's joins waited out those sleeps (p99 5-6 x the
# closed-list rush's). The bookings of one process (gunicorn's threads) queue on this lock
# instead, and each begins the moment the one before it committed. Only a booking that opens
# its own transaction queues: one inside a caller's transaction may hold the write lock
# already, and must never wait for a booking that waits for that lock.
_SQLITE_WRITES = threading.Lock()


def bookings_queue() -> contextlib.AbstractContextManager:
    """The lock a booking's transaction waits for first (SQLite), or none.

    Also taken by an Idempotency-Key's transaction, which holds the booking it runs.
    """
    connection = transaction.get_connection(router.db_for_write(Reservation))
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        return _SQLITE_WRITES
    return contextlib.nullcontext()
