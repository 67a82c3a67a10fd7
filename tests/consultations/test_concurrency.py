"""Fifty families asking for one slot at the same instant, on PostgreSQL: exactly one holds it.

Each thread books through the service with its own database connection, released together by
a barrier; the type's and counsellor's row locks decide, and the unique constraint would
refuse a second holder even if they did not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from consultations.models import Appointment, ConsultationType
from consultations.services import Family, appointment_book
from core.errors import AppError
from tests.consultations.conftest import NOW, at

THREADS = 50


def race(attempt: Callable[[int], object]) -> list[str]:
    """Run ``attempt(n)`` for n in range(THREADS), each in its own thread with its own database
    connection, released together; return each one's outcome: "booked" or the refusal's code."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            attempt(n)
            result = "booked"
        except AppError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def family(n: int) -> Family:
    return Family(f"家族{n}", f"family{n}@example.jp")


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_of_one_slot_give_one_appointment(require_postgres, kind):
    outcomes = race(
        lambda n: appointment_book(kind=kind, start=at(12, 10), family=family(n), now=NOW)
    )
    assert sorted(set(outcomes)) == ["booked", "slot_taken"]
    assert outcomes.count("booked") == 1
    assert len(outcomes) == THREADS
    assert Appointment.objects.filter(start=at(12, 10), status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_types_racing_for_overlapping_times_give_one_appointment(
    require_postgres, kind, facility, counsellor
):
    # 入園相談 at 10:40 (until 11:10, held to 11:20) and a 45-minute type at 10:45 overlap.
    longer = ConsultationType.objects.create(
        facility=facility, slug="hattatsu", title="発達相談", minutes=45, topics=[]
    )
    longer.counsellors.add(counsellor)

    def book(n: int) -> None:
        chosen, start = (kind, at(12, 10, 40)) if n % 2 else (longer, at(12, 10, 45))
        appointment_book(kind=chosen, start=start, family=family(n), now=NOW)

    outcomes = race(book)
    assert outcomes.count("booked") == 1
    assert set(outcomes) == {"booked", "slot_taken"}
    assert Appointment.objects.filter(counsellor=counsellor, status="booked").count() == 1
