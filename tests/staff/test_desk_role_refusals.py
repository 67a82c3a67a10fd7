"""What a desk member (受付担当) may not do: everything else a manager does stays the managers'
(phone bookings, session changes and cancellation, capacity, the waiting list's promotion, the
lottery, the party page's change and cancel, the schedule, the admin), and a viewer still only
reads while a manager still runs the desk and the rest.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from booking.models import ReservationStatus
from events.models import StaffMembership, StaffRole
from tests.factories import ProgramFactory
from tests.schedule.series_setup import series_page_form
from tests.staff.conftest import PHONE_CALLER, page_client, token_client
from tests.staff.desk_day import snapshot, status_of

pytestmark = pytest.mark.django_db


def series_pattern() -> dict:
    return {
        "program": "fureai",
        "facility": "ribbon",
        "weekdays": [1, 5],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": "2027-01-01",
        "last_date": "2027-01-31",
        "capacity": 15,
    }


# name, url (from the day), body (from the day)
MANAGER_APIS = [
    (
        "phone_booking",
        lambda d: f"/api/v1/sessions/{d.future.pk}/phone-bookings/",
        lambda d: PHONE_CALLER,
    ),
    (
        "cancel",
        lambda d: f"/api/v1/sessions/{d.future.pk}/cancellation/",
        lambda d: {"reason": "台風接近のため"},
    ),
    ("capacity", lambda d: f"/api/v1/sessions/{d.future.pk}/capacity/", lambda d: {"capacity": 12}),
    (
        "promote",
        lambda d: f"/api/v1/sessions/{d.waiting.pk}/waiting-list/promote/",
        lambda d: {"code": d.waiter.code, "reason": "きょうだいで参加"},
    ),
    ("draw", lambda d: f"/api/v1/sessions/{d.lottery.pk}/lottery/draw/", lambda d: {}),
    ("series_publish", lambda d: "/api/v1/series/", lambda d: series_pattern()),
]


@pytest.mark.parametrize("name, url, body", MANAGER_APIS, ids=[e[0] for e in MANAGER_APIS])
def test_a_desk_member_is_refused_what_takes_a_manager_in_the_api(day, desk_a, name, url, body):
    ProgramFactory(slug="fureai")
    before = snapshot()
    response = token_client(desk_a).post(url(day), body(day), format="json")
    assert response.status_code == 403, response.content[:300]
    assert response.json()["code"] == "permission_denied"
    assert snapshot() == before, "a refused request changed data"


def series_form() -> dict:
    return series_page_form(action="publish", date=["2027-02-03"])


MANAGER_PAGES = [
    (
        "phone_booking",
        lambda d: f"/staff/sessions/{d.future.pk}/phone/",
        lambda d: {**PHONE_CALLER, "children_ages": "", "childcare": 0},
    ),
    (
        "cancel",
        lambda d: f"/staff/sessions/{d.future.pk}/change/",
        lambda d: {"action": "cancel", "reason": "台風", "confirm": "on"},
    ),
    (
        "capacity",
        lambda d: f"/staff/sessions/{d.future.pk}/change/",
        lambda d: {"action": "capacity", "capacity": 12},
    ),
    (
        "promote",
        lambda d: f"/staff/sessions/{d.waiting.pk}/waiting-list/",
        lambda d: {"action": "promote", "code": d.waiter.code, "reason": "優先"},
    ),
    (
        "draw",
        lambda d: f"/staff/sessions/{d.lottery.pk}/waiting-list/",
        lambda d: {"action": "draw"},
    ),
    (
        "party_cancel",
        lambda d: f"/staff/sessions/{d.future.pk}/parties/{d.future_party.code}/",
        lambda d: {"action": "cancel", "reason": "電話で依頼", "confirm": "1"},
    ),
    (
        "party_change",
        lambda d: f"/staff/sessions/{d.future.pk}/parties/{d.future_party.code}/",
        lambda d: {"action": "party", "adults": 2, "children": 0},
    ),
    ("series_publish", lambda d: "/staff/schedule/series/new/", lambda d: series_form()),
]


@pytest.mark.parametrize("name, url, body", MANAGER_PAGES, ids=[e[0] for e in MANAGER_PAGES])
def test_a_desk_member_is_refused_what_takes_a_manager_on_the_pages(day, desk_a, name, url, body):
    ProgramFactory(slug="fureai")
    before = snapshot()
    response = page_client(desk_a).post(url(day), body(day))
    assert response.status_code == 403, response.content[:300]
    assert snapshot() == before, "a refused request changed data"


@pytest.mark.parametrize("name, url, body", MANAGER_APIS, ids=[e[0] for e in MANAGER_APIS])
def test_the_same_api_requests_pass_for_a_manager(day, manager_a, name, url, body):
    """The refusals above are the role's: the same requests get past it for a manager."""
    ProgramFactory(slug="fureai")
    response = token_client(manager_a).post(url(day), body(day), format="json")
    assert response.status_code in (200, 201), response.content[:300]


