"""A family's consultations in "my reservations": a parent who lost the booking's email finds
the consultation in the list the site emails, and opens, moves or cancels it from there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking.links import my_reservations_link_issue
from booking.models import MyReservationsLink
from consultations.models import AppointmentStatus
from consultations.services import Family, appointment_book
from tests.consultations.conftest import ten

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(kind, tuesday_ahead):
    family = Family("山田 花子", "Hanako@Example.jp")
    appointment, _token = appointment_book(kind=kind, start=ten(tuesday_ahead), family=family)
    return appointment


def test_an_address_with_only_a_consultation_gets_its_list(booked):
    key = my_reservations_link_issue(email="hanako@example.jp")
    assert key is not None
    assert MyReservationsLink.objects.filter(email="hanako@example.jp").exists()
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").get(f"/my-reservations/{key}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "入園相談" in html and booked.code in html
    assert f"個別相談・予約番号：{booked.code}" in html
    assert f"/consultations/appointments/{booked.code}/?me={key}" in html
    assert "予定されている予約はありません" not in html


def test_the_list_opens_the_consultation_and_it_can_be_cancelled(booked):
    key = my_reservations_link_issue(email="hanako@example.jp")
    phone = Client(HTTP_ACCEPT_LANGUAGE="ja")
    url = f"/consultations/appointments/{booked.code}/"
    traded = phone.get(f"{url}?me={key}")
    assert traded.status_code == 303 and traded["Location"] == url  # the key leaves the URL
    page = phone.get(url)
    assert page.status_code == 200 and booked.code in page.content.decode()
    assert phone.post(url).status_code == 200
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED


def test_a_key_of_another_address_opens_nothing(booked, kind):
    other = Family("佐藤 美咲", "misaki@example.jp")
    appointment_book(kind=kind, start=ten(booked.start.date(), 40), family=other)
    key = my_reservations_link_issue(email="misaki@example.jp")
    page = Client().get(f"/consultations/appointments/{booked.code}/?me={key}")
    assert page.status_code == 404
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_a_past_or_cancelled_consultation_is_not_listed(booked):
    booked.status = AppointmentStatus.CANCELLED
    booked.save()
    assert my_reservations_link_issue(email="hanako@example.jp") is None
    booked.status = AppointmentStatus.BOOKED
    booked.start = timezone.now() - timedelta(days=1)
    booked.end = booked.start + timedelta(minutes=30)
    booked.held_until = booked.end
    booked.save()
    assert my_reservations_link_issue(email="hanako@example.jp") is None
