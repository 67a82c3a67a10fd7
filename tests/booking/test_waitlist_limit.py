"""The waiting list's limit (キャンセル待ち上限), its counter, and joining it under concurrency.

A session counts the parties on its list; the limit is the programme's unless the session
sets its own, and empty means no limit. A full list answers 409 ``waitlist_full`` and writes
nothing. Concurrent joins get places 1..N exactly, and a party never waits while the seats it
needs are free, even when a cancellation and a join meet.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Reservation, ReservationStatus
from booking.rules import Party
from booking.services import (
    generate_token,
    hash_token,
    lottery_draw,
    reservation_cancel,
    reservation_change_party,
)
from core.errors import AppError
from events.models import BookingMode, Session
from notifications.models import Notification
from tests.booking.concurrent_http import (
    REQUEST_TIMEOUT,
    book_over_http,
    open_connections,
    run_concurrently,
)
from tests.booking.concurrent_http import Party as HttpParty
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db
URL = "/api/v1/reservations/"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.API_THROTTLE_ENABLED = False


def full_session(*, capacity=1, program_limit=None, session_limit=None, facility=None, **program):
    program = ProgramFactory(waitlist_enabled=True, waitlist_limit=program_limit, **program)
    place = {"facility": facility} if facility is not None else {}
    session = SessionFactory(
        program=program, capacity=capacity, waitlist_limit=session_limit, **place
    )
    book(session, email="holder@example.jp", adults=capacity)
    session.refresh_from_db()
    return session


def body(session, email, adults=1):
    return {
        "session": session.pk,
        "adults": adults,
        "name": "山田 花子",
        "email": email,
        "consent": True,
    }


def snapshot(session):
    session.refresh_from_db()
    return (
        session.seats_taken,
        session.waitlist_taken,
        session.waitlist_joined,
        Reservation.objects.count(),
        Notification.objects.count(),
    )


# --- the limit --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_full_list_answers_409_waitlist_full_and_changes_nothing(api, language):
    session = full_session(program_limit=2)
    for i in range(2):
        response = api.post(URL, body(session, f"w{i}@example.jp"), format="json")
        assert response.status_code == 201 and response.json()["position"] == i + 1
    before = snapshot(session)
    response = api.post(
        URL, body(session, "late@example.jp"), format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 409
    assert response.json()["code"] == "waitlist_full"
    message = response.json()["message"]
    assert ("キャンセル待ち" in message) if language == "ja" else ("waiting list" in message)
    assert snapshot(session) == before
    assert not Reservation.objects.filter(email="late@example.jp").exists()


def test_the_full_path_refuses_too_not_only_the_early_read():
    """Past the early refusal (an override-free booking through the service), the same code."""
    session = full_session(program_limit=1)
    book(session, email="w0@example.jp")
    before = snapshot(session)
    with pytest.raises(AppError) as refused:
        book(session, email="late@example.jp")
    assert refused.value.code == "waitlist_full"
    assert snapshot(session) == before


def test_a_party_a_moment_too_late_is_refused_at_once_not_tried_again():
    """The request read the list with a place left; another party took it before this one's
    transaction: refused on the spot with one read of the row, nothing written (once, it ran
    the whole booking again under the row's lock, then wrote its reservation once and rolled
    it back: on SQLite, for every party that had queued for the write lock while the list
    filled)."""
    session = full_session(program_limit=1)
    read_by_the_late_request = Session.objects.select_related("program").get(pk=session.pk)
    book(session, email="w0@example.jp")
    before = snapshot(session)
    with CaptureQueriesContext(connection) as queries, pytest.raises(AppError) as refused:
        book(read_by_the_late_request, email="late@example.jp")
    assert refused.value.code == "waitlist_full"
    assert snapshot(session) == before
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "booking_reservation"')
    ]
    assert inserts == []


def test_the_session_limit_overrides_the_programme_and_empty_is_no_limit():
    session = full_session(program_limit=1, session_limit=3)
    for i in range(3):
        assert book(session, email=f"w{i}@example.jp").position == i + 1
    with pytest.raises(AppError):
        book(session, email="late@example.jp")
    unlimited = full_session(program_limit=None)
    for i in range(12):
        assert book(unlimited, email=f"u{i}@example.jp").position == i + 1
    unlimited.refresh_from_db()
    assert unlimited.waitlist_left is None and unlimited.waitlist_taken == 12


def test_a_limit_of_zero_means_no_waiting_list_places():
    session = full_session(program_limit=5, session_limit=0)
    with pytest.raises(AppError) as refused:
        book(session, email="late@example.jp")
    assert refused.value.code == "waitlist_full"


def test_places_come_back_when_a_party_leaves_the_list():
    session = full_session(program_limit=2)
    first = book(session, email="w0@example.jp")
    book(session, email="w1@example.jp")
    session.refresh_from_db()
    assert session.waitlist_left == 0
    reservation_cancel(reservation=first.reservation)
    session.refresh_from_db()
    assert (session.waitlist_taken, session.waitlist_left) == (1, 1)
    late = book(session, email="late@example.jp")
    assert late.reservation.status == ReservationStatus.WAITLISTED and late.position == 2


# --- the counter follows every way on and off the list ------------------------------------


def waiting_rows(session):
    return Reservation.objects.filter(session=session, status=ReservationStatus.WAITLISTED).count()


def test_the_counter_follows_joins_promotions_cancellations_and_party_changes():
    session = full_session(capacity=2)
    holder = Reservation.objects.get(email="holder@example.jp")
    small = book(session, email="small@example.jp", adults=1).reservation
    pair = book(session, email="pair@example.jp", adults=2).reservation
    session.refresh_from_db()
    assert session.waitlist_taken == waiting_rows(session) == 2
    reservation_change_party(reservation=holder, party=Party(adults=1))  # frees one: promotes
    session.refresh_from_db()
    small.refresh_from_db()
    assert small.status == ReservationStatus.CONFIRMED
    assert session.waitlist_taken == waiting_rows(session) == 1
    reservation_cancel(reservation=pair)
    session.refresh_from_db()
    assert session.waitlist_taken == waiting_rows(session) == 0


def test_a_lottery_draw_counts_the_parties_it_puts_on_the_list():
    program = ProgramFactory(booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=False)
    session = SessionFactory(program=program, capacity=1)
    for i in range(4):
        book(session, email=f"a{i}@example.jp")
    lottery_draw(session=session)
    session.refresh_from_db()
    assert session.waitlist_taken == waiting_rows(session) == 3


# --- concurrency (real threads and HTTP) ----------------------------------------------------


def test_concurrent_joins_get_places_one_to_n(live_server):
    session = full_session(capacity=2, program_limit=None)
    parties = [HttpParty(f"join-{i}@example.jp", adults=1, children=0) for i in range(60)]
    answers = run_concurrently(
        live_server.url, book_over_http(live_server.url, session), parties, threads=16
    )
    assert Counter(a.outcome for a in answers) == {"waitlisted": 60}
    assert sorted(a.body["position"] for a in answers) == list(range(1, 61))
    session.refresh_from_db()
    assert session.waitlist_taken == session.waitlist_joined == 60
    tickets = Reservation.objects.filter(session=session, status=ReservationStatus.WAITLISTED)
    by_ticket = {r.code: r.waitlist_ticket for r in tickets}
    assert {a.body["code"]: a.body["position"] for a in answers} == by_ticket


def test_concurrent_joins_stop_exactly_at_the_limit(live_server):
    session = full_session(capacity=2, program_limit=10)
    parties = [HttpParty(f"lim-{i}@example.jp", adults=1, children=0) for i in range(40)]
    answers = run_concurrently(
        live_server.url, book_over_http(live_server.url, session), parties, threads=16
    )
    outcomes = Counter(a.outcome for a in answers)
    assert outcomes == {"waitlisted": 10, "waitlist_full": 30}
    assert sorted(a.body["position"] for a in answers if a.status == 201) == list(range(1, 11))
    session.refresh_from_db()
    assert session.waitlist_taken == waiting_rows(session) == 10
    assert Reservation.objects.filter(session=session).count() == 11  # the holder and ten


def test_a_cancellation_and_a_join_at_the_same_moment_never_leave_a_party_waiting(live_server):
    """The race the row's lock settles: whichever commits first, the joining party ends with
    the freed seat (booked outright, or promoted by the cancellation), never waiting."""
    for round_number in range(12):
        session = full_session(capacity=1)
        holder = Reservation.objects.get(session=session, email="holder@example.jp")
        joiner_email = f"joiner-{round_number}@example.jp"
        results = cancel_and_join_at_once(live_server.url, holder, session, joiner_email)
        assert results == {"cancel": 200, "join": 201}
        joiner = Reservation.objects.get(email=joiner_email)
        session.refresh_from_db()
        assert joiner.status == ReservationStatus.CONFIRMED, round_number
        assert session.seats_taken == 1 and session.waitlist_taken == 0


def cancel_and_join_at_once(base_url, holder, session, joiner_email) -> dict[str, int]:
    holder_token = _known_token(holder)
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}
    cancel_http, join_http = open_connections(base_url, 2)

    def cancel():
        barrier.wait(timeout=REQUEST_TIMEOUT)
        results["cancel"] = cancel_http.post(
            f"{base_url}/api/v1/reservations/{holder.code}/cancel/",
            headers={"X-Reservation-Token": holder_token},
            timeout=REQUEST_TIMEOUT,
        ).status_code

    def join():
        barrier.wait(timeout=REQUEST_TIMEOUT)
        results["join"] = join_http.post(
            f"{base_url}{URL}", json=body(session, joiner_email), timeout=REQUEST_TIMEOUT
        ).status_code

    threads = [threading.Thread(target=cancel), threading.Thread(target=join)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cancel_http.close()
    join_http.close()
    return results


def _known_token(reservation: Reservation) -> str:
    """Give a reservation a manage token the test knows (the booking's was not kept)."""
    token = generate_token()
    Reservation.objects.filter(pk=reservation.pk).update(token_hash=hash_token(token))
    return token


# --- what parents see -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "left_text", "full_text"),
    [
        ("ja", "キャンセル待ち 残り3組", "キャンセル待ちも上限に達しました"),
        ("en", "Waiting list: 3 places left", "The waiting list is full too"),
    ],
)
def test_the_pages_show_the_places_left_on_the_list(client, language, left_text, full_text):
    session = full_session(program_limit=4)
    book(session, email="w0@example.jp")
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    for path in (f"/sessions/{session.pk}/", "/"):
        page = client.get(path, **headers).content.decode()
        assert left_text in page, path
        assert f'href="/sessions/{session.pk}/reserve/"' in page, path
    for i in range(1, 4):
        book(session, email=f"w{i}@example.jp")
    page = client.get(f"/sessions/{session.pk}/", **headers).content.decode()
    assert full_text in page and left_text not in page
    assert f'href="/sessions/{session.pk}/reserve/"' not in page


