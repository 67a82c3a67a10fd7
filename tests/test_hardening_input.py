"""Malformed input never reaches a 500: one test per class of defect, at the depth it lives.

Each asserts the status, the machine-readable ``code`` and that nothing changed.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation
from events.models import Session
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/reservations/"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.API_THROTTLE_ENABLED = False


def nothing_written():
    return (Reservation.objects.count(), Notification.objects.count(), StaffAction.objects.count())


def post_raw(api, body: str):
    return api.generic("POST", URL, body.encode("utf-8", "surrogatepass"), "application/json")


def booking(session, **fields):
    return {
        "session": session.pk,
        "name": "山田 花子",
        "email": "a@example.jp",
        "adults": 1,
    } | fields


# --- the parser -------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [33, 300, 5000])
def test_deep_json_is_400_invalid_json(api, depth):
    before = nothing_written()
    response = post_raw(api, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"
    assert nothing_written() == before


def test_deep_json_inside_a_string_is_only_text(api, session):
    response = api.post(URL, booking(session, notes="[" * 100), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "body",
    [
        '{"session": 1, "name": "\\ud800", "email": "a@example.jp", "adults": 1}',
        '{"session": 1, "\\udfff": 1}',
        '{"session": 1, "name": "a", "email": "\\udbff@example.jp", "adults": 1}',
        '{"session": 1e400, "name": "a", "email": "a@example.jp", "adults": 1}',
        '{"session": 1, "adults": -1e999}',
    ],
)
def test_lone_surrogates_and_infinite_numbers_are_400_invalid_json(api, body):
    before = nothing_written()
    response = post_raw(api, body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"
    assert nothing_written() == before


def test_a_huge_integer_is_refused_not_a_500(api, session):
    response = post_raw(api, '{"session": ' + "9" * 5000 + "}")
    assert response.status_code == 400
    response = api.post(URL, booking(session, adults=10**30), format="json")
    assert response.status_code == 400 and "adults" in response.json()["fields"]


def test_a_surrogate_in_the_idempotency_body_is_refused_before_the_fingerprint(api):
    response = api.generic(
        "POST",
        URL,
        b'{"email": "\\ud800"}',
        "application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"


# --- numbers and booleans are JSON numbers and booleans -----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("adults", "2"),
        ("adults", 2.0),
        ("adults", "２"),
        ("adults", "٢"),
        ("adults", True),
        ("children", "0"),
        ("resident", "yes"),
        ("resident", 1),
        ("session", "SESSION"),
        ("session", 13.5),
    ],
)
def test_numbers_booleans_and_ids_of_another_type_are_400(api, session, field, value):
    body = booking(session)
    body[field] = session.pk if value == "SESSION" else value
    if value == "SESSION":
        body[field] = str(session.pk)
    before = nothing_written()
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert nothing_written() == before


def test_session_13_5_never_books_session_13(api):
    thirteen = SessionFactory(capacity=5)
    body = booking(thirteen)
    body["session"] = thirteen.pk + 0.5
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert not Reservation.objects.exists()


# --- text is text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["\u200b\u200b", "山田\u202e花子", "山田\r\n花子", "山田\n", "\u3000\u200b", "a\x07"],
)
def test_names_of_invisible_or_control_characters_are_refused(api, session, name):
    before = nothing_written()
    response = api.post(URL, booking(session, name=name), format="json")
    if name == "山田\n":  # a trailing line break is trimmed like any space
        assert response.status_code == 201
        assert Reservation.objects.get().name == "山田"
        return
    assert response.status_code == 400, response.json()
    assert "name" in response.json()["fields"]
    assert nothing_written() == before


def test_notes_may_span_lines_but_hold_no_other_control_character(api, session):
    response = api.post(URL, booking(session, notes="アレルギー：卵\n車いす"), format="json")
    assert response.status_code == 201
    response = api.post(
        URL, booking(session, email="b@example.jp", notes="a\u202eb"), format="json"
    )
    assert response.status_code == 400 and "notes" in response.json()["fields"]


def test_a_full_width_at_sign_is_folded_not_refused(api, session):
    response = api.post(URL, booking(session, email="hanako＠example．jp"), format="json")
    assert response.status_code == 201, response.json()
    assert Reservation.objects.get().email == "hanako@example.jp"


# --- dates stay between 2000 and 2100 ------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_filters_refuse_dates_out_of_range_with_400(api, client, day):
    response = api.get("/api/v1/sessions/", {"date_from": day})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    page = client.get("/", {"date_from": day})
    assert page.status_code == 200  # the page says what is wrong in its filter form


@pytest.fixture
def manager():
    facility = FacilityFactory()
    user = staff_user(facility)
    return facility, user


def test_staff_day_view_and_api_and_export_refuse_far_dates(api, client, manager):
    facility, user = manager
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    for day in ("0001-01-01", "9999-12-31"):
        response = api.get("/api/v1/staff/today/", {"date": day})
        assert response.status_code == 400, response.content
        response = api.get("/api/v1/staff/export/", {"from": day, "to": "2027-01-01"})
        assert response.status_code == 400, response.content
    client.force_login(user)
    assert client.get("/staff/", {"date": "9999-12-31"}).status_code == 200


@pytest.mark.parametrize("year", [243, 1999, 2101, 7018])
def test_sessions_in_far_years_are_refused_by_the_staff_api(api, manager, year):
    facility, user = manager
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    program = ProgramFactory()
    start = timezone.now().replace(year=2027) + timedelta(days=1)
    far = start.replace(year=year)
    body = {
        "program": program.slug,
        "facility": facility.slug,
        "start": far.isoformat(),
        "end": (far + timedelta(hours=1)).isoformat(),
        "capacity": 10,
        "registration_opens": (start - timedelta(days=20)).isoformat(),
        "registration_closes": (start - timedelta(days=2)).isoformat(),
        "cancellation_deadline": (start - timedelta(days=2)).isoformat(),
    }
    response = api.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400, response.json()
    assert "start" in response.json()["fields"]
    assert not Session.objects.exists()


# --- CSV URLs ------------------------------------------------------------------------------------


def test_options_and_unknown_formats_on_csv_urls_answer_json(api, manager):
    facility, user = manager
    session = SessionFactory(facility=facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    for url in (
        f"/api/v1/sessions/{session.pk}/roster/",
        "/api/v1/staff/export/",
        "/api/v1/staff/report/",
    ):
        response = api.options(url, {"format": "csv"})
        assert response.status_code == 200, (url, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
        response = api.get(url + "?format=xml")
        assert response.status_code == 400, url
        assert response.json()["code"] == "unknown_format"
        assert set(response.json()["formats"]) >= {"json", "csv"}


@pytest.mark.parametrize("page", ["999", "２", "٢", "0", "-1", "1e3"])
def test_a_page_past_the_end_or_not_in_ascii_digits_is_400_invalid_page(api, page):
    SessionFactory()
    response = api.get("/api/v1/sessions/", {"page": page})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page"
    response = api.get("/api/v1/sessions/", {"page_size": page})
    assert response.status_code == 400  # 999 is over the largest page size (200)


@pytest.mark.parametrize("year", ["٢٠٢٦", "２０２６", "1999", "2026.0", "-2026"])
def test_a_fiscal_year_not_in_ascii_digits_or_out_of_range_is_400(api, manager, year):
    facility, user = manager
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    response = api.get("/api/v1/staff/report/", {"fiscal_year": year})
    assert response.status_code == 400
    assert "fiscal_year" in response.json()["fields"]
    assert api.get("/api/v1/staff/report/", {"fiscal_year": "2026"}).status_code == 200


@pytest.mark.parametrize("page", ["٢", "２", "-1", "1e3", "99999999999999999999"])
def test_the_sessions_page_shows_its_first_page_for_a_page_number_it_cannot_read(client, page):
    SessionFactory()
    assert client.get("/", {"page": page}).status_code == 200
