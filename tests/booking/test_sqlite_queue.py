"""On SQLite the bookings of a process queue before their transaction (issue 20), but a booking
made inside a caller's transaction, which holds the database's write lock already, must not
wait in that queue behind a booking that waits for the lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from booking.idempotency import run_idempotent
from booking.models import Reservation, ReservationStatus
from booking.write_queue import bookings_queue
from tests.factories import SessionFactory, book

# PostgreSQL has no such queue; the same two bookings must complete there too.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_booking_inside_a_transaction_does_not_wait_behind_the_queue():
    session = SessionFactory(capacity=10)
    errors: list[BaseException] = []

    def queued_booking() -> None:
        try:
            book(session, email="queued@example.jp")
        except BaseException as exc:  # noqa: BLE001 - checked in the test thread
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():  # BEGIN IMMEDIATE: this thread holds the write lock
        other = threading.Thread(target=queued_booking, daemon=True)
        other.start()
        # Let the other booking enter the queue and wait for the write lock held here. Had it
        # not got that far yet, the test would pass without showing anything, never fail.
        time.sleep(0.5)
        # Queued behind it, this booking would wait for a lock its own transaction holds,
        # until the other gave up ("database is locked", after SQLite's 30 s timeout).
        book(session, email="inside@example.jp")
    other.join()

    assert errors == []
    assert set(Reservation.objects.filter(session=session).values_list("email", "status")) == {
        ("queued@example.jp", ReservationStatus.CONFIRMED),
        ("inside@example.jp", ReservationStatus.CONFIRMED),
    }


def test_a_booking_with_an_idempotency_key_waits_in_the_queue_on_sqlite():
    """The key's transaction holds the booking, so it is the one that queues (on SQLite): a
    booking sent while the queue is taken starts only when it is free."""
    session = SessionFactory(capacity=10)
    done = threading.Event()
    errors: list[BaseException] = []

    def idempotent_booking() -> None:
        try:
            run_idempotent(
                scope="reservation_create",
                key="queue-key",
                payload={"email": "keyed@example.jp"},
                handler=lambda: (
                    201,
                    {"code": book(session, email="keyed@example.jp").reservation.code},
                ),
            )
        except BaseException as exc:  # noqa: BLE001 - checked in the test thread
            errors.append(exc)
        finally:
            done.set()
            connection.close()

    queue = bookings_queue()
    with queue:  # another booking of this process is writing
        other = threading.Thread(target=idempotent_booking, daemon=True)
        other.start()
        waited = not done.wait(0.5)
    other.join(timeout=30)

    assert errors == []
    assert done.is_set()
    # PostgreSQL has no queue (the context is empty), and the booking never waits for it.
    assert waited == (connection.vendor == "sqlite")
    assert Reservation.objects.filter(session=session, email="keyed@example.jp").count() == 1
