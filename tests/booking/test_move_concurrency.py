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


@pytest.mark.django_db(transaction=True)
def test_waiting_parties_moving_while_the_seats_they_wait_for_free_up(live_server):
    """Three holders of a full date cancel while the three parties waiting for it move to
    another date: a party is promoted or moves, never both; no request deadlocks; the counters
    of seats and of the waiting list equal the reservations; and nobody waits on a date with
    a seat free."""
    program = ProgramFactory()
    tuesday = SessionFactory(program=program, capacity=3)
    thursday = another_date(tuesday, capacity=3)
    holders = [book(tuesday, email=f"h{n}@example.jp") for n in range(3)]
    waiting = [book(tuesday, email=f"w{n}@example.jp") for n in range(3)]
    assert all(w.reservation.status == "waitlisted" for w in waiting)
    work = [("cancel", h) for h in holders] + [("move", w) for w in waiting]

    def act(http, item):
        what, result = item
        base = f"{live_server.url}/api/v1/reservations/{result.reservation.code}"
        if what == "cancel":
            response = http.post(
                f"{base}/cancel/?token={result.token}", json={}, timeout=REQUEST_TIMEOUT
            )
        else:
            response = http.post(
                f"{base}/move/?token={result.token}",
                json={"session": thursday.pk},
                timeout=REQUEST_TIMEOUT,
            )
        return what, response.status_code, response.json().get("code"), result.reservation.pk

    answers = run_concurrently(live_server.url, act, work, threads=6)

    assert all(status == 200 for what, status, _, _ in answers if what == "cancel"), answers
    moves = [(status, code, pk) for what, status, code, pk in answers if what == "move"]
    assert {status for status, _, _ in moves} <= {200, 409}, answers
    # Promoted before its move could lock the date: it holds a seat there, and is told so.
    assert {code for status, code, _ in moves if status == 409} <= {
        "session_full",
        "invalid_state",
    }, answers
    for status, code, pk in moves:
        held = Reservation.objects.get(pk=pk)
        if status == 200:
            assert (held.session_id, held.status) == (thursday.pk, "confirmed")
        elif code == "invalid_state":
            assert (held.session_id, held.status) == (tuesday.pk, "confirmed")
    for session in (tuesday, thursday):
        session.refresh_from_db()
        assert session.seats_taken == seats_held(session) <= session.capacity
        still_waiting = Reservation.objects.filter(session=session, status="waitlisted").count()
        assert session.waitlist_taken == still_waiting
        assert not (still_waiting and session.seats_taken < session.capacity)
    for w in waiting:
        w.reservation.refresh_from_db()
        assert w.reservation.status in ("confirmed", "waitlisted")
    assert Reservation.objects.filter(moves=1).count() == sum(s == 200 for s, _, _ in moves)
