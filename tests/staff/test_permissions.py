"""Who may do what, for every staff endpoint and page.

Facility A has a manager and a viewer; facility B has a manager; one user works nowhere; one is
a city administrator (superuser). Every endpoint and page is tried by each of them and by
nobody: another facility's session does not exist (404, with none of its people in the
answer), a viewer reads but cannot write (403), nobody logged in gets 401 (API) or the login
page (pages), and a refused write changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.models import Reservation
from events.models import BookingMode, Session, StaffRole
from staffdesk.models import StaffAction
from tests.factories import ProgramFactory, SessionFactory, book, staff_user
from tests.staff.conftest import book_before, page_client, started_session, token_client

pytestmark = pytest.mark.django_db

SECRET_NAME = "秘密 花子"  # a party of facility A: must never show up for anybody else
SECRET_EMAIL = "secret-parent@example.jp"


@dataclass
class World:
    started: Session  # began 30 minutes ago: check-in, no-shows, walk-ins
    future: Session  # next week: move, cancel, capacity
    waiting: Session  # full, with a waitlisted party and one seat given back
    lottery: Session  # lottery applications open
    party_code: str
    waiting_code: str


@pytest.fixture
def world(facility_a, facility_b):
    started = started_session(facility=facility_a, capacity=3)
    party = book_before(started, name=SECRET_NAME, email=SECRET_EMAIL).reservation
    future = SessionFactory(facility=facility_a)
    book(future, name=SECRET_NAME, email=SECRET_EMAIL)
    waiting = SessionFactory(facility=facility_a, capacity=1)
    book(waiting, email="holder@example.jp")
    waiter = book(waiting, name=SECRET_NAME, email=SECRET_EMAIL).reservation
    Session.objects.filter(pk=waiting.pk).update(capacity=2)  # a seat for the manual promotion
    lottery = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, name=SECRET_NAME, email=SECRET_EMAIL)
    return World(started, future, waiting, lottery, party.code, waiter.code)


@pytest.fixture
def users(facility_a, facility_b):
    User = get_user_model()
    nobody_staff = User.objects.create_user(username="no-facility", password="pw-Staff-123")
    admin = User.objects.create_superuser(username="city-admin", password="pw-Staff-123")
    return {
        "anonymous": None,
        "manager_b": staff_user(facility_b, StaffRole.MANAGER, username="manager-b"),
        "no_facility": nobody_staff,
        "viewer_a": staff_user(facility_a, StaffRole.VIEWER, username="viewer-a"),
        "manager_a": staff_user(facility_a, StaffRole.MANAGER, username="manager-a"),
        "superuser": admin,
    }


def in_a_week():
    return (timezone.now() + timedelta(days=9)).replace(microsecond=0)


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
FACILITY_WIDE = {"today", "export", "export_csv", "report", "report_csv"}


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


def snapshot():
    return (
        sorted(Reservation.objects.values_list("code", "status", "session_id", "course_id")),
        sorted(
            Session.objects.values_list(
                "pk", "start", "facility_id", "capacity", "seats_taken", "status", "sequence"
            )
        ),
        StaffAction.objects.filter(kind__in=["check_in", "walk_in", "session_move"]).count(),
        StaffAction.objects.exclude(kind="export").count(),
    )


ROLES = ["anonymous", "manager_b", "no_facility", "viewer_a", "manager_a", "superuser"]


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


# --- pages -------------------------------------------------------------------------------

# name, method, url, form data, writes?, status on success (302: a redirect after a POST)
PAGES = [
    ("today", "get", lambda w: "/staff/", None, False, 200),
    ("today_facility", "get", lambda w: "/staff/?facility=ribbon", None, False, 200),
    ("roster", "get", lambda w: f"/staff/sessions/{w.started.pk}/", None, False, 200),
    ("print", "get", lambda w: f"/staff/sessions/{w.started.pk}/print/", None, False, 200),
    ("roster_csv", "get", lambda w: f"/staff/sessions/{w.started.pk}/roster.csv", None, False, 200),
    ("audit", "get", lambda w: f"/staff/sessions/{w.started.pk}/audit/", None, False, 200),
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


def test_staff_tokens_are_managed_in_the_admin(users):
    token_client(users["manager_a"])  # issues manager-a a token
    client = page_client(users["superuser"])
    response = client.get("/admin/core/apitoken/")
    assert response.status_code == 200
    assert b"manager-a" in response.content


def test_the_audit_log_is_read_only_in_the_admin_and_scoped(world, users, facility_b):
    from staffdesk.models import StaffAction as Action

    Action.objects.create(
        actor_label="staff:x@example.jp", kind="check_in", facility=facility_b, reason="B"
    )
    Action.objects.create(
        actor_label="staff:y@example.jp",
        kind="check_in",
        facility=world.started.facility,
        reason="A",
    )
    admin = page_client(users["superuser"])
    listing = admin.get("/admin/staffdesk/staffaction/")
    assert listing.status_code == 200
    assert b"x@example.jp" in listing.content and b"y@example.jp" in listing.content
    assert admin.get("/admin/staffdesk/staffaction/add/").status_code == 403
    # A facility-B staff member with admin access sees only B's entries.
    staff_b = users["manager_b"]
    staff_b.is_staff = True
    staff_b.save()
    from django.contrib.auth.models import Permission

    staff_b.user_permissions.add(Permission.objects.get(codename="view_staffaction"))
    scoped = page_client(staff_b).get("/admin/staffdesk/staffaction/")
    assert scoped.status_code == 200
    assert b"x@example.jp" in scoped.content and b"y@example.jp" not in scoped.content
