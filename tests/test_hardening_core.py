"""Hardening that lives in core, through the API: the parser's cost, text that prints as nothing,
the bounds of dates, and limits that count the right thing.

Each asserts the status, the machine-readable ``code`` and that nothing changed.
"""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from booking.models import Reservation
from config.settings.base import env_count
from notifications.models import Notification
from tests.factories import FacilityFactory, SessionFactory, api_key, staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/reservations/"


def nothing_written():
    return (Reservation.objects.count(), Notification.objects.count())


def booking(session, **fields):
    body = {"session": session.pk, "name": "山田 花子", "email": "a@example.jp", "adults": 1}
    return body | fields


@pytest.fixture
def no_limits(settings):
    settings.API_THROTTLE_ENABLED = False


# --- the parser reads any body in linear time -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[" * 40 + '"' + '\\"' * 30_000, "invalid_json"),  # an unterminated string
        ('["' + "[" * 60_000 + '"]', "invalid"),  # brackets in a string: JSON, but no booking
        ("[" * 60_000, "invalid_json"),
    ],
    ids=["escaped-quotes", "brackets-in-a-string", "brackets"],
)
def test_a_body_made_to_be_slow_to_read_is_answered_at_once(api, no_limits, body, code):
    before = nothing_written()
    started = time.perf_counter()
    response = api.generic("POST", URL, body.encode(), "application/json")
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert nothing_written() == before


def test_an_integer_of_more_digits_than_python_reads_is_invalid_json(api, no_limits, session):
    before = nothing_written()
    digits = "9" * 5000
    body = f'{{"session": {session.pk}, "name": "a", "email": "a@example.jp", "adults": {digits}}}'

    response = api.generic("POST", URL, body.encode(), "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"
    assert nothing_written() == before


# --- text that prints as nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "山田\U000e0041\U000e0042",  # tag characters (invisible)
        "\u0600山田",  # an Arabic number sign (a format character)
        "\u3164",  # Hangul filler
        "\u2800\u2800",  # blank Braille patterns
        "\u0301\u0301",  # accents on nothing
        "山田\t花子",
    ],
)
def test_names_that_print_as_nothing_or_hold_format_characters_are_400(
    api, no_limits, session, name
):
    before = nothing_written()
    response = api.post(URL, booking(session, name=name), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["name"]
    assert nothing_written() == before


def test_notes_keep_their_lines_as_newlines_and_refuse_tabs(api, no_limits, session):
    before = nothing_written()
    response = api.post(URL, booking(session, notes="卵\tアレルギー"), format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["notes"]
    assert nothing_written() == before
    response = api.post(URL, booking(session, notes="卵アレルギー\r\n車いす"), format="json")
    assert response.status_code == 201
    assert Reservation.objects.get().notes == "卵アレルギー\n車いす"


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2000-01-01", "2100-12-31"])
def test_the_first_and_last_days_of_the_range_are_taken_by_filters(api, day):
    SessionFactory()
    response = api.get("/api/v1/sessions/", {"date_from": day, "date_to": "2100-12-31"})
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("day", ["２０２６-04-01", "2026-04-01\u200b"])
def test_filters_refuse_dates_in_other_digits(api, day):
    response = api.get("/api/v1/sessions/", {"date_from": day})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    assert list(response.json()["fields"]) == ["date_from"]


# --- limits count the right thing -------------------------------------------------------------


@pytest.fixture
def tight(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "reservation_create_email": "1/hour",
        "lookup_failures": "2/hour",
    }


def test_a_full_width_spelling_of_an_address_is_the_same_address_for_its_limit(api, tight):
    assert api.post(URL, booking(SessionFactory()), format="json").status_code == 201
    before = nothing_written()
    again = booking(SessionFactory(), email="Ａ＠ｅｘａｍｐｌｅ．ｊｐ")
    response = api.post(URL, again, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert nothing_written() == before


def test_guessing_staff_tokens_does_not_refuse_a_parents_booking_from_that_address(api, tight):
    user = staff_user(FacilityFactory())
    for _ in range(2):
        api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
        assert api.get("/api/v1/staff/today/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    response = api.get("/api/v1/staff/today/")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    api.credentials()
    assert api.get("/api/v1/sessions/").status_code == 200
    assert api.post(URL, booking(SessionFactory()), format="json").status_code == 201


# --- what is trusted --------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "read"), [("", None), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_num_proxies_is_a_count_of_proxies(monkeypatch, given, read):
    monkeypatch.setenv("NUM_PROXIES", given)
    assert env_count("NUM_PROXIES") == read


@pytest.mark.parametrize("given", ["one", "-1", "1.0", "１"])
def test_a_num_proxies_that_is_no_count_stops_the_start(monkeypatch, given):
    monkeypatch.setenv("NUM_PROXIES", given)
    with pytest.raises(ImproperlyConfigured):
        env_count("NUM_PROXIES")