@pytest.mark.parametrize("name, url, body", MANAGER_PAGES, ids=[e[0] for e in MANAGER_PAGES])
def test_the_same_page_requests_pass_for_a_manager(day, manager_a, name, url, body):
    ProgramFactory(slug="fureai")
    response = page_client(manager_a).post(url(day), body(day))
    assert response.status_code == 302, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        lambda d: f"/staff/sessions/{d.future.pk}/phone/",
        lambda d: f"/staff/sessions/{d.future.pk}/change/",
    ],
    ids=["phone_booking", "change"],
)
def test_a_desk_member_does_not_get_the_manager_pages(day, desk_a, path):
    assert page_client(desk_a).get(path(day)).status_code == 403


def test_the_party_page_shows_a_desk_member_no_change_or_cancel(day, desk_a):
    url = f"/staff/sessions/{day.future.pk}/parties/{day.future_party.code}/"
    response = page_client(desk_a).get(url)
    assert response.status_code == 200
    assert not re.search(r'name="action" value="(party|cancel)"', response.content.decode())


def test_a_desk_member_gets_no_admin(facility_a):
    call_command("create_staff", "desk@example.jp", "--facility", "ribbon", "--role", "desk")
    user = get_user_model().objects.get(username="desk@example.jp")
    assert StaffMembership.objects.get(user=user).role == StaffRole.DESK
    assert not user.is_staff and not user.groups.exists()
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 302  # to the admin's login
    assert client.get("/staff/").status_code == 200


def test_a_manager_made_desk_staff_loses_the_admin(facility_a):
    call_command("create_staff", "clerk@example.jp", "--facility", "ribbon")
    user = get_user_model().objects.get(username="clerk@example.jp")
    assert user.is_staff
    call_command("create_staff", "clerk@example.jp", "--facility", "ribbon", "--role", "desk")
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


# --- viewers and managers as before --------------------------------------------------------


def test_a_viewer_still_cannot_run_the_desk(day, viewer_a):
    before = snapshot()
    api = token_client(viewer_a)
    base = f"/api/v1/sessions/{day.started.pk}"
    assert api.post(f"{base}/check-in/", {"code": day.first.code}, format="json").status_code == 403
    assert api.post(f"{base}/no-shows/").status_code == 403
    assert (
        api.post(f"{base}/walk-ins/", {"name": "飛込 太郎", "adults": 1}, format="json").status_code
        == 403
    )
    client = page_client(viewer_a)
    page = f"/staff/sessions/{day.started.pk}"
    assert client.post(f"{page}/check-in/", {"code": day.first.code}).status_code == 403
    assert client.post(f"{page}/no-shows/").status_code == 403
    assert client.get(f"{page}/walk-in/").status_code == 403
    assert snapshot() == before
    html = client.get(f"{page}/").content.decode()
    assert 'data-check-in="in"' not in html and f"{page}/walk-in/" not in html
    assert f"{page}/no-shows/" not in html


def test_a_manager_still_runs_the_desk_and_the_rest(day, manager_a):
    api = token_client(manager_a)
    checked = api.post(
        f"/api/v1/sessions/{day.started.pk}/check-in/", {"code": day.first.code}, format="json"
    )
    assert checked.status_code == 200
    assert status_of(day.first) == ReservationStatus.ATTENDED
    capacity = api.post(
        f"/api/v1/sessions/{day.future.pk}/capacity/", {"capacity": 12}, format="json"
    )
    assert capacity.status_code == 200
    html = page_client(manager_a).get(f"/staff/sessions/{day.started.pk}/").content.decode()
    assert f"/staff/sessions/{day.started.pk}/phone/" in html
    assert f"/staff/sessions/{day.started.pk}/walk-in/" in html
