"""POST /api/v1/reservations/{code}/move/: another date of the programme (日程の変更)."""

import pytest

from booking.models import Reservation
from tests.factories import ProgramFactory, SessionFactory, another_date, book

pytestmark = pytest.mark.django_db


def url(result):
    return f"/api/v1/reservations/{result.reservation.code}/move/?token={result.token}"


@pytest.fixture
def dates():
    program = ProgramFactory()
    first = SessionFactory(program=program, capacity=3)
    return first, another_date(first, capacity=3)


def test_the_choices_and_the_move(api, dates):
    first, later = dates
    result = book(first, adults=2)
    listed = api.get(url(result))
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == [later.pk]
    assert listed["Cache-Control"] == "no-store"
    moved = api.post(url(result), {"session": later.pk}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["code"] == result.reservation.code
    assert Reservation.objects.get().session_id == later.pk
    later.refresh_from_db()
    assert later.seats_taken == 2


def test_a_full_date_is_409_with_nothing_changed(api, dates):
    first, later = dates
    book(later, adults=2, email="other@example.jp")
    book(later, adults=1, email="third@example.jp")
    result = book(first)
    response = api.post(url(result), {"session": later.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "session_full"
    assert Reservation.objects.get(pk=result.reservation.pk).session_id == first.pk


@pytest.mark.parametrize("body", [{}, {"session": "x"}, {"session": 10**12}, {"session": None}])
def test_a_body_without_a_date_is_400(api, dates, body):
    first, _later = dates
    result = book(first)
    response = api.post(url(result), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "session" in response.json()["fields"]


def test_another_programmes_date_is_400_on_session_in_the_requests_language(api, dates):
    first, _later = dates
    result = book(first)
    other = SessionFactory(facility=first.facility)
    response = api.post(
        url(result), {"session": other.pk}, format="json", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["session"] == ["同じ事業の別の日を選んでください。"]


def test_a_wrong_token_is_404(api, dates):
    first, later = dates
    result = book(first)
    response = api.post(
        f"/api/v1/reservations/{result.reservation.code}/move/?token=nope",
        {"session": later.pk},
        format="json",
    )
    assert response.status_code == 404
    assert Reservation.objects.get().session_id == first.pk


def test_a_waiting_party_moves_to_a_date_with_seats(api, dates):
    first, later = dates
    book(first, adults=2, email="holder@example.jp")
    book(first, adults=1, email="second@example.jp")
    result = book(first, adults=2)
    assert result.reservation.status == "waitlisted"
    assert [s["id"] for s in api.get(url(result)).json()] == [later.pk]
    moved = api.post(url(result), {"session": later.pk}, format="json")
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    assert (body["status"], body["session"], body["position"]) == ("confirmed", later.pk, None)
    first.refresh_from_db()
    assert (first.seats_taken, first.waitlist_taken) == (3, 0)