# --- the API, and staff changing the limit ---------------------------------------------------


def test_the_sessions_api_shows_the_limit_and_the_places_left(api):
    session = full_session(program_limit=3)
    book(session, email="w0@example.jp")
    body = api.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (body["waitlist_limit"], body["waitlist_taken"], body["waitlist_left"]) == (3, 1, 2)
    unlimited = full_session(program_limit=None)
    body = api.get(f"/api/v1/sessions/{unlimited.pk}/").json()
    assert (body["waitlist_limit"], body["waitlist_left"]) == (None, None)
    listed = {s["id"]: s for s in api.get("/api/v1/sessions/").json()["results"]}
    assert listed[session.pk]["waitlist_left"] == 2
    assert api.get(f"/api/v1/programs/{session.program.slug}/").json()["waitlist_limit"] == 3


def test_staff_override_the_programme_limit_for_one_session(manager_api, facility):
    session = full_session(program_limit=1, facility=facility)
    book(session, email="w0@example.jp")
    with pytest.raises(AppError):
        book(session, email="w1@example.jp")
    url = f"/api/v1/sessions/{session.pk}/"
    response = manager_api.patch(url, {"waitlist_limit": 3}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["waitlist_limit"], response.json()["waitlist_left"]) == (3, 2)
    assert book(session, email="w1@example.jp").position == 2
    response = manager_api.patch(url, {"waitlist_limit": None}, format="json")
    assert response.json()["waitlist_limit"] == 1  # back to the programme's


@pytest.mark.parametrize("value", [-1, 10_001])
def test_a_bad_limit_is_refused_with_the_field_and_changes_nothing(manager_api, facility, value):
    session = full_session(program_limit=1, facility=facility)
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/", {"waitlist_limit": value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "waitlist_limit" in response.json()["fields"]
    session.refresh_from_db()
    assert session.waitlist_limit is None


def test_another_facilitys_staff_cannot_change_the_limit(manager_api):
    session = full_session(program_limit=1)  # at a facility the manager does not run
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/", {"waitlist_limit": 9}, format="json"
    )
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.waitlist_limit is None
