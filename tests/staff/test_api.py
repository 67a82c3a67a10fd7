"""Staff API's actions on a session: check-in, walk-ins, move, cancel, capacity, the waiting
list, the draw and no-shows, what each answers and leaves in the database; every staff
endpoint in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from events.models import Session
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import SessionFactory, book
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db


def test_check_in_api_double_tap_and_undo(api_a, facility_a):
    session_a = started_session(facility=facility_a)
    r = book_before(session_a).reservation
    url = f"/api/v1/sessions/{session_a.pk}/check-in/"
    first = api_a.post(url, {"code": r.code}, format="json").json()
    second = api_a.post(url, {"code": r.code.lower()}, format="json").json()
    assert first == {
        "code": r.code,
        "status": "attended",
        "attendance": "attended",
        "changed": True,
        "attended_count": 1,
    }
    assert second["changed"] is False and second["attendance"] == "attended"
    undo = api_a.post(url, {"code": r.code, "attended": False}, format="json").json()
    assert undo["changed"] is True and undo["attendance"] == "" and undo["attended_count"] == 0
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED
    assert StaffAction.objects.filter(kind__in=["check_in", "check_in_undo"]).count() == 2


def test_check_in_api_before_the_session_day_is_409_and_changes_nothing(api_a, session_a):
    r = book(session_a).reservation
    url = f"/api/v1/sessions/{session_a.pk}/check-in/"
    response = api_a.post(url, {"code": r.code}, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 409
    body = response.json()
    assert (
        body["code"] == "check_in_not_open"
        and body["message"] == "受付は開催日の当日から行えます。"
    )
    assert body["opens_on"] == timezone.localdate(session_a.start).isoformat()
    english = api_a.post(url, {"code": r.code}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "Check-in opens on the day of the session."
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED and not StaffAction.objects.exists()


def test_check_in_api_unknown_code_is_404_without_details(api_a, session_a, session_b):
    other = book(session_b, name="他館 花子").reservation
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/check-in/", {"code": other.code}, format="json"
    )
    assert response.status_code == 404
    assert "他館" not in response.content.decode()
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_walk_in_api_with_and_without_override(api_a, facility_a):
    session = started_session(facility=facility_a, capacity=2)
    book_before(session, adults=2)
    url = f"/api/v1/sessions/{session.pk}/walk-ins/"
    party = {"name": "飛込 花子", "adults": 1, "children": 1, "children_ages": [20]}
    refused = api_a.post(url, party, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "override_required"
    assert refused.json()["seats_left"] == 0
    assert Reservation.objects.filter(session=session).count() == 1
    accepted = api_a.post(url, {**party, "override_reason": "見学スペースで対応"}, format="json")
    assert accepted.status_code == 201, accepted.json()
    body = accepted.json()
    assert (body["status"], body["attendance"]) == ("attended", "attended")
    assert (body["session"]["capacity"], body["session"]["seats_taken"]) == (4, 4)
    walk_in = Reservation.objects.get(code=body["code"])
    assert walk_in.source == "walk_in" and walk_in.children_ages == [20]
    assert StaffAction.objects.get(kind="walk_in").reason == "見学スペースで対応"


def test_walk_in_api_validates_the_party(api_a, facility_a):
    session = started_session(facility=facility_a)
    response = api_a.post(
        f"/api/v1/sessions/{session.pk}/walk-ins/",
        {"name": "", "adults": 0, "children": 0, "childcare": 1},
        format="json",
    )
    assert response.status_code == 400
    assert {"name", "adults"} <= set(response.json()["fields"])
    assert not Reservation.objects.exists()


def test_move_api_tells_every_party(api_a, session_a):
    parties = [book(session_a, email=f"m{i}@example.jp").reservation for i in range(2)]
    start = (session_a.start + timedelta(days=1)).replace(microsecond=0)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/move/",
        {
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "reason": "講師都合",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["sequence"] == 1
    session_a.refresh_from_db()
    assert session_a.start == start
    for r in parties:
        assert Notification.objects.filter(reservation=r, kind="session_changed").count() == 1


def test_move_api_needs_a_reason(api_a, session_a):
    start = session_a.start + timedelta(days=1)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/move/",
        {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    session_a.refresh_from_db()
    assert session_a.sequence == 0


def test_cancel_api_cancels_and_queues_apologies(api_a, session_a):
    parties = [book(session_a, email=f"c{i}@example.jp").reservation for i in range(3)]
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/cancellation/", {"reason": "警報発令"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["seats_taken"] == 0
    assert set(Reservation.objects.values_list("status", flat=True)) == {"cancelled"}
    assert (
        Notification.objects.filter(
            reservation__in=parties, kind="session_cancelled", payload__reason="警報発令"
        ).count()
        == 3
    )
    again = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/cancellation/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "session_cancelled"


def test_capacity_api_refuses_below_taken_with_a_clear_message(api_a, session_a):
    book(session_a, adults=2, children=2)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/capacity/",
        {"capacity": 3},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "capacity_below_taken"
    assert "4" in body["message"] and body["seats_taken"] == 4
    assert body["fields"]["capacity"]
    session_a.refresh_from_db()
    assert session_a.capacity == 10


def test_capacity_api_raise_promotes(api_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    waiting = book(session_a, email="w@example.jp").reservation
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/capacity/", {"capacity": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["promoted"] == [waiting.code]
    assert Notification.objects.filter(reservation=waiting, kind="promoted").exists()


def test_waiting_list_and_manual_promotion_api(api_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    w1 = book(session_a, email="w1@example.jp").reservation
    w2 = book(session_a, email="w2@example.jp").reservation
    url = f"/api/v1/sessions/{session_a.pk}/waiting-list/"
    body = api_a.get(url).json()
    assert [(p["position"], p["code"]) for p in body["waiting"]] == [(1, w1.code), (2, w2.code)]
    Session.objects.filter(pk=session_a.pk).update(capacity=2)
    no_reason = api_a.post(url + "promote/", {"code": w2.code, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    promoted = api_a.post(
        url + "promote/", {"code": w2.code, "reason": "医師の指示"}, format="json"
    )
    assert promoted.status_code == 200
    assert [p["code"] for p in promoted.json()["waiting"]] == [w1.code]
    w2.refresh_from_db()
    assert w2.status == "confirmed"


def test_draw_api(api_a, facility_a):
    from events.models import BookingMode
    from tests.factories import ProgramFactory

    session = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY), capacity=1
    )
    for i in range(3):
        book(session, email=f"l{i}@example.jp")
    body = api_a.post(f"/api/v1/sessions/{session.pk}/lottery/draw/").json()
    assert body["draw"]["winners"] == 1 and body["draw"]["drawn"] == 3
    assert len(body["waiting"]) == 2 and body["applicants"] == []


def test_no_shows_api_before_start_is_refused(api_a, session_a):
    book(session_a)
    response = api_a.post(f"/api/v1/sessions/{session_a.pk}/no-shows/")
    assert response.status_code == 409 and response.json()["code"] == "session_not_started"


def test_every_staff_endpoint_is_in_the_openapi_schema(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    paths = schema["paths"]
    expected = {
        "/api/v1/sessions/{id}/roster/": "get",
        "/api/v1/sessions/{id}/check-in/": "post",
        "/api/v1/sessions/{id}/no-shows/": "post",
        "/api/v1/sessions/{id}/walk-ins/": "post",
        "/api/v1/sessions/{id}/move/": "post",
        "/api/v1/sessions/{id}/cancellation/": "post",
        "/api/v1/sessions/{id}/capacity/": "post",
        "/api/v1/sessions/{id}/waiting-list/": "get",
        "/api/v1/sessions/{id}/waiting-list/promote/": "post",
        "/api/v1/sessions/{id}/lottery/draw/": "post",
        "/api/v1/sessions/{id}/audit-log/": "get",
        "/api/v1/staff/today/": "get",
        "/api/v1/staff/export/": "get",
        "/api/v1/staff/report/": "get",
    }
    for path, method in expected.items():
        operation = paths[path][method]
        for status in ("401", "403", "404"):
            content = operation["responses"][status]["content"]
            assert content["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    roster = paths["/api/v1/sessions/{id}/roster/"]["get"]
    assert set(roster["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "format" in [p["name"] for p in roster["parameters"]]
