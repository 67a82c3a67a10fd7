"""Desk staff (受付担当): between a viewer and a manager.

A desk member runs the day at the door, on the pages and through the API: checks parties in and
undoes it, marks the rest as no-show, adds walk-ins, and the audit log says who did. The
selectors say who may run the desk. What stays the managers' is in test_desk_role_refusals.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from booking.models import Reservation, ReservationStatus
from events.models import Session, StaffMembership, StaffRole
from events.selectors import (
    staff_facility_ids,
    user_can_manage_facility,
    user_can_run_desk,
    user_can_view_facility,
)
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, staff_user
from tests.staff.conftest import page_client, token_client
from tests.staff.desk_day import status_of

pytestmark = pytest.mark.django_db


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
