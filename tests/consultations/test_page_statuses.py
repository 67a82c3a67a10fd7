"""A consultation page that shows a failed form again answers as the event booking page and the
staff desk do: 400 for what is wrong on the form, 409 when the booking or change itself is
refused (a time taken meanwhile or no longer offered, a family's limit, an appointment no
longer held); the page shown is the same as before, with what went wrong on it."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from consultations.models import Appointment, AppointmentStatus
from consultations.services import Family, appointment_book
from events.models import StaffRole
from tests.consultations.conftest import held_on, ordinary_tuesday, ten
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

TAKEN = "この時間はすでに予約が入りました。別の時間を選んでください。"


def held() -> list[tuple]:
    return list(Appointment.objects.order_by("pk").values_list("code", "start", "status", "name"))


def form(when, **changes) -> dict:
    return {"start": when.isoformat(), "name": "山田 花子", "email": "a@example.jp"} | changes


# --- the parents' booking form ----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"name": ""}, {"email": "not-an-address"}, {"start": ""}, {"topic": "株式投資"}],
    ids=["no name", "bad email", "no time", "topic not offered"],
)
def test_a_booking_form_with_a_mistake_answers_400(tuesday_ahead, changes):
    page = Client().post("/consultations/nyuen/", form(ten(tuesday_ahead), **changes))
    assert page.status_code == 400
    assert page.context["form"].errors
    assert 'id="error-summary"' in page.content.decode()
    assert not Appointment.objects.exists()


def test_an_empty_booking_post_answers_400_and_books_nothing(tuesday_ahead):
    page = Client().post("/consultations/nyuen/", {})
    assert page.status_code == 400
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_answers_409_with_the_form_again(tuesday_ahead, kind):
    appointment_book(kind=kind, start=ten(tuesday_ahead), family=Family("佐藤", "s@example.jp"))
    before = held()
    page = Client().post("/consultations/nyuen/", form(ten(tuesday_ahead)))
    assert page.status_code == 409
    html = page.content.decode()
    assert page.context["error"] == TAKEN and TAKEN in html
    assert 'name="name"' in html and "山田 花子" in html  # the parent's details kept
    assert held() == before


def test_a_time_that_is_not_offered_answers_409(tuesday_ahead):
    """A time between the slots (10:05) was never offered: refused as a time gone."""
    page = Client().post("/consultations/nyuen/", form(ten(tuesday_ahead, 5)))
    assert page.status_code == 409
    assert page.context["error"] == TAKEN
    assert not Appointment.objects.exists()


def test_a_family_over_its_limit_answers_409(tuesday_ahead, kind):
    appointment_book(kind=kind, start=ten(tuesday_ahead), family=Family("山田", "a@example.jp"))
    page = Client().post("/consultations/nyuen/", form(ten(tuesday_ahead, 40)))
    assert page.status_code == 409
    assert page.context["error"]
    assert Appointment.objects.count() == 1


def test_a_booking_that_succeeds_still_redirects(tuesday_ahead):
    page = Client().post("/consultations/nyuen/", form(ten(tuesday_ahead)))
    assert page.status_code == 303
    assert Appointment.objects.get().name == "山田 花子"


# --- the parents' appointment page: move and cancel -------------------------------------------


@pytest.fixture
def holder(tuesday_ahead) -> tuple[Client, str]:
    """A family's browser holding its appointment at 10:00 (the token traded for the cookie)."""
    body = (
        APIClient()
        .post(
            "/api/v1/appointments/",
            {
                "consultation": "nyuen",
                "start": ten(tuesday_ahead).isoformat(),
                "name": "山田",
                "email": "y@example.jp",
            },
            format="json",
        )
        .json()
    )
    client = Client()
    path = f"/consultations/appointments/{body['code']}/"
    assert client.get(f"{path}?token={body['token']}").status_code == 303
    return client, path


@pytest.mark.parametrize("start", ["", "tomorrow", "2027-02-30T10:00", "0001-01-01T00:00"])
def test_a_move_without_a_time_it_can_read_answers_400(holder, start):
    client, path = holder
    before = held()
    page = client.post(path, {"action": "rebook", "start": start})
    assert page.status_code == 400
    assert page.context["error"] == "日時を選んでください。"
    assert 'role="alert"' in page.content.decode()
    assert held() == before


