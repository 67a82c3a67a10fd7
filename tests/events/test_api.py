from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Audience, Session
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    api_key,
    book,
    staff_user,
)

pytestmark = pytest.mark.django_db

SESSION_FIELDS = {
    "id",
    "program",
    "facility",
    "title",
    "start",
    "end",
    "capacity",
    "seats_left",
    "status",
    "booking_mode",
    "registration_opens",
    "registration_closes",
    "cancellation_deadline",
}


def test_session_list_shows_the_documented_fields_with_offsets(api, session):
    book(session, adults=2, children=1)
    response = api.get("/api/v1/sessions/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert SESSION_FIELDS <= set(row)
    assert row["program"] == session.program.slug
    assert row["facility"] == session.facility.slug
    assert row["seats_left"] == 7
    assert row["start"].endswith("+09:00")
    assert row["booking_mode"] == "first_come"


def test_filters_by_facility_program_audience_date_and_seats(api, db):
    a, b = FacilityFactory(), FacilityFactory()
    fathers = ProgramFactory(audience=Audience.FATHERS)
    s1 = SessionFactory(facility=a, program=fathers)
    s2 = SessionFactory(facility=b, start=timezone.now() + timedelta(days=20), capacity=1)
    book(s2)

    def ids(query):
        response = api.get(f"/api/v1/sessions/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"facility={a.slug}") == {s1.id}
    assert ids(f"program={fathers.slug}") == {s1.id}
    assert ids("audience=fathers") == {s1.id}
    day = timezone.localtime(s2.start).date()
    assert ids(f"date_from={day}&date_to={day}") == {s2.id}
    assert ids("has_seats=true") == {s1.id}
    assert ids("has_seats=false") == {s2.id}
    assert ids("ordering=-start") == {s1.id, s2.id}


def test_seats_nobody_can_book_any_more_are_no_seats(api, db):
    # The list's "only with seats" showed sessions marked 受付終了 (registration closed).
    now = timezone.now()
    bookable = SessionFactory()
    closed = SessionFactory(
        start=now + timedelta(hours=3),
        end=now + timedelta(hours=4),
        registration_opens=now - timedelta(days=3),
        registration_closes=now - timedelta(hours=1),
    )
    response = api.get("/api/v1/sessions/?has_seats=true")
    assert {row["id"] for row in response.json()["results"]} == {bookable.id}
    response = api.get("/api/v1/sessions/?has_seats=false")
    assert {row["id"] for row in response.json()["results"]} == {closed.id}


@pytest.mark.parametrize(
    "query, field",
    [
        ("facility=nowhere", "facility"),
        ("audience=aliens", "audience"),
        ("date_from=2026-13-45", "date_from"),
        ("has_seats=maybe", "has_seats"),
        ("ordering=password", "ordering"),
    ],
)
def test_bad_filters_get_400_with_the_error_body(api, session, query, field):
    response = api.get(f"/api/v1/sessions/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filter"
    assert field in body["fields"]
    assert body["message"]


@pytest.mark.parametrize("query", ["page_size=100000", "page_size=0", "page=abc", "page=999"])
def test_bad_pages_get_400(api, session, query):
    response = api.get(f"/api/v1/sessions/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page"


@pytest.mark.parametrize("query", ["page=", "page_size="])
def test_empty_pages_get_400(api, session, query):
    response = api.get(f"/api/v1/sessions/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page"


def test_empty_filters_mean_no_filter(api, db):
    SessionFactory.create_batch(3)
    everything = api.get("/api/v1/sessions/").json()
    blank = "&".join(
        f"{name}="
        for name in ("facility", "program", "course", "audience", "booking_mode", "status")
        + ("date_from", "date_to", "has_seats", "ordering")
    )
    response = api.get(f"/api/v1/sessions/?{blank}")
    assert response.status_code == 200
    assert response.json() == everything and everything["count"] == 3


def schema_parameters(api, path: str) -> dict[str, dict]:
    spec = api.get("/api/schema/?format=json").json()
    return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}


def test_schema_documents_slug_filters_as_strings_and_which_may_be_empty(api, db):
    sessions = schema_parameters(api, "/api/v1/sessions/")
    for name in ("facility", "program", "course"):
        assert sessions[name]["schema"] == {"type": "string"}, name
        assert sessions[name]["description"]
    for name in ("facility", "date_from", "ordering", "has_seats", "status"):
        assert sessions[name]["allowEmptyValue"] is True, name
    for name in ("page", "page_size"):
        assert "allowEmptyValue" not in sessions[name], name
    export = schema_parameters(api, "/api/v1/staff/export/")
    assert "allowEmptyValue" not in export["from"] and "allowEmptyValue" not in export["to"]
    assert export["facility"]["allowEmptyValue"] is True


def test_a_slug_filter_takes_the_slug_the_schema_documents(api, db):
    session = SessionFactory()
    other = SessionFactory()
    for name, value in (
        ("facility", session.facility.slug),
        ("program", session.program.slug),
    ):
        ids = [s["id"] for s in api.get(f"/api/v1/sessions/?{name}={value}").json()["results"]]
        assert session.pk in ids and other.pk not in ids, name


def test_error_message_follows_accept_language(api, session):
    ja = api.get("/api/v1/sessions/?audience=x", HTTP_ACCEPT_LANGUAGE="ja").json()["message"]
    en = api.get("/api/v1/sessions/?audience=x", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert en == "A filter value is not valid."
    assert ja != en and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in ja)


def test_unknown_session_is_404_with_body(api, db):
    response = api.get("/api/v1/sessions/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_facilities_and_programs_by_slug(api, session):
    assert (
        api.get(f"/api/v1/facilities/{session.facility.slug}/").json()["name"]
        == session.facility.name
    )
    assert (
        api.get(f"/api/v1/programs/{session.program.slug}/").json()["title"]
        == session.program.title
    )
    assert api.get("/api/v1/facilities/").json()["count"] == 1


def _new_session_body(facility, program):
    start = timezone.now() + timedelta(days=14)
    return {
        "program": program.slug,
        "facility": facility.slug,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "capacity": 12,
        "registration_opens": (start - timedelta(days=20)).isoformat(),
        "registration_closes": (start - timedelta(days=1)).isoformat(),
        "cancellation_deadline": (start - timedelta(days=1)).isoformat(),
    }


def test_staff_create_update_and_cancel_their_sessions(manager_api, facility, program):
    response = manager_api.post(
        "/api/v1/sessions/", _new_session_body(facility, program), format="json"
    )
    assert response.status_code == 201, response.json()
    session_id = response.json()["id"]
    assert response.json()["seats_left"] == 12

    response = manager_api.patch(f"/api/v1/sessions/{session_id}/", {"capacity": 20}, format="json")
    assert response.status_code == 200
    assert Session.objects.get(pk=session_id).capacity == 20

    response = manager_api.post(
        f"/api/v1/sessions/{session_id}/cancel/", {"reason": "台風のため"}, format="json"
    )
    assert response.status_code == 200
    session = Session.objects.get(pk=session_id)
    assert session.status == "cancelled" and session.cancel_reason == "台風のため"
    assert session.sequence == 1


def test_staff_cannot_touch_another_facilitys_sessions(manager_api, program, db):
    other = FacilityFactory()
    theirs = SessionFactory(facility=other, program=program)
    response = manager_api.patch(f"/api/v1/sessions/{theirs.pk}/", {"capacity": 99}, format="json")
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("permission_denied", "not_found")
    response = manager_api.post(f"/api/v1/sessions/{theirs.pk}/cancel/", {}, format="json")
    assert response.status_code in (403, 404)
    response = manager_api.post(
        "/api/v1/sessions/", _new_session_body(other, program), format="json"
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.capacity == 10 and theirs.status == "scheduled"
    assert Session.objects.count() == 1


def test_viewer_cannot_write(api, facility, program, session):
    viewer = staff_user(facility, role="viewer")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(viewer)}")
    response = api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 99}, format="json")
    assert response.status_code == 403


def test_anonymous_writes_are_refused(api, facility, program, session):
    assert (
        api.post(
            "/api/v1/sessions/", _new_session_body(facility, program), format="json"
        ).status_code
        == 401
    )
    assert (
        api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 1}, format="json").status_code
        == 401
    )
    assert api.post(f"/api/v1/sessions/{session.pk}/cancel/", {}, format="json").status_code == 401


def test_session_with_end_before_start_is_400_with_fields(manager_api, facility, program):
    body = _new_session_body(facility, program)
    body["end"] = body["start"]
    response = manager_api.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert "end" in response.json()["fields"]
    assert Session.objects.count() == 0


def test_capacity_below_seats_taken_is_refused(manager_api, session):
    book(session, adults=2, children=2)
    response = manager_api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 3}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_below_taken"
    session.refresh_from_db()
    assert session.capacity == 10


