"""The staff's consultations API: scoped to the staff's facilities; the answers only for the
counsellor and the facility's managers (403 to other staff there, 404 elsewhere)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consultations.models import Appointment, AppointmentStatus
from consultations.services import Family, appointment_book
from events.models import StaffRole
from tests.consultations.conftest import NOW, at
from tests.factories import FacilityFactory, staff_user

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def booked(kind):
    family = Family("山田 花子", "hanako@example.jp", topic="入園", free_text="見学したい")
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    return appointment


def test_answers_for_manager_and_counsellor_only(booked, facility, counsellor):
    path = f"/api/v1/staff/appointments/{booked.code}/answers/"
    manager = staff_user(facility, StaffRole.MANAGER)
    body = client_for(manager).get(path)
    assert body.status_code == 200
    assert body.json()["free_text"] == "見学したい"
    viewer = staff_user(facility, StaffRole.VIEWER)
    assert client_for(viewer).get(path).status_code == 403
    elsewhere = staff_user(FacilityFactory(), StaffRole.MANAGER, username="elsewhere")
    assert client_for(elsewhere).get(path).status_code == 404
    counsellor.user = viewer
    counsellor.save()
    assert client_for(viewer).get(path).status_code == 200
    assert APIClient().get(path).status_code in (401, 403)


def test_the_plan_shows_held_and_free_without_answers(booked, facility, counsellor):
    viewer = staff_user(facility, StaffRole.VIEWER)
    path = f"/api/v1/staff/counsellors/{counsellor.pk}/appointments/?from=2027-01-12&to=2027-01-12"
    response = client_for(viewer).get(path)
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body["held"]] == [booked.code]
    assert "見学したい" not in response.content.decode()
    elsewhere = staff_user(FacilityFactory(), StaffRole.MANAGER, username="elsewhere")
    assert client_for(elsewhere).get(path).status_code == 404


def test_block_book_for_a_caller_and_close(kind, facility, counsellor):
    manager = staff_user(facility, StaffRole.MANAGER)
    client = client_for(manager)
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() != 1:
        day += timedelta(days=1)
    start = f"{day}T10:00:00+09:00"
    blocked = client.post(
        f"/api/v1/staff/counsellors/{counsellor.pk}/blocks/",
        {"start": start, "minutes": 30},
        format="json",
    )
    assert blocked.status_code == 201
    refused = client.post(
        "/api/v1/staff/appointments/",
        {"consultation": kind.slug, "start": start, "name": "電話 太郎", "email": "t@example.jp"},
        format="json",
    )
    assert refused.status_code == 409
    later = f"{day}T11:20:00+09:00"
    made = client.post(
        "/api/v1/staff/appointments/",
        {"consultation": kind.slug, "start": later, "name": "電話 太郎", "email": "t@example.jp"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert Appointment.objects.get(code=code).booked_by_staff
    early = client.post(
        f"/api/v1/staff/appointments/{code}/close/", {"status": "done"}, format="json"
    )
    assert early.status_code == 409
    Appointment.objects.filter(code=code).update(
        start=timezone.now() - timedelta(hours=1),
        end=timezone.now() - timedelta(minutes=30),
        held_until=timezone.now() - timedelta(minutes=20),
    )
    closed = client.post(
        f"/api/v1/staff/appointments/{code}/close/",
        {"status": "no_show", "note": "連絡なし"},
        format="json",
    )
    assert closed.status_code == 200
    appointment = Appointment.objects.get(code=code)
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert appointment.answers.staff_note == "連絡なし"
