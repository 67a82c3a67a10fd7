"""Rate limits (429 + Retry-After) and the request body limit (413)."""

import pytest

from booking.models import Reservation
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reservations/"


def body(session, email):
    return {"session": session.pk, "name": "山田 花子", "email": email, "adults": 1, "children": 0}


def test_reservation_creation_is_limited_per_email(api, session, settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "reservation_create_email": "2/hour",
    }
    for _ in range(2):  # what is created counts: two reservations at two sessions
        created = api.post(URL, body(SessionFactory(), "same@example.jp"), format="json")
        assert created.status_code == 201
    response = api.post(URL, body(session, "Same@Example.jp"), format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    other = api.post(URL, body(session, "other@example.jp"), format="json")
    assert other.status_code == 201


def test_refused_requests_naming_an_address_never_lock_it_out(api, settings):
    """Ten POSTs naming a parent's address at a cancelled session are refused and not
    counted: she still books."""
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "reservation_create_email": "3/hour",
    }
    cancelled = SessionFactory(status="cancelled")
    for _ in range(10):
        refused = api.post(URL, body(cancelled, "hanako@example.jp"), format="json")
        assert refused.status_code == 409
    assert (
        api.post(URL, body(SessionFactory(), "hanako@example.jp"), format="json").status_code == 201
    )


def test_a_replay_of_a_booking_that_succeeded_is_never_throttled(api, settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "reservation_create_email": "1/hour",
        "reservation_create_ip": "1/hour",
    }
    payload = body(SessionFactory(), "hanako@example.jp")
    first = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == 201
    for _ in range(3):  # a phone on a bad network retries
        again = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
        assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
        assert again.json()["code"] == first.json()["code"]
    other = api.post(URL, body(SessionFactory(), "hanako@example.jp"), format="json")
    assert other.status_code == 429


def test_reservation_creation_is_limited_per_ip(api, session, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "reservation_create_ip": "3/min"}
    codes = [
        api.post(URL, body(session, f"p{i}@example.jp"), format="json").status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert Reservation.objects.count() == 3


def test_token_lookups_are_limited(api, session, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token_lookup": "5/min"}
    codes = [api.get(f"{URL}AAA-AAAA/?token=guess{i}").status_code for i in range(7)]
    assert codes == [404] * 5 + [429] * 2


def test_api_throttle_off_turns_every_limit_off(api, session, settings):
    settings.API_THROTTLE_RATES = {k: "1/hour" for k in settings.API_THROTTLE_RATES}
    settings.API_THROTTLE_ENABLED = False
    codes = [
        api.post(URL, body(session, f"p{i}@example.jp"), format="json").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 201]


def test_the_environment_switch_is_read_from_api_throttle(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("API_THROTTLE", "off")
    assert importlib.reload(base).API_THROTTLE_ENABLED is False
    monkeypatch.setenv("API_THROTTLE", "on")
    assert importlib.reload(base).API_THROTTLE_ENABLED is True


def test_oversized_bodies_get_413(api, session, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = api.post(URL, {**body(session, "a@example.jp"), "notes": "あ" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Reservation.objects.count() == 0


def test_unknown_json_fields_are_ignored(api, session):
    response = api.post(URL, {**body(session, "a@example.jp"), "is_admin": True}, format="json")
    assert response.status_code == 201


def test_nul_characters_are_refused_with_400_everywhere(api, session, manager_api):
    body = {**body_of(session), "name": "山田\x00花子"}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = manager_api.post("/api/v1/sessions/", {"program": "a\x00b"}, format="json")
    assert response.status_code == 400
    for path in ("/api/v1/reservations/AB%00C/?token=x", "/api/v1/sessions/?facility=a%00b"):
        response = api.get(path)
        assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert Reservation.objects.count() == 0


def body_of(session):
    return body(session, "nul@example.jp")