def test_schema_is_valid_openapi_3(api, db):
    from openapi_spec_validator import validate

    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    import json

    spec = json.loads(response.content)
    validate(spec)
    assert "/api/v1/reservations/" in spec["paths"]


def test_docs_page_is_served(client, db):
    assert client.get("/api/docs/").status_code == 200


def test_healthz_reports_the_database(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["database"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.parametrize("value", [-14139, 1.5, True, ["台風"], {"reason": "台風"}], ids=repr)
def test_a_session_cancel_reason_must_be_text(manager_api, session, value):
    book(session)
    response = manager_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": value}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["reason"]
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == ("scheduled", "", 0)
    assert session.reservations.get().status == "confirmed"


@pytest.mark.parametrize(
    "field, value",
    [("title", 2026), ("title", False), ("program", 1), ("facility", 1), ("course", 1)],
)
def test_session_writes_take_text_and_slugs_as_strings(
    manager_api, facility, program, field, value
):
    created = manager_api.post(
        "/api/v1/sessions/", {**_new_session_body(facility, program), field: value}, format="json"
    )
    assert created.status_code == 400 and created.json()["code"] == "invalid"
    assert list(created.json()["fields"]) == [field]
    assert not Session.objects.exists()
    session = SessionFactory(facility=facility, program=program, title="")
    changed = manager_api.patch(f"/api/v1/sessions/{session.pk}/", {field: value}, format="json")
    assert changed.status_code == 400 and list(changed.json()["fields"]) == [field]
    session.refresh_from_db()
    assert (session.title, session.program, session.facility) == ("", program, facility)
