"""Staff API refusals of malformed input: a number or a boolean in a text field, or an empty
facility, is a 400 in the request's language and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.models import Reservation, ReservationStatus
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db


def staff_state(session) -> tuple:
    """What a staff request could change: the session, its parties, the log and the outbox."""
    session.refresh_from_db()
    return (
        session.start,
        session.end,
        session.facility_id,
        session.capacity,
        session.status,
        session.sequence,
        sorted(Reservation.objects.values_list("code", "status", "name", "phone", "notes")),
        StaffAction.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("walk-ins", {"name": 12345}, "name"),
        ("walk-ins", {"name": "飛込 花子", "name_kana": True}, "name_kana"),
        ("walk-ins", {"name": "飛込 花子", "phone": 9012345678}, "phone"),
        ("walk-ins", {"name": "飛込 花子", "email": 5}, "email"),
        ("walk-ins", {"name": "飛込 花子", "notes": 1.5}, "notes"),
        ("walk-ins", {"name": "飛込 花子", "override_reason": -1}, "override_reason"),
        ("move", {"reason": -14139}, "reason"),
        ("move", {"reason": "講師都合", "facility": 1}, "facility"),
        ("cancellation", {"reason": -14139}, "reason"),
        ("cancellation", {"reason": False}, "reason"),
        ("capacity", {"capacity": 50, "reason": 7}, "reason"),
        ("check-in", {"code": 12345}, "code"),
        ("waiting-list/promote", {"code": 1234567, "reason": "電話で依頼"}, "code"),
        ("waiting-list/promote", {"code": "WAITING", "reason": ["電話"]}, "reason"),
    ],
)
def test_a_number_or_boolean_in_a_staff_text_field_is_400_and_changes_nothing(
    api_a, facility_a, path, body, field
):
    session = started_session(facility=facility_a, capacity=1)
    book_before(session, email="seated@example.jp")
    waiting = book_before(session, email="waiting@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    if path == "move":
        start = session.start + timedelta(days=1)
        body = {**body, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    if body.get("code") == "WAITING":
        body = {**body, "code": waiting.code}
    before = staff_state(session)
    response = api_a.post(f"/api/v1/sessions/{session.pk}/{path}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and response.json()["message"]
    assert list(response.json()["fields"]) == [field]
    assert staff_state(session) == before


def test_a_staff_text_refusal_follows_the_request_language(api_a, session_a):
    url = f"/api/v1/sessions/{session_a.pk}/cancellation/"
    ja = api_a.post(url, {"reason": 1}, format="json", HTTP_ACCEPT_LANGUAGE="ja").json()
    en = api_a.post(url, {"reason": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert ja["fields"] == {"reason": ["文字列で指定してください。"]}
    assert ja["message"] == "入力内容に誤りがあります。"
    assert en["fields"] == {"reason": ["Not a valid string."]}
    assert en["message"] == "The request has invalid fields."
    session_a.refresh_from_db()
    assert session_a.status == "scheduled"


@pytest.mark.parametrize("facility", ["", None, "   "])
def test_a_move_naming_an_empty_facility_is_400_not_a_silent_200(api_a, facility_a, facility):
    session = started_session(facility=facility_a, capacity=5)
    start = session.start + timedelta(days=1)
    body = {
        "reason": "講師都合",
        "facility": facility,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }
    before = staff_state(session)
    response = api_a.post(f"/api/v1/sessions/{session.pk}/move/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["facility"]
    assert staff_state(session) == before
