"""Appointments' personal data under the reservations' rules: purged after the retention period,
erased on request; the counts (type, time, status) stay."""

from __future__ import annotations

from datetime import timedelta

from booking.privacy import DataSubject
from consultations.models import Appointment, AppointmentStatus
from consultations.privacy import appointments_erase, appointments_purge
from consultations.services import Family, appointment_block, appointment_book, appointment_close
from notifications.models import Notification
from tests.consultations.conftest import NOW, at

FAMILY = Family("山田 花子", "hanako@example.jp", phone="090", topic="入園", free_text="見学")


def test_the_purge_removes_names_answers_and_notes_after_the_retention(kind, counsellor, settings):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=FAMILY, now=NOW)
    appointment_close(appointment=appointment, status="done", note="メモ", now=at(12, 11))
    appointment_block(counsellor=counsellor, start=at(18, 10), minutes=30)
    after = at(12, 11) + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    assert appointments_purge(now=after - timedelta(days=1)) == 0
    assert appointments_purge(now=after) == 1
    appointment.refresh_from_db()
    assert appointment.name != "山田 花子" and "hanako" not in appointment.email
    assert appointment.phone == "" and appointment.status == AppointmentStatus.DONE
    answers = appointment.answers
    answers.refresh_from_db()
    assert (answers.topic, answers.free_text, answers.staff_note) == ("", "", "")
    sent = Notification.objects.get(kind="appointment_confirmed")
    assert "hanako" not in sent.to_email and "manage_url" not in sent.payload
    assert appointments_purge(now=after) == 0
    assert Appointment.objects.filter(status=AppointmentStatus.BLOCKED).count() == 1


def test_erase_cancels_what_is_to_come_and_is_scoped_to_the_facilities(kind, facility):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=FAMILY, now=NOW)
    assert appointments_erase(DataSubject.of(email="HANAKO@example.jp"), {facility.pk + 1}) == []
    assert appointments_erase(DataSubject.of(email="HANAKO@example.jp"), {facility.pk}) == [
        appointment.code
    ]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.answers.free_text == ""


def test_staff_export_and_erase_by_address_take_the_appointments_too(kind, facility):
    from rest_framework.test import APIClient

    from tests.factories import api_key, staff_user

    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=FAMILY, now=NOW)
    api = APIClient()
    viewer = staff_user(facility, role="viewer")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(viewer)}")
    [seen] = api.get("/api/v1/privacy/export/?email=hanako@example.jp").json()["appointments"]
    assert seen["code"] == appointment.code and "answers" not in seen  # the topic is private
    manager = staff_user(facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    [row] = api.get("/api/v1/privacy/export/?email=hanako@example.jp").json()["appointments"]
    assert row["answers"]["free_text"] == "見学" and row["phone"] == "090"
    erased = api.post("/api/v1/privacy/erase/", {"email": "hanako@example.jp"}, format="json")
    assert erased.json() == {"erased": 0, "appointments": 1}
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.phone == ""
    again = api.get("/api/v1/privacy/export/?email=hanako@example.jp").json()
    assert again["appointments"] == []


def test_staff_find_and_erase_appointments_by_phone_number_too(kind, facility):
    """The holder registry takes the phone number: a family who phoned for a consultation and
    gave its number in full-width is found by the number typed with hyphens, only as a whole."""
    from rest_framework.test import APIClient

    from tests.factories import api_key, staff_user

    family = Family("電話 花子", "", phone="０９０ー１２３４ー５６７８")
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    other, _token = appointment_book(
        kind=kind,
        start=at(12, 10, 40),
        family=Family("別 家族", "", phone="090-1234-5679"),
        now=NOW,
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility))}")
    [row] = api.get("/api/v1/privacy/export/?phone=090-1234-5678").json()["appointments"]
    assert row["code"] == appointment.code and row["answers"]["topic"] == ""
    assert api.get("/api/v1/privacy/export/?phone=1234-5678").json()["appointments"] == []
    erased = api.post("/api/v1/privacy/erase/", {"phone": "+81 90 1234 5678"}, format="json")
    assert erased.json() == {"erased": 0, "appointments": 1}
    appointment.refresh_from_db()
    other.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.phone == ""
    assert other.status == AppointmentStatus.BOOKED and other.phone == "090-1234-5679"
    assert appointments_erase(DataSubject.of(phone="090-1234-5679"), {facility.pk}) == [other.code]
