"""The appointment's page keeps its token out of URLs: the email's ``?token=`` link is traded for
a signed cookie per code and a redirect to the clean address; the cookie then opens the page,
cancels and rebooks; a wrong or expired cookie gets the not-found page, never a 500; the emails
still carry the ``?token=`` link (the capability)."""

from __future__ import annotations

import time as clock
from unittest import mock

import pytest
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.test import Client
from rest_framework.test import APIClient

from consultations.models import Appointment, AppointmentStatus
from consultations.views import APPOINTMENT
from events.maps import facility_map_link
from notifications.models import Notification
from parents.credentials import RESERVATION
from tests.consultations.conftest import ten

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(tuesday_ahead) -> dict:
    answer = APIClient().post(
        "/api/v1/appointments/",
        {
            "consultation": "nyuen",
            "start": ten(tuesday_ahead).isoformat(),
            "name": "山田",
            "email": "y@ex.jp",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    body["path"] = f"/consultations/appointments/{body['code']}/"
    return body


def opened(client: Client, booked: dict):
    """Follow the email's link as a browser does; return the page it lands on."""
    first = client.get(f"{booked['path']}?token={booked['token']}")
    assert first.status_code == 303
    assert first["Location"] == booked["path"]
    page = client.get(first["Location"])
    assert page.status_code == 200
    return first, page


def signed_cookie(credential, code: str, value: str, *, seconds_ago: int = 0) -> str:
    """The value a response of ``credential`` would set, signed ``seconds_ago`` in the past."""
    then = signing.b62_encode(int(clock.time()) - seconds_ago)
    response = HttpResponse()
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: then):
        credential.store(HttpRequest(), response, code, {"token": value})
    return response.cookies[credential.cookie_name(code)].value


def test_the_email_link_is_traded_for_a_cookie_and_a_clean_address(booked, client):
    first, page = opened(client, booked)
    html = page.content.decode()

    cookie = first.cookies[f"apt-{booked['code']}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 2 * 60 * 60
    assert first["Referrer-Policy"] == page["Referrer-Policy"] == "same-origin"
    assert first["Cache-Control"] == page["Cache-Control"] == "no-store"
    assert booked["code"] in html and "入園相談" in html
    assert booked["token"] not in html
    assert 'name="token"' not in html


def test_the_booking_form_lands_on_the_clean_address_with_the_cookie(tuesday_ahead, client):
    start = ten(tuesday_ahead, 40).isoformat()
    answer = client.post(
        "/consultations/nyuen/", {"start": start, "name": "山田 花子", "email": "h@ex.jp"}
    )
    appointment = Appointment.objects.get(email="h@ex.jp")
    path = f"/consultations/appointments/{appointment.code}/"
    assert answer.status_code == 303 and answer["Location"] == path
    assert answer.cookies[f"apt-{appointment.code}"].value
    page = client.get(path)
    assert page.status_code == 200
    assert appointment.code in page.content.decode()
    confirmed = Notification.objects.get(kind="appointment_confirmed")
    token = confirmed.payload["manage_url"].split("?token=", 1)[1]  # the email keeps its link
    assert token and token not in page.content.decode()


def test_without_a_cookie_the_clean_address_opens_nothing(booked, client):
    answer = client.get(booked["path"])
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")
    assert "山田" not in answer.content.decode()


@pytest.mark.parametrize("how", ["forged", "wrong_token", "expired", "reservation_cookie"])
def test_a_bad_cookie_gets_the_not_found_page_and_is_ended(booked, client, how):
    name = f"apt-{booked['code']}"
    if how == "forged":
        value = "not-signed"
    elif how == "wrong_token":
        value = signed_cookie(APPOINTMENT, booked["code"], "nope")
    elif how == "expired":
        value = signed_cookie(APPOINTMENT, booked["code"], booked["token"], seconds_ago=3 * 3600)
    else:  # the right token, signed for a reservation's page: another salt
        value = signed_cookie(RESERVATION, booked["code"], booked["token"])
    client.cookies[name] = value

    answer = client.get(booked["path"])

    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")
    assert "山田" not in answer.content.decode()
    assert answer.cookies[name].value == "" and int(answer.cookies[name]["max-age"]) == 0
    assert answer["Cache-Control"] == "no-store"


def test_a_fresh_cookie_opens_the_page(booked, client):
    client.cookies[f"apt-{booked['code']}"] = signed_cookie(
        APPOINTMENT, booked["code"], booked["token"], seconds_ago=60
    )
    assert client.get(booked["path"]).status_code == 200


def test_cancel_through_the_cookie(booked, client):
    opened(client, booked)

    answer = client.post(booked["path"], {})

    assert answer.status_code == 200
    assert Appointment.objects.get(code=booked["code"]).status == AppointmentStatus.CANCELLED
    assert booked["token"] not in answer.content.decode()


def test_rebook_through_the_cookie_keeps_the_emailed_link(booked, client, tuesday_ahead):
    _, page = opened(client, booked)
    assert ten(tuesday_ahead, 40).isoformat() in page.content.decode()

    answer = client.post(
        booked["path"], {"action": "rebook", "start": ten(tuesday_ahead, 40).isoformat()}
    )

    assert answer.status_code == 200
    moved = Appointment.objects.get(code=booked["code"])
    assert moved.start == ten(tuesday_ahead, 40) and moved.status == AppointmentStatus.BOOKED
    assert booked["token"] not in answer.content.decode()
    changed = Notification.objects.get(kind="appointment_changed")
    assert changed.payload["manage_url"].endswith(f"{booked['path']}?token={booked['token']}")


def test_a_post_without_any_credential_changes_nothing(booked):
    answer = Client().post(booked["path"], {})
    assert answer.status_code == 404
    assert Appointment.objects.get(code=booked["code"]).status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("code", ["%EF%BC%91", "ABC%3BDEF", "ab%20c-defg"])
def test_a_code_no_cookie_could_be_named_by_is_not_found_without_a_cookie(db, client, code):
    """Only a real code's page ever set a cookie: a made-up one (full-width digits, a separator,
    a space) ends none, and is the not-found page, never a server error."""
    answer = client.get(f"/consultations/appointments/{code}/")

    assert answer.status_code == 404
    assert not [name for name in answer.cookies if name.startswith("apt-")]


def test_the_page_says_where_with_the_address_and_a_map(booked, client):
    page = opened(client, booked)[1].content.decode()
    appointment = Appointment.objects.get(code=booked["code"])
    facility = appointment.counsellor.facility
    assert appointment.consultation_type.mode == "in_person"
    assert facility.address in page
    assert f'<a href="{facility_map_link(facility).replace("&", "&amp;")}"' in page
    assert "地図で見る" in page
