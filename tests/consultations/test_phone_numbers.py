"""A consultation's phone number is one someone can call back: the parents' form, the staff's
booking for a family who phoned and the API refuse "12" or "abc" with the event booking form's
message, and take a number however a Japanese keyboard or a phone writes it."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from consultations.models import Appointment
from core.phones import validate_phone
from events.models import StaffRole
from tests.consultations.conftest import ten
from tests.consultations.test_api import book
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["12", "abc", "内線12", "090-1234-567a", "1" * 16]
NUMBERS = ["090-1234-5678", "０９０ー１２３４ー５６７８", "+81 90 1234 5678", "(0598)00-1234"]
JA = "電話番号を正しく入力してください（例：090-1234-5678）。"


def test_the_validator_takes_numbers_and_refuses_the_rest():
    for number in [*NUMBERS, "", "  "]:
        validate_phone(number)
    for text in NOT_NUMBERS:
        with pytest.raises(Exception, match="090-1234-5678"):
            validate_phone(text)


@pytest.mark.parametrize("phone", NOT_NUMBERS[:3])
def test_the_parents_form_refuses_what_is_no_number(tuesday_ahead, phone):
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").post(
        "/consultations/nyuen/",
        {"start": ten(tuesday_ahead).isoformat(), "name": "山田 花子", "email": "a@example.jp"}
        | {"phone": phone},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["phone"] == [JA]
    assert not Appointment.objects.exists()


def test_the_parents_form_takes_a_number_typed_in_full_width(tuesday_ahead):
    page = Client().post(
        "/consultations/nyuen/",
        {"start": ten(tuesday_ahead).isoformat(), "name": "山田 花子", "email": "a@example.jp"}
        | {"phone": "０９０ー１２３４ー５６７８"},
    )
    assert page.status_code == 303
    assert Appointment.objects.get().phone == "０９０ー１２３４ー５６７８"


def test_the_staff_booking_refuses_what_is_no_number(facility, kind, counsellor, tuesday_ahead):
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    data = {"start": ten(tuesday_ahead).isoformat(), "counsellor": counsellor.pk}
    page = desk.post(
        f"/staff/consultations/book/{kind.slug}/", data | {"name": "山田 花子", "phone": "12"}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["phone"] == [JA]
    assert not Appointment.objects.exists()


def test_the_api_refuses_what_is_no_number_in_the_requests_language(tuesday_ahead, settings):
    settings.API_THROTTLE_ENABLED = False
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    start = ten(tuesday_ahead).isoformat()
    refused = client.post(
        "/api/v1/appointments/",
        {"consultation": "nyuen", "start": start, "name": "Hanako", "email": "h@example.jp"}
        | {"phone": "abc"},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    assert refused.json()["fields"]["phone"] == ["Enter a phone number such as 090-1234-5678."]
    assert not Appointment.objects.exists()
    assert book(client, start).status_code == 201  # without a number, as before
