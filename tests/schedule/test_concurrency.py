"""Two managers publish the same slot at the same moment (real threads, PostgreSQL): the
facility's lock makes the second see the first one's sessions, so no slot is published twice."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from django.db import connection

from core.errors import AppValidationError
from events.models import Session
from schedule.services import SeriesPattern, series_publish
from tests.factories import FacilityFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_slot_published_twice_at_once_is_created_once(require_postgres):
    facility, program = FacilityFactory(slug="ribbon"), ProgramFactory(slug="fureai")
    pattern = SeriesPattern(
        program=program,
        facility=facility,
        weekdays=[2, 4],
        start_time=time(10),
        end_time=time(11),
        first_date=date(2027, 4, 1),
        last_date=date(2027, 4, 30),
        capacity=15,
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        try:
            barrier.wait(timeout=10)
            _series, sessions = series_publish(pattern)
            outcomes.append(f"published {len(sessions)}")
        except AppValidationError:
            outcomes.append("nothing left")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["nothing left", "published 8"]
    starts = list(Session.objects.values_list("start", flat=True))
    assert len(starts) == len(set(starts)) == 8
