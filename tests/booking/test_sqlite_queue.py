"""On SQLite the bookings of a process queue before their transaction (issue 20), but a booking
made inside a caller's transaction, which holds the database's write lock already, must not
wait in that queue behind a booking that waits for the lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from booking.models import Reservation, ReservationStatus
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