def test_a_move_to_a_time_taken_meanwhile_answers_409(holder, kind, tuesday_ahead):
    client, path = holder
    appointment_book(kind=kind, start=ten(tuesday_ahead, 40), family=Family("佐藤", "s@example.jp"))
    before = held()
    page = client.post(path, {"action": "rebook", "start": ten(tuesday_ahead, 40).isoformat()})
    assert page.status_code == 409
    assert page.context["error"] == TAKEN
    # The form again, the parent's choice checked (the time is shown again only if free).
    assert page.context["chosen"] == ten(tuesday_ahead, 40).isoformat()
    assert held() == before


def test_a_move_of_an_appointment_no_longer_held_answers_409(holder):
    client, path = holder
    Appointment.objects.update(status=AppointmentStatus.CANCELLED)
    page = client.post(path, {"action": "rebook", "start": "2030-01-08T10:00"})
    assert page.status_code == 409
    assert page.context["error"]


def test_a_cancel_of_an_appointment_no_longer_held_answers_409(holder):
    client, path = holder
    Appointment.objects.update(status=AppointmentStatus.CANCELLED)
    page = client.post(path, {})
    assert page.status_code == 409
    assert page.context["error"]


def test_a_move_and_a_cancel_that_succeed_still_answer_200(holder, tuesday_ahead):
    client, path = holder
    moved = client.post(path, {"action": "rebook", "start": ten(tuesday_ahead, 40).isoformat()})
    assert moved.status_code == 200 and not moved.context["error"]
    assert Appointment.objects.get().start == ten(tuesday_ahead, 40)
    cancelled = client.post(path, {})
    assert cancelled.status_code == 200 and not cancelled.context["error"]
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


# --- the staff's booking for a family who phoned, and an appointment's forms --------------------


@pytest.fixture
def desk(facility) -> Client:
    client = Client()
    client.force_login(staff_user(facility, StaffRole.MANAGER))
    return client


def test_a_phoned_booking_with_a_mistake_answers_400(desk, kind, counsellor, tuesday_ahead):
    path = f"/staff/consultations/book/{kind.slug}/"
    data = {"start": ten(tuesday_ahead).isoformat(), "counsellor": counsellor.pk, "name": ""}
    page = desk.post(path, data)
    assert page.status_code == 400
    assert page.context["form"].errors["name"]
    assert not Appointment.objects.exists()


def test_a_phoned_booking_of_a_time_taken_meanwhile_answers_409(
    desk, kind, counsellor, tuesday_ahead
):
    appointment_book(kind=kind, start=ten(tuesday_ahead), family=Family("佐藤", "s@example.jp"))
    before = held()
    path = f"/staff/consultations/book/{kind.slug}/"
    data = {"start": ten(tuesday_ahead).isoformat(), "counsellor": counsellor.pk, "name": "電話"}
    page = desk.post(path, data)
    assert page.status_code == 409
    assert TAKEN in page.context["form"].non_field_errors()
    assert held() == before


@pytest.fixture
def past(kind, facility) -> Appointment:
    day = ordinary_tuesday(facility, ahead=False)
    return held_on(kind, day, Family("佐藤 太郎", "taro@example.jp"))


def test_an_outcome_form_with_a_mistake_answers_400(desk, past):
    path = f"/staff/consultations/appointments/{past.code}/"
    page = desk.post(path, {"action": "close", "status": "maybe"})
    assert page.status_code == 400
    assert page.context["close_form"].errors["status"]
    past.refresh_from_db()
    assert past.status == AppointmentStatus.BOOKED


def test_a_note_before_the_outcome_answers_409(desk, past):
    path = f"/staff/consultations/appointments/{past.code}/"
    page = desk.post(path, {"action": "note", "note": "次回は発達相談へ"})
    assert page.status_code == 409
    assert "先に、相談が終わったか欠席かを記録してください。" in page.content.decode()
    assert not past.answers.staff_note


def test_an_outcome_before_the_consultation_answers_409(desk, kind, tuesday_ahead):
    future, _token = appointment_book(
        kind=kind, start=ten(tuesday_ahead), family=Family("山田", "y@example.jp")
    )
    page = desk.post(
        f"/staff/consultations/appointments/{future.code}/", {"action": "close", "status": "done"}
    )
    assert page.status_code == 409
    future.refresh_from_db()
    assert future.status == AppointmentStatus.BOOKED


def test_an_action_the_page_does_not_take_answers_400(desk, past):
    page = desk.post(f"/staff/consultations/appointments/{past.code}/", {"action": "erase"})
    assert page.status_code == 400
    past.refresh_from_db()
    assert past.status == AppointmentStatus.BOOKED
