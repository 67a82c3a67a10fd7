"""Real concurrent HTTP requests against a live server: a session is never overbooked.

Threads post bookings, then cancellations, at the same time through the public API, served by
pytest-django's threaded live server (every request thread has its own database connection).
The outcome is checked against the database and, for the waiting list, against a sequential
model: after each cancellation, waiting parties are promoted in order as far as seats allow,
and a party that does not fit is skipped and keeps its place.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests

from booking.models import ReservationStatus
from tests.booking.concurrent_http import (
    REQUEST_TIMEOUT,
    cancel_and_check_promotions,
    check_rush,
    first_come_session,
    promotions,
    run_concurrently,
    rush,
    rush_parties,
)
from tests.conftest import is_postgres
from tests.factories import book


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Every request comes from 127.0.0.1: the per-IP limits would refuse most of a rush."""
    settings.API_THROTTLE_ENABLED = False


def test_rush_on_postgres_never_overbooks_and_promotes_the_waiting_list_in_order(
    require_postgres, live_server
):
    session = first_come_session(capacity=20, waitlist=True)
    parties = rush_parties(150, duplicates=10, seed="pg-rush")

    answers = rush(live_server.url, session, parties)

    check_rush(live_server.url, session, answers, waitlist=True)
    assert Counter(a.outcome for a in answers)["duplicate_reservation"] == 10
    cancel_and_check_promotions(live_server.url, session, answers)


# With the waiting list on, the rush is the PostgreSQL test above; on another engine (SQLite
# in the first CI run) it runs here. Chosen at collection, so that no run skips it.
@pytest.mark.parametrize(
    "waitlist",
    [False] if is_postgres() else [False, True],
    ids=lambda waitlist: "waitlist-on" if waitlist else "waitlist-off",
)
def test_rush_never_overbooks_on_the_configured_engine(live_server, waitlist):
    """Runs on SQLite (threaded server, IMMEDIATE transactions) and on PostgreSQL."""
    session = first_come_session(capacity=20, waitlist=waitlist)
    parties = rush_parties(150, duplicates=10, seed=f"rush-{waitlist}")

    answers = rush(live_server.url, session, parties)

    check_rush(live_server.url, session, answers, waitlist=waitlist)
    if waitlist:
        assert Counter(a.outcome for a in answers)["duplicate_reservation"] == 10
        cancel_and_check_promotions(live_server.url, session, answers)
    else:
        assert Counter(a.outcome for a in answers)["session_full"] > 0


def test_concurrent_cancellations_skip_a_party_too_large_and_keep_its_place(live_server):
    session = first_come_session(capacity=6, waitlist=True)
    holders = [book(session, email=f"holder{i}@example.jp", adults=2) for i in range(3)]
    big = book(session, email="big@example.jp", adults=2, children=3)
    first_small = book(session, email="small1@example.jp", adults=1)
    pair = book(session, email="pair@example.jp", adults=2)
    second_small = book(session, email="small2@example.jp", adults=1)
    assert [r.position for r in (big, first_small, pair, second_small)] == [1, 2, 3, 4]

    def cancel(http: requests.Session, holder) -> int:
        return http.post(
            f"{live_server.url}/api/v1/reservations/{holder.reservation.code}/cancel/",
            headers={"X-Reservation-Token": holder.token},
            timeout=REQUEST_TIMEOUT,
        ).status_code

    assert run_concurrently(live_server.url, cancel, holders, threads=3) == [200, 200, 200]

    # Each cancellation frees 2 seats. The first promotes both single parents past the party
    # of 5 and the pair; the second promotes the pair; the third finds nobody who fits.
    session.refresh_from_db()
    assert promotions(session) == [
        first_small.reservation.pk,
        second_small.reservation.pk,
        pair.reservation.pk,
    ]
    assert session.seats_taken == 4
    big.reservation.refresh_from_db()
    assert big.reservation.status == ReservationStatus.WAITLISTED
    with requests.Session() as http:
        http.trust_env = False
        response = http.get(
            f"{live_server.url}/api/v1/reservations/{big.reservation.code}/",
            params={"token": big.token},
            timeout=REQUEST_TIMEOUT,
        )
    assert response.status_code == 200
    assert response.json()["status"] == "waitlisted" and response.json()["position"] == 1
