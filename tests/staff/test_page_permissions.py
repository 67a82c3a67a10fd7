"""Who may do what, for every staff page.

Facility A has a manager and a viewer; facility B has a manager; one user works nowhere; one is
a city administrator (superuser). Every page is tried by each of them and by nobody: another
facility's session does not exist (404, with none of its people in the answer), a viewer reads
but cannot write (403), nobody logged in gets the login page, and a refused write changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.staff.conftest import page_client
from tests.staff.permission_world import (
    ROLES,
    SECRET_EMAIL,
    SECRET_NAME,
    in_a_week,
    snapshot,
)

pytestmark = pytest.mark.django_db


# name, method, url, form data, writes?, status on success (302: a redirect after a POST)
PAGES = [
    ("today", "get", lambda w: "/staff/", None, False, 200),
    ("today_facility", "get", lambda w: "/staff/?facility=ribbon", None, False, 200),
    ("roster", "get", lambda w: f"/staff/sessions/{w.started.pk}/", None, False, 200),
    ("print", "get", lambda w: f"/staff/sessions/{w.started.pk}/print/", None, False, 200),
    ("roster_csv", "get", lambda w: f"/staff/sessions/{w.started.pk}/roster.csv", None, False, 200),
    ("audit", "get", lambda w: f"/staff/sessions/{w.started.pk}/audit/", None, False, 200),
    ("scanned", "get", lambda w: f"/staff/check-in/{w.party_code}/", None, False, 200),
    (
        "waiting_list",
        "get",
        lambda w: f"/staff/sessions/{w.waiting.pk}/waiting-list/",
        None,
        False,
        200,
    ),
    ("walk_in_form", "get", lambda w: f"/staff/sessions/{w.started.pk}/walk-in/", None, True, 200),
    ("change_form", "get", lambda w: f"/staff/sessions/{w.future.pk}/change/", None, True, 200),
    (
        "check_in",
        "post",
        lambda w: f"/staff/sessions/{w.started.pk}/check-in/",
        lambda w: {"code": w.party_code, "attended": "1"},
        True,
        302,
    ),
    (
        "no_shows",
        "post",
        lambda w: f"/staff/sessions/{w.started.pk}/no-shows/",
        lambda w: {},
        True,
        302,
    ),
    (
        "walk_in",
        "post",
        lambda w: f"/staff/sessions/{w.started.pk}/walk-in/",
        lambda w: {"name": "飛込 太郎", "adults": 1, "children": 0, "childcare": 0},
        True,
        302,
    ),
    (
        "move",
        "post",
        lambda w: f"/staff/sessions/{w.future.pk}/change/",
        lambda w: {
            "action": "move",
            "start": timezone.localtime(in_a_week()).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime(in_a_week() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "facility": "ribbon",
            "reason": "会場変更",
            "confirm": "1",  # past the step that shows the emails (issue 21)
        },
        True,
        302,
    ),
    (
        "cancel",
        "post",
        lambda w: f"/staff/sessions/{w.future.pk}/change/",
        lambda w: {"action": "cancel", "reason": "台風", "confirm": "on"},
        True,
        302,
    ),
    (
        "capacity",
        "post",
        lambda w: f"/staff/sessions/{w.future.pk}/change/",
        lambda w: {"action": "capacity", "capacity": 12},
        True,
        302,
    ),
    (
        "promote",
        "post",
        lambda w: f"/staff/sessions/{w.waiting.pk}/waiting-list/",
        lambda w: {"action": "promote", "code": w.waiting_code, "reason": "優先"},
        True,
        302,
    ),
    (
        "draw",
        "post",
        lambda w: f"/staff/sessions/{w.lottery.pk}/waiting-list/",
        lambda w: {"action": "draw"},
        True,
        302,
    ),
    ("report", "get", lambda w: "/staff/report/?facility=ribbon", None, False, 200),
    ("report_csv", "get", lambda w: "/staff/report.csv?facility=ribbon", None, False, 200),
    (
        "export",
        "get",
        lambda w: f"/staff/export/?facility=ribbon&date_from={timezone.localdate()}"
        f"&date_to={timezone.localdate() + timedelta(days=30)}",
        None,
        False,
        200,
    ),
]
PAGE_FACILITY_WIDE = {"today", "report", "report_csv"}


def expected_page_status(role: str, name: str, writes: bool, success: int) -> int:
    if role == "anonymous":
        return 302
    if role == "no_facility":
        return 403
    if role == "manager_b":
        if name in ("today",):
            return 200  # their own facility's day
        if name == "export":
            return 400  # facility A is not a choice in their form
        return 404
    if role == "viewer_a" and writes:
        return 403
    return success


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name, method, url, body, writes, success", PAGES, ids=[p[0] for p in PAGES]
)
def test_page_permission_matrix(world, users, role, name, method, url, body, writes, success):
    client = page_client(users[role])
    before = snapshot()
    target = url(world)
    response = getattr(client, method)(target, body(world) if body else None)
    expected = expected_page_status(role, name, writes, success)
    assert response.status_code == expected, (response.status_code, response.content[:400])
    if role == "anonymous":
        assert response["Location"].startswith("/staff/accounts/login/?next=")
    if expected >= 400 or role == "anonymous":
        text = response.content.decode("utf-8-sig")
        assert SECRET_NAME not in text and SECRET_EMAIL not in text
        assert snapshot() == before, "a refused request changed data"
    elif writes and method == "post":
        assert snapshot() != before, "an accepted write changed nothing"
        follow = client.get(response["Location"])
        assert follow.status_code == 200
        assert b'class="message error"' not in follow.content
