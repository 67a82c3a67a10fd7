"""One rule for a phone number on every form and API that asks for one: a number as a
Japanese keyboard or a phone writes it is taken and kept as typed (full-width digits, the long
vowel mark for a hyphen, brackets round the area code, +81), and "12" or "123456" is refused
with the same message. The parents' booking form and the phone booking held an ASCII pattern
before, and the booking API took any six digits."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from booking.models import Reservation
from events.models import StaffRole
from tests.factories import SessionFactory, staff_user
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db

TYPED = ["０９０ー１２３４ー５６７８", "(0598)00-1234", "+81 90 1234 5678", "090.1234.5678"]
NO_NUMBER = ["12", "123456", "内線12", "090-1234-567a", "⓪⑨⓪①②③④⑤⑥⑦⑧", "𝟎𝟗𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"]
JA = "電話番号を正しく入力してください（例：090-1234-5678）。"
EN = "Enter a phone number such as 090-1234-5678."


@pytest.mark.parametrize("phone", TYPED)
def test_the_parents_form_keeps_a_number_as_typed(ja_client, tiny, phone):
    answer, _ = fill(ja_client, tiny, phone=phone)

    assert answer.status_code == 303, answer.context["form"].errors
    assert Reservation.objects.get().phone == phone


@pytest.mark.parametrize("phone", NO_NUMBER)
def test_the_parents_form_refuses_what_is_no_number(ja_client, tiny, phone):
    answer, _ = fill(ja_client, tiny, phone=phone)

    assert answer.status_code == 400
    assert answer.context["form"].errors["phone"] == [JA]
    assert not Reservation.objects.exists()


def test_the_parents_form_offers_the_phones_keypad(ja_client, tiny):
    html = ja_client.get(f"/sessions/{tiny.pk}/reserve/").content.decode()

    [field] = [tag for tag in html.split("<input")[1:] if 'name="phone"' in tag]
    assert 'type="tel"' in field and 'inputmode="tel"' in field
    assert 'autocomplete="tel"' in field


def booking(session, phone) -> dict:
    return {
        "session": session.pk,
        "name": "山田 花子",
        "email": "hanako@example.jp",
        "adults": 1,
        "phone": phone,
    }


@pytest.mark.parametrize("phone", TYPED)
def test_the_booking_api_keeps_a_number_as_typed(tiny, phone):
    answer = APIClient().post("/api/v1/reservations/", booking(tiny, phone), format="json")

    assert answer.status_code == 201, answer.json()
    assert Reservation.objects.get().phone == phone


@pytest.mark.parametrize("language, message", [("ja", JA), ("en", EN)])
@pytest.mark.parametrize("phone", NO_NUMBER)
def test_the_booking_api_refuses_what_is_no_number(tiny, phone, language, message):
    answer = APIClient(HTTP_ACCEPT_LANGUAGE=language).post(
        "/api/v1/reservations/", booking(tiny, phone), format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert answer.json()["fields"] == {"phone": [message]}
    assert not Reservation.objects.exists()


@pytest.fixture
def desk(hub):
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(staff_user(hub, StaffRole.MANAGER))
    return client


def caller(phone) -> dict:
    return {"name": "山田 花子", "name_kana": "やまだ はなこ", "phone": phone, "adults": "1"} | {
        "children": "0"
    }


@pytest.mark.parametrize("phone", TYPED[:2])
def test_a_phone_booking_keeps_the_callers_number_as_typed(desk, hub, phone):
    session = SessionFactory(facility=hub)

    answer = desk.post(f"/staff/sessions/{session.pk}/phone/", caller(phone))

    assert answer.status_code == 302
    assert Reservation.objects.get(source="phone").phone == phone


def test_a_phone_booking_refuses_what_is_no_number(desk, hub):
    session = SessionFactory(facility=hub)

    answer = desk.post(f"/staff/sessions/{session.pk}/phone/", caller("123456"))

    assert answer.status_code == 400
    assert answer.context["form"].errors["phone"] == [JA]
    assert not Reservation.objects.exists()


def test_the_phone_booking_api_takes_a_number_in_full_width(hub):
    session = SessionFactory(facility=hub)
    api = APIClient()
    api.force_authenticate(staff_user(hub, StaffRole.MANAGER))

    answer = api.post(
        f"/api/v1/sessions/{session.pk}/phone-bookings/",
        {"name": "電話 花子", "name_kana": "でんわ はなこ", "phone": TYPED[0], "adults": 1},
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    assert Reservation.objects.get().phone == TYPED[0]
