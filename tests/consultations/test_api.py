"""The parents' consultations API over HTTP: types, slots, book, 409 slot_taken, look up with the
token (a wrong one is 404), cancel frees the slot; questionnaire answers never in its bodies."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consultations.models import Appointment, AvailabilityWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_day(kind, counsellor):
    for weekday in range(2, 7):
        AvailabilityWindow.objects.create(
            counsellor=counsellor, weekday=weekday, start_time=time(10), end_time=time(12)
        )
    return kind


def slots(client, slug="nyuen"):
    first = timezone.localdate() + timedelta(days=1)
    last = first + timedelta(days=14)
    response = client.get(f"/api/v1/consultations/{slug}/slots/?from={first}&to={last}")
    assert response.status_code == 200
    return response.json()


def book(client, start, email="hanako@example.jp"):
    return client.post(
        "/api/v1/appointments/",
        {
            "consultation": "nyuen",
            "start": start,
            "name": "山田 花子",
            "email": email,
            "child_age_months": 14,
            "topic": "入園",
            "free_text": "保育園の見学について",
        },
        format="json",
    )


def test_list_types(every_day):
    body = APIClient().get("/api/v1/consultations/").json()
    assert body[0]["slug"] == "nyuen"
    assert body[0]["minutes"] == 30
    assert body[0]["facility"]


def test_book_lookup_and_cancel(every_day):
    client = APIClient()
    free = slots(client)
    assert free and free[0]["start"].endswith("+09:00")
    start = free[-1]["start"]  # well before the 24-hour change deadline
    created = book(client, start)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["code"] and body["token"] and body["token"] in body["manage_url"]
    assert start not in [slot["start"] for slot in slots(client)]
    again = book(client, start, email="taro@example.jp")
    assert again.status_code == 409
    assert again.json()["code"] == "slot_taken"
    wrong = client.get(f"/api/v1/appointments/{body['code']}/?token=nope")
    assert wrong.status_code == 404
    seen = client.get(
        f"/api/v1/appointments/{body['code']}/", HTTP_X_RESERVATION_TOKEN=body["token"]
    )
    assert seen.status_code == 200
    assert "保育園の見学" not in seen.content.decode()
    cancelled = client.post(f"/api/v1/appointments/{body['code']}/cancel/?token={body['token']}")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert start in [slot["start"] for slot in slots(client)]
    assert Appointment.objects.get(code=body["code"]).answers.topic == "入園"


def test_bad_ranges_are_400(every_day):
    client = APIClient()
    assert client.get("/api/v1/consultations/nyuen/slots/?from=2027-13-01").status_code == 400
    too_long = "/api/v1/consultations/nyuen/slots/?from=2027-01-01&to=2027-03-01"
    assert client.get(too_long).status_code == 400
    assert client.get("/api/v1/consultations/missing/slots/").status_code == 404


def test_a_consultation_by_phone_without_a_number_is_400(every_day, settings):
    settings.API_THROTTLE_ENABLED = False
    every_day.mode = "phone"
    every_day.save()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="ja")
    start = slots(client)[-1]["start"]
    refused = book(client, start)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["fields"]["phone"] == [
        "相談のときにおかけする電話番号を入力してください。"
    ]
    assert not Appointment.objects.exists()
