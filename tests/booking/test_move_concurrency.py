"""Moves at the same moment through the live server: parties swapping dates both ways never
overbook a date, never deadlock, and every date's counter equals its reservations' seats."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from booking.models import SEAT_HOLDING, Reservation
from events.models import Session
from tests.booking.concurrent_http import REQUEST_TIMEOUT, run_concurrently
from tests.factories import ProgramFactory, SessionFactory, another_date, book


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.API_THROTTLE_ENABLED = False


def seats_held(session: Session) -> int:
    held = Reservation.objects.filter(session=session, status__in=SEAT_HOLDING)
    return held.aggregate(n=Sum("seats"))["n"] or 0


@pytest.mark.django_db(transaction=True)
def test_parties_swapping_dates_at_once_never_overbook_or_deadlock(live_server):
    program = ProgramFactory()
    first = SessionFactory(program=program, capacity=6)
    second = another_date(first, capacity=6)
    moves = []
    for n in range(5):
        moves.append((book(first, email=f"a{n}@example.jp"), second))
        moves.append((book(second, email=f"b{n}@example.jp"), first))

    def move(http, item):
        result, to = item
        code = result.reservation.code
        response = http.post(
            f"{live_server.url}/api/v1/reservations/{code}/move/?token={result.token}",
            json={"session": to.pk},
            timeout=REQUEST_TIMEOUT,
        )
        return response.status_code, response.json().get("code")

    answers = run_concurrently(live_server.url, move, moves, threads=10)

    assert {status for status, _ in answers} <= {200, 409}, answers
    assert {code for status, code in answers if status == 409} <= {"session_full"}, answers
    moved = sum(status == 200 for status, _ in answers)
    assert moved >= 2  # each date had a seat free at the start
    for session in (first, second):
        session.refresh_from_db()
        assert session.seats_taken == seats_held(session) <= session.capacity
    assert Reservation.objects.filter(moves=1).count() == moved
