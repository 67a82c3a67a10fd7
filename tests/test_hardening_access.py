"""Limits that hold behind a proxy and against guessing, no tokens in logs or caches, and
staff reaching only their own facilities' data."""

import pytest
from django.core.cache import cache

from booking.models import Reservation
from booking.rules import Contact, Party
from booking.services import reservation_create
from calendars.tokens import feed_token_issue
from config import gunicorn
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, SessionFactory, api_key, book, staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/reservations/"


def body(session, email):
    return {"session": session.pk, "name": "山田 花子", "email": email, "adults": 1}


@pytest.fixture
def tight(settings):
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "reservation_create_ip": "3/hour",
        "lookup_failures": "3/hour",
    }


# --- the client's address -------------------------------------------------------------------------


def test_a_forged_x_forwarded_for_does_not_escape_the_ip_limit(api, tight, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": None}
    codes = [
        api.post(
            URL,
            body(SessionFactory(), f"p{i}@example.jp"),
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert Reservation.objects.count() == 3


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(api, tight, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def post(i, forwarded):
        return api.post(
            URL,
            body(SessionFactory(), f"q{i}@example.jp"),
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
            REMOTE_ADDR="10.0.0.2",
        ).status_code

    # The client prepends anything it likes; the proxy appends the real address last.
    assert [post(i, f"198.51.100.{i}, 192.0.2.7") for i in range(4)] == [201, 201, 201, 429]
    assert post(9, "192.0.2.8") == 201  # another client behind the same proxy


# --- failed look-ups ------------------------------------------------------------------------------


def test_guessing_manage_tokens_is_limited_but_a_parent_is_not(api, client, tight):
    session = SessionFactory()
    result = reservation_create(
        session=session, party=Party(adults=1), contact=Contact(name="山田", email="h@example.jp")
    )
    code, token = result.reservation.code, result.token
    for _ in range(5):  # her own link, as often as she likes
        assert api.get(f"{URL}{code}/", {"token": token}).status_code == 200
    for _ in range(3):
        assert api.get(f"{URL}{code}/", {"token": "guess"}).status_code == 404
    blocked = api.get(f"{URL}{code}/", {"token": token})
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    assert client.get(f"/manage/{code}/", {"token": token}).status_code == 429
    cache.clear()
    assert api.get(f"{URL}{code}/", {"token": token}).status_code == 200


def test_guessing_link_keys_feed_tokens_and_staff_tokens_is_limited(api, client, tight):
    book(SessionFactory(), email="h@example.jp")
    feed = feed_token_issue(email="h@example.jp")
    assert client.get(f"/calendar/private/{feed}.ics").status_code == 200
    for guess in ("a", "b", "c"):
        client.get(f"/my-reservations/{guess}/")
    assert client.get(f"/calendar/private/{feed}.ics").status_code == 429
    cache.clear()
    for guess in ("a", "b", "c"):
        assert client.get(f"/calendar/private/{guess}.ics").status_code == 404
    assert client.get(f"/calendar/private/{feed}.ics").status_code == 429
    cache.clear()
    user = staff_user(FacilityFactory())
    for _ in range(3):
        api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
        assert api.get("/api/v1/staff/today/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    assert api.get("/api/v1/staff/today/").status_code == 429


# --- nothing secret kept ----------------------------------------------------------------


def test_the_reservation_api_answers_personal_data_with_no_store(api):
    result = book(SessionFactory(), email="h@example.jp")
    response = api.get(f"{URL}{result.reservation.code}/", {"token": result.token})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_access_log_holds_no_query_string_nor_referer():
    assert "%(U)s" in gunicorn.access_log_format
    for field in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):
        assert field not in gunicorn.access_log_format


# --- staff reach only their facilities ---------------------------------------------------


def test_erasing_an_address_at_one_facility_leaves_its_other_reservations_and_links(api):
    from booking.links import my_reservations_email, my_reservations_link_issue

    mine, theirs = FacilityFactory(), FacilityFactory()
    here = book(SessionFactory(facility=mine), email="h@example.jp").reservation
    there = book(SessionFactory(facility=theirs), email="h@example.jp").reservation
    key = my_reservations_link_issue(email="h@example.jp")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(mine))}")
    response = api.post("/api/v1/privacy/erase/", {"email": "h@example.jp"}, format="json")
    assert response.status_code == 200 and response.json() == {"erased": 1, "appointments": 0}
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.email != "h@example.jp" and there.email == "h@example.jp"
    assert my_reservations_email(key) == "h@example.jp"  # her way back to facility Y
    logged = StaffAction.objects.get(kind="personal_data_erase").after
    assert logged == {
        "erased": 1,
        "reservations": [here.code],
        "appointments": [],
        "links_ended": False,
    }


def test_a_viewers_refused_draw_is_403_like_every_other_refusal(api):
    from events.models import BookingMode, StaffRole
    from tests.factories import ProgramFactory

    facility = FacilityFactory()
    session = SessionFactory(
        facility=facility, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility, StaffRole.VIEWER))}")
    response = api.post(f"/api/v1/sessions/{session.pk}/draw/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = api.get(f"/api/v1/sessions/{session.pk}/draw/")
    assert response.status_code == 404 and response.json()["code"] == "draw_not_done"
    other = staff_user(FacilityFactory())
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(other)}")
    assert api.post(f"/api/v1/sessions/{session.pk}/draw/").status_code == 404
