"""Real concurrent HTTP requests against a live server, for the rush tests of a session.

Threads released together post bookings, then cancellations, through the public API; the
answers are checked against the database and, for the waiting list, against a sequential
model: after each cancellation, waiting parties are promoted in order as far as seats allow,
and a party that does not fit is skipped and keeps its place.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from booking.models import Reservation, ReservationHistory, ReservationStatus
from events.models import Session
from tests.factories import ProgramFactory, SessionFactory

REQUEST_TIMEOUT = 30  # seconds; a request that hangs fails the test instead of blocking it
THREADS = 32


@dataclass(frozen=True)
class Party:
    email: str
    adults: int
    children: int

    @property
    def seats(self) -> int:
        return self.adults + self.children  # the programmes below count adults and children


@dataclass(frozen=True)
class Answer:
    party: Party
    status: int
    body: dict[str, Any]

    @property
    def outcome(self) -> str:
        """Return "confirmed", "waitlisted" or the error code of a refusal."""
        return self.body.get("status", "") if self.status == 201 else self.body.get("code", "")


def open_connections(base_url: str, count: int) -> list[requests.Session]:
    """Open ``count`` keep-alive HTTP connections to the server, one after the other.

    The test server listens with a backlog of 10 (Django's WSGIServer), and 32 connections
    opened in the same instant overflow it and get reset. Opened beforehand, the burst is
    real all the same: every thread has a request in flight at once, each served by its own
    server thread with its own database connection. Never through a proxy: loopback only.
    """
    clients = []
    for _ in range(count):
        http = requests.Session()
        http.trust_env = False
        response = http.get(f"{base_url}/api/v1/ping/", timeout=REQUEST_TIMEOUT)
        assert response.status_code == 200, response.text
        clients.append(http)
    return clients


def run_concurrently(
    base_url: str, work: Callable[[requests.Session, Any], Any], items: Sequence, *, threads
) -> list[Any]:
    """Run ``work(http, item)`` for every item from ``threads`` threads released together.

    Return the results in the order of the items.
    """
    threads = min(threads, len(items))
    results: list[Any] = [None] * len(items)
    errors: list[BaseException] = []
    lock = threading.Lock()
    pending = iter(range(len(items)))
    start = threading.Barrier(threads)

    def worker(http: requests.Session) -> None:
        try:
            start.wait(timeout=REQUEST_TIMEOUT)
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                results[index] = work(http, items[index])
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)
        finally:
            http.close()

    workers = [
        threading.Thread(target=worker, args=(http,), daemon=True)
        for http in open_connections(base_url, threads)
    ]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if errors:
        raise errors[0]
    return results


def rush_parties(count: int, *, duplicates: int = 0, seed: str) -> list[Party]:
    """Parties of 1 to 5 seats with their own emails; ``duplicates`` emails are sent twice."""
    rng = random.Random(seed)
    parties = [
        Party(
            email=f"{seed}-{index}@example.jp",
            adults=rng.choice([1, 1, 2]),
            children=rng.choice([0, 0, 1, 2, 3]),
        )
        for index in range(count)
    ]
    parties += [Party(p.email, adults=1, children=0) for p in parties[:duplicates]]
    rng.shuffle(parties)
    return parties


def book_over_http(base_url: str, session: Session) -> Callable[[requests.Session, Party], Answer]:
    def post(http: requests.Session, party: Party) -> Answer:
        response = http.post(
            f"{base_url}/api/v1/reservations/",
            json={
                "session": session.pk,
                "name": "山田 花子",
                "email": party.email,
                "adults": party.adults,
                "children": party.children,
            },
            timeout=REQUEST_TIMEOUT,
        )
        return Answer(party, response.status_code, response.json())

    return post


def positions_over_http(base_url: str, answers: list[Answer]) -> dict[str, int | None]:
    """Ask the API, as each holder would, for the reservation's place on the waiting list."""

    def get(http: requests.Session, answer: Answer) -> tuple[str, int | None]:
        code = answer.body["code"]
        response = http.get(
            f"{base_url}/api/v1/reservations/{code}/",
            params={"token": answer.body["token"]},
            timeout=REQUEST_TIMEOUT,
        )
        assert response.status_code == 200, response.text
        return code, response.json()["position"]

    return dict(run_concurrently(base_url, get, answers, threads=THREADS))


def rush(base_url: str, session: Session, parties: list[Party]) -> list[Answer]:
    return run_concurrently(base_url, book_over_http(base_url, session), parties, threads=THREADS)


def check_rush(base_url: str, session: Session, answers: list[Answer], *, waitlist: bool) -> None:
    """Assert that the rush neither overbooked nor refused a party that fitted."""
    outcomes = Counter(answer.outcome for answer in answers)
    allowed = {"confirmed", "duplicate_reservation"} | (
        {"waitlisted"} if waitlist else {"session_full"}
    )
    assert set(outcomes) <= allowed, [a for a in answers if a.outcome not in allowed][:3]
    for answer in answers:
        if answer.status == 201:
            assert answer.body["adults"] == answer.party.adults
            assert answer.body["children"] == answer.party.children
            assert answer.body["token"] and answer.body["code"] in answer.body["manage_url"]
        else:
            assert answer.status == 409, answer
            assert set(answer.body) == {"code", "message"} and answer.body["message"], answer

    # One live reservation per email: of two concurrent requests with one email, at most one
    # is accepted (exactly one when nobody is turned away for lack of seats).
    by_email: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_email[answer.party.email].append(answer)
    for same_email in by_email.values():
        accepted = [a for a in same_email if a.status == 201]
        refused = {a.outcome for a in same_email if a.status != 201}
        if waitlist:
            assert len(accepted) == 1 and refused <= {"duplicate_reservation"}, same_email
        elif accepted:
            assert len(accepted) == 1, same_email
            assert refused <= {"duplicate_reservation", "session_full"}, same_email
        else:
            assert refused == {"session_full"}, same_email

    session.refresh_from_db()
    confirmed = [a for a in answers if a.outcome == "confirmed"]
    waitlisted = [a for a in answers if a.outcome == "waitlisted"]
    full = [a for a in answers if a.outcome == "session_full"]
    rows = Reservation.objects.filter(session=session)
    confirmed_rows = rows.filter(status=ReservationStatus.CONFIRMED)
    assert confirmed, "nobody got a seat"
    assert waitlisted or full, "the rush did not fill the session"
    assert session.seats_taken <= session.capacity
    assert session.seats_taken == sum(r.seats for r in confirmed_rows)
    assert sum(a.party.seats for a in confirmed) == session.seats_taken
    assert {r.code for r in confirmed_rows} == {a.body["code"] for a in confirmed}
    assert set(rows.filter(status=ReservationStatus.WAITLISTED).values_list("code", flat=True)) == {
        a.body["code"] for a in waitlisted
    }
    assert rows.count() == len(confirmed) + len(waitlisted), "a refused request left a row"
    # Seats only ever went down during the rush, so a party turned away (or put on the
    # waiting list) for lack of seats must be larger than what is left now.
    seats_left = session.capacity - session.seats_taken
    assert all(a.party.seats > seats_left for a in waitlisted + full)

    if waitlist:
        positions = positions_over_http(base_url, waitlisted)
        # The order parties joined in: their tickets, given by the UPDATE of the session row
        # that puts each on the list (ids are given earlier, when the rows are inserted).
        in_joining_order = rows.filter(status=ReservationStatus.WAITLISTED).order_by(
            "waitlist_ticket"
        )
        codes = list(in_joining_order.values_list("code", flat=True))
        assert [positions[code] for code in codes] == list(range(1, len(codes) + 1))
        tickets = list(in_joining_order.values_list("waitlist_ticket", flat=True))
        assert tickets == sorted(set(tickets)) and None not in tickets
        session.refresh_from_db()
        assert session.waitlist_taken == len(codes)
        for answer in waitlisted:
            # Parties join the list one at a time (the UPDATE of the session row puts them on
            # it in turn), so the position answered is the final one: 1..N, no gap, no twice.
            assert answer.body["position"] == positions[answer.body["code"]]


@dataclass(frozen=True)
class Waiting:
    id: int
    seats: int


def promote_in_order(
    free: int, waiting: list[Waiting], freed: list[int]
) -> tuple[list[int], list[Waiting], int]:
    """Model the waiting list: after each release, promote in order as far as seats allow.

    A party that does not fit is skipped for the next one that does and keeps its place.
    Return the ids promoted (in order), the parties still waiting and the seats left.
    """
    waiting = list(waiting)
    promoted: list[int] = []
    for seats in freed:
        free += seats
        for party in list(waiting):
            if free == 0:
                break
            if party.seats <= free:
                waiting.remove(party)
                promoted.append(party.id)
                free -= party.seats
    return promoted, waiting, free


def cancel_over_http(base_url: str) -> Callable[[requests.Session, Answer], requests.Response]:
    def post(http: requests.Session, answer: Answer) -> requests.Response:
        return http.post(
            f"{base_url}/api/v1/reservations/{answer.body['code']}/cancel/",
            params={"token": answer.body["token"]},
            json={"reason": "concurrency test"},
            timeout=REQUEST_TIMEOUT,
        )

    return post


def promotions(session: Session) -> list[int]:
    """Reservation ids promoted from the waiting list, in the order they were promoted."""
    return list(
        ReservationHistory.objects.filter(
            reservation__session=session,
            from_status=ReservationStatus.WAITLISTED,
            to_status=ReservationStatus.CONFIRMED,
        )
        .order_by("id")
        .values_list("reservation_id", flat=True)
    )


def cancel_and_check_promotions(base_url: str, session: Session, answers: list[Answer]) -> None:
    """Cancel confirmed parties of one size concurrently; check the promotions exactly.

    Parties of one size free the same seats whatever order their cancellations commit in, so
    the sequential model gives the one correct outcome. Confirmed seats are at least
    capacity - 4 (16 of 20) and five distinct sizes add up to 15 at most: some size repeats.
    """
    session.refresh_from_db()
    confirmed = {a.body["code"]: a for a in answers if a.outcome == "confirmed"}
    sizes = Counter(a.party.seats for a in confirmed.values())
    size, count = max(sizes.items(), key=lambda item: (item[1], item[0]))
    assert count >= 2, sizes
    leaving = [a for a in confirmed.values() if a.party.seats == size]
    waiting = [
        Waiting(r.id, r.seats)
        for r in Reservation.objects.filter(
            session=session, status=ReservationStatus.WAITLISTED
        ).order_by("waitlist_ticket")
    ]
    expected_promoted, expected_waiting, expected_left = promote_in_order(
        session.capacity - session.seats_taken, waiting, [size] * count
    )
    assert expected_promoted, "nobody on the waiting list fits the freed seats"

    responses = run_concurrently(
        base_url, cancel_over_http(base_url), leaving, threads=len(leaving)
    )

    assert [r.status_code for r in responses] == [200] * len(leaving), [r.text for r in responses]
    assert {r.json()["status"] for r in responses} == {"cancelled"}
    session.refresh_from_db()
    rows = Reservation.objects.filter(session=session)
    assert set(rows.filter(status=ReservationStatus.CANCELLED).values_list("code", flat=True)) == {
        a.body["code"] for a in leaving
    }
    assert promotions(session) == expected_promoted
    assert set(rows.filter(pk__in=expected_promoted).values_list("status", flat=True)) <= {
        ReservationStatus.CONFIRMED
    }
    assert session.seats_taken <= session.capacity
    assert session.capacity - session.seats_taken == expected_left
    assert session.seats_taken == sum(
        rows.filter(status=ReservationStatus.CONFIRMED).values_list("seats", flat=True)
    )
    still_waiting = rows.filter(status=ReservationStatus.WAITLISTED).order_by("waitlist_ticket")
    assert [r.id for r in still_waiting] == [w.id for w in expected_waiting]
    assert session.waitlist_taken == len(still_waiting)
    # Skipped parties keep their place: positions 1..n in the order they joined.
    by_code = {a.body["code"]: a for a in answers if a.status == 201}
    positions = positions_over_http(base_url, [by_code[r.code] for r in still_waiting])
    assert [positions[r.code] for r in still_waiting] == list(range(1, len(still_waiting) + 1))


def first_come_session(*, capacity: int, waitlist: bool) -> Session:
    program = ProgramFactory(waitlist_enabled=waitlist, max_adults=2, max_children=3)
    return SessionFactory(program=program, capacity=capacity)
