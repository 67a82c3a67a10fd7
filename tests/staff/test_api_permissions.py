"""Who may do what, for every staff API endpoint.

Facility A has a manager and a viewer; facility B has a manager; one user works nowhere; one is
a city administrator (superuser). Every endpoint is tried by each of them and by nobody:
another facility's session does not exist (404, with none of its people in the answer), a
viewer reads but cannot write (403), nobody logged in gets 401, and a refused write changes
nothing. The facility-wide reads show only one's own facilities.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import book
from tests.staff.conftest import token_client
from tests.staff.permission_world import (
    ROLES,
    SECRET_EMAIL,
    SECRET_NAME,
    in_a_week,
    snapshot,
)

pytestmark = pytest.mark.django_db


# name, method, url (from the world), body (from the world), writes?, status on success
API = [
    ("roster", "get", lambda w: f"/api/v1/sessions/{w.started.pk}/roster/", None, False, 200),
    (
        "roster_csv",
        "get",
        lambda w: f"/api/v1/sessions/{w.started.pk}/roster/?format=csv",
        None,
        False,
        200,
    ),
    (
        "waiting_list",
        "get",
        lambda w: f"/api/v1/sessions/{w.waiting.pk}/waiting-list/",
        None,
        False,
        200,
    ),
    ("audit_log", "get", lambda w: f"/api/v1/sessions/{w.started.pk}/audit-log/", None, False, 200),
    (
        "check_in",
        "post",
        lambda w: f"/api/v1/sessions/{w.started.pk}/check-in/",
        lambda w: {"code": w.party_code},
        True,
        200,
    ),
    (
        "no_shows",
        "post",
        lambda w: f"/api/v1/sessions/{w.started.pk}/no-shows/",
        lambda w: {},
        True,
        200,
    ),
    (
        "walk_in",
        "post",
        lambda w: f"/api/v1/sessions/{w.started.pk}/walk-ins/",
        lambda w: {"name": "飛込 太郎", "adults": 1},
        True,
        201,
    ),
    (
        "move",
        "post",
        lambda w: f"/api/v1/sessions/{w.future.pk}/move/",
        lambda w: {
            "start": in_a_week().isoformat(),
            "end": (in_a_week() + timedelta(hours=1)).isoformat(),
            "reason": "会場変更",
        },
        True,
        200,
    ),
    (
        "cancel",
        "post",
        lambda w: f"/api/v1/sessions/{w.future.pk}/cancellation/",
        lambda w: {"reason": "台風接近のため"},
        True,
        200,
    ),
    (
        "capacity",
        "post",
        lambda w: f"/api/v1/sessions/{w.future.pk}/capacity/",
        lambda w: {"capacity": 12},
        True,
        200,
    ),
    (
        "promote",
        "post",
        lambda w: f"/api/v1/sessions/{w.waiting.pk}/waiting-list/promote/",
        lambda w: {"code": w.waiting_code, "reason": "きょうだいで参加"},
        True,
        200,
    ),
    (
        "draw",
        "post",
        lambda w: f"/api/v1/sessions/{w.lottery.pk}/lottery/draw/",
        lambda w: {},
        True,
        200,
    ),
    # Facility-wide reads, asked for facility A by slug.
    ("today", "get", lambda w: "/api/v1/staff/today/?facility=ribbon", None, False, 200),
    ("scanned", "get", lambda w: f"/api/v1/staff/check-in/{w.party_code}/", None, False, 200),
    (
        "export",
        "get",
        lambda w: f"/api/v1/staff/export/?facility=ribbon&from={timezone.localdate()}"
        f"&to={timezone.localdate() + timedelta(days=30)}",
        None,
        False,
        200,
    ),
    (
        "export_csv",
        "get",
        lambda w: f"/api/v1/staff/export/?facility=ribbon&format=csv&from={timezone.localdate()}"
        f"&to={timezone.localdate() + timedelta(days=30)}",
        None,
        False,
        200,
    ),
    ("report", "get", lambda w: "/api/v1/staff/report/?facility=ribbon", None, False, 200),
    (
        "report_csv",
        "get",
        lambda w: "/api/v1/staff/report/?facility=ribbon&format=csv",
        None,
        False,
        200,
    ),
]
# A 受付用QRコード read by a user who is nobody's staff: refused as the facility-wide reads are.
FACILITY_WIDE = {"today", "export", "export_csv", "report", "report_csv", "scanned"}


def expected_api_status(role: str, name: str, writes: bool, success: int) -> int:
    if role == "anonymous":
        return 401
    if role == "manager_b":
        return 404
    if role == "no_facility":
        return 403 if name in FACILITY_WIDE else 404
    if role == "viewer_a" and writes:
        return 403
    return success


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, url, body, writes, success", API, ids=[e[0] for e in API])
def test_api_permission_matrix(world, users, role, name, method, url, body, writes, success):
    client = token_client(users[role])
    before = snapshot()
    data = body(world) if body else None
    response = (
        getattr(client, method)(url(world), data, format="json")
        if data is not None
        else (getattr(client, method)(url(world)))
    )
    expected = expected_api_status(role, name, writes, success)
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        body_json = response.json()
        assert set(body_json) >= {"code", "message"}
        assert (
            body_json["code"]
            == {
                401: "not_authenticated",
                403: "permission_denied",
                404: "not_found",
            }[expected]
        )
        text = response.content.decode()
        assert SECRET_NAME not in text and SECRET_EMAIL not in text
        assert snapshot() == before, "a refused request changed data"
        if expected == 401:
            assert response["WWW-Authenticate"].startswith("Token")
    elif writes:
        assert snapshot() != before, "an accepted write changed nothing"


@pytest.mark.parametrize("path", ["today", "export", "report"])
def test_facility_wide_reads_only_show_your_own_facilities(world, users, session_b, path):
    book(session_b, name="別館 太郎", email="other@example.jp")
    day = timezone.localdate(world.future.start)
    urls = {
        "today": f"/api/v1/staff/today/?date={day}",
        "export": f"/api/v1/staff/export/?format=csv&from={timezone.localdate()}"
        f"&to={timezone.localdate() + timedelta(days=30)}",
        "report": "/api/v1/staff/report/",
    }
    seen_by_b = token_client(users["manager_b"]).get(urls[path])
    seen_by_a = token_client(users["manager_a"]).get(urls[path])
    assert seen_by_b.status_code == seen_by_a.status_code == 200
    text_b = seen_by_b.content.decode("utf-8-sig")
    assert "すこやか子育て交流館" not in text_b and SECRET_NAME not in text_b
    if path == "export":
        assert "別館 太郎" in text_b
        assert SECRET_NAME in seen_by_a.content.decode("utf-8-sig")
        assert "別館 太郎" not in seen_by_a.content.decode("utf-8-sig")
