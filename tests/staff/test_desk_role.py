"""Desk staff (受付担当): between a viewer and a manager.

A desk member runs the day at the door, on the pages and through the API: checks parties in and
undoes it, marks the rest as no-show, adds walk-ins. Everything else a manager does stays the
managers' (phone bookings, session changes and cancellation, capacity, the waiting list's
promotion, the lottery, the party page's change and cancel, the schedule, the admin), and a
viewer still only reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from booking.models import Reservation, ReservationStatus
from events.models import BookingMode, Session, StaffMembership, StaffRole
from events.selectors import (
    staff_facility_ids,
    user_can_manage_facility,
    user_can_run_desk,
    user_can_view_facility,
)
from schedule.models import Series
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.staff.conftest import (
    PHONE_CALLER,
    book_before,
    page_client,
    started_session,
    token_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_a(facility_a):
    return staff_user(facility_a, StaffRole.DESK, username="desk-a")


@dataclass
class Day:
    started: Session  # began half an hour ago: check-in, no-shows, walk-ins
    future: Session  # next week: phone bookings, cancel, capacity, the party page
    waiting: Session  # full, a party waiting and a seat given back for the promotion
    lottery: Session  # lottery applications open
    first: Reservation  # two parties of the started session
    second: Reservation
    future_party: Reservation
    waiter: Reservation


@pytest.fixture
def day(facility_a):
    started = started_session(facility=facility_a, capacity=5)
    first = book_before(started, name="受付 一郎", email="first@example.jp").reservation
    second = book_before(started, name="受付 二郎", email="second@example.jp").reservation
    future = SessionFactory(facility=facility_a)
    future_party = book(future, name="予約 花子", email="future@example.jp").reservation
    waiting = SessionFactory(facility=facility_a, capacity=1)
    book(waiting, email="holder@example.jp")
    waiter = book(waiting, email="waiter@example.jp").reservation
    Session.objects.filter(pk=waiting.pk).update(capacity=2)  # a seat for the manual promotion
    lottery = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, email="applicant@example.jp")
    return Day(started, future, waiting, lottery, first, second, future_party, waiter)


def status_of(reservation: Reservation) -> str:
    return Reservation.objects.get(pk=reservation.pk).status


def snapshot():
    """What a refused request must leave as it was: reservations, sessions, series, the log."""
    return (
        sorted(Reservation.objects.values_list("code", "status", "session_id", "adults")),
        sorted(
            Session.objects.values_list(
                "pk", "start", "capacity", "seats_taken", "status", "sequence"
            )
        ),
        Series.objects.count(),
        StaffAction.objects.exclude(kind="export").count(),
    )


# --- what a desk member may do -------------------------------------------------------------


def test_a_desk_member_checks_in_and_undoes_through_the_api(day, desk_a):
    api = token_client(desk_a)
    url = f"/api/v1/sessions/{day.started.pk}/check-in/"
    checked = api.post(url, {"code": day.first.code}, format="json")
    assert checked.status_code == 200, checked.json()
    assert checked.json()["changed"] is True
    assert status_of(day.first) == ReservationStatus.ATTENDED
    undone = api.post(url, {"code": day.first.code, "attended": False}, format="json")
    assert undone.status_code == 200, undone.json()
    assert status_of(day.first) == ReservationStatus.CONFIRMED


def test_a_desk_member_marks_the_rest_as_no_show_through_the_api(day, desk_a):
    api = token_client(desk_a)
    api.post(
        f"/api/v1/sessions/{day.started.pk}/check-in/", {"code": day.first.code}, format="json"
    )
    response = api.post(f"/api/v1/sessions/{day.started.pk}/no-shows/")
    assert response.status_code == 200, response.json()
    assert response.json() == {"count": 1, "codes": [day.second.code]}
    assert status_of(day.first) == ReservationStatus.ATTENDED
    assert status_of(day.second) == ReservationStatus.NO_SHOW


def test_a_desk_member_adds_a_walk_in_through_the_api(day, desk_a):
    response = token_client(desk_a).post(
        f"/api/v1/sessions/{day.started.pk}/walk-ins/",
        {"name": "飛込 太郎", "adults": 1, "check_in": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    walk_in = Reservation.objects.get(code=response.json()["code"])
    assert walk_in.name == "飛込 太郎" and walk_in.session_id == day.started.pk
    assert walk_in.status == ReservationStatus.ATTENDED
    assert Session.objects.get(pk=day.started.pk).seats_taken == 3


def test_a_desk_member_checks_in_undoes_and_marks_no_shows_on_the_pages(day, desk_a):
    client = page_client(desk_a)
    url = f"/staff/sessions/{day.started.pk}/check-in/"
    checked = client.post(url, {"code": day.first.code, "attended": "1"})
    assert checked.status_code == 302
    assert status_of(day.first) == ReservationStatus.ATTENDED
    undone = client.post(url, {"code": day.first.code, "attended": "0"})
    assert undone.status_code == 302
    assert status_of(day.first) == ReservationStatus.CONFIRMED
    client.post(url, {"code": day.second.code, "attended": "1"})
    marked = client.post(f"/staff/sessions/{day.started.pk}/no-shows/")
    assert marked.status_code == 302
    assert status_of(day.first) == ReservationStatus.NO_SHOW
    assert status_of(day.second) == ReservationStatus.ATTENDED


def test_a_desk_member_adds_a_walk_in_on_the_page(day, desk_a):
    client = page_client(desk_a)
    url = f"/staff/sessions/{day.started.pk}/walk-in/"
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    # The page's tabs are a desk member's: the walk-in, not the phone booking or the changes.
    assert f'href="/staff/sessions/{day.started.pk}/walk-in/"' in html
    assert f"/staff/sessions/{day.started.pk}/phone/" not in html
    assert f"/staff/sessions/{day.started.pk}/change/" not in html
    added = client.post(url, {"name": "飛込 花子", "adults": 1, "children": 0, "childcare": 0})
    assert added.status_code == 302
    walk_in = Reservation.objects.get(name="飛込 花子")
    assert walk_in.session_id == day.started.pk
    assert added["Location"].endswith(f"#r-{walk_in.code}")


def test_the_roster_shows_a_desk_member_the_door_controls_only(day, desk_a):
    html = page_client(desk_a).get(f"/staff/sessions/{day.started.pk}/").content.decode()
    assert 'data-check-in="in"' in html and 'data-check-in="undo"' in html
    assert f'action="/staff/sessions/{day.started.pk}/no-shows/"' in html
    assert f'href="/staff/sessions/{day.started.pk}/walk-in/"' in html
    assert f"/staff/sessions/{day.started.pk}/phone/" not in html
    assert f"/staff/sessions/{day.started.pk}/change/" not in html


def test_the_audit_log_records_a_desk_members_actions(day, desk_a):
    api = token_client(desk_a)
    api.post(
        f"/api/v1/sessions/{day.started.pk}/check-in/", {"code": day.first.code}, format="json"
    )
    api.post(
        f"/api/v1/sessions/{day.started.pk}/walk-ins/",
        {"name": "飛込 太郎", "adults": 1},
        format="json",
    )
    api.post(f"/api/v1/sessions/{day.started.pk}/no-shows/")
    log = api.get(f"/api/v1/sessions/{day.started.pk}/audit-log/").json()
    # The walk-in is checked in as it is added (check_in defaults to true on the day).
    assert sorted(a["what"] for a in log) == ["check_in", "check_in", "no_shows", "walk_in"]
    assert {a["who"] for a in log} == {"staff:desk-a"}
    assert StaffAction.objects.filter(actor=desk_a).count() == 4


# --- what stays the managers' --------------------------------------------------------------


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
    return {
        "program": "fureai",
        "facility": "ribbon",
        "weekdays": ["3"],
        "start_time": "13:00",
        "end_time": "14:00",
        "first_date": "2027-02-01",
        "last_date": "2027-02-28",
        "capacity": "10",
        "opens_rule": "days_before",
        "opens_days_before": "30",
        "opens_time": "09:00",
        "closes_days_before": "1",
        "closes_time": "17:00",
        "action": "publish",
        "date": ["2027-02-03"],
    }


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


# --- the selectors -------------------------------------------------------------------------


def test_who_may_run_the_desk(facility_a, facility_b, desk_a, viewer_a, manager_a):
    superuser = get_user_model().objects.create_superuser(username="city", password="pw-1-Admin")
    other_desk = staff_user(facility_b, StaffRole.DESK, username="desk-b")
    assert user_can_run_desk(desk_a, facility_a.pk)
    assert user_can_run_desk(manager_a, facility_a.pk)
    assert user_can_run_desk(superuser, facility_b.pk)
    assert not user_can_run_desk(viewer_a, facility_a.pk)
    assert not user_can_run_desk(other_desk, facility_a.pk)
    assert user_can_view_facility(desk_a, facility_a.pk)
    assert not user_can_manage_facility(desk_a, facility_a.pk)


def test_staff_facility_ids_gives_existing_callers_what_they_got(facility_a, desk_a):
    extra = FacilityFactory(slug="extra")
    StaffMembership.objects.create(user=desk_a, facility=extra, role=StaffRole.MANAGER)
    assert staff_facility_ids(desk_a) == {facility_a.pk, extra.pk}
    assert staff_facility_ids(desk_a, role=StaffRole.MANAGER) == {extra.pk}
    assert staff_facility_ids(desk_a, role=[StaffRole.DESK, StaffRole.MANAGER]) == {
        facility_a.pk,
        extra.pk,
    }
