"""A phone booking sent again: with the same Idempotency-Key the desk's client gets the first
answer back instead of a second booking. A caller without an email address has no unique
address that would refuse the duplicate, so the key is what stops one."""

from __future__ import annotations

import pytest

from booking.models import Reservation
from staffdesk.models import StaffAction
from tests.factories import staff_user
from tests.staff.conftest import PHONE_CALLER, token_client

pytestmark = pytest.mark.django_db


def book(client, session, key: str | None, body=PHONE_CALLER):
    url = f"/api/v1/sessions/{session.pk}/phone-bookings/"
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, body, format="json", **headers)


def test_a_retry_with_the_same_key_replays_the_first_answer(api_a, session_a):
    first = book(api_a, session_a, "call-0915-1")
    again = book(api_a, session_a, "call-0915-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Reservation.objects.count() == 1 and StaffAction.objects.count() == 1
    session_a.refresh_from_db()
    assert session_a.seats_taken == 2


def test_without_a_key_each_request_books(api_a, session_a):
    assert book(api_a, session_a, None).status_code == 201
    assert book(api_a, session_a, None).status_code == 201
    assert Reservation.objects.count() == 2


def test_the_same_key_with_another_party_is_refused(api_a, session_a):
    assert book(api_a, session_a, "call-0915-2").status_code == 201
    other = book(api_a, session_a, "call-0915-2", {**PHONE_CALLER, "adults": 2})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Reservation.objects.count() == 1


def test_a_refused_booking_is_not_kept_under_its_key(api_a, session_a):
    session_a.status = "cancelled"
    session_a.save(update_fields=["status"])
    refused = book(api_a, session_a, "call-0915-3")
    assert refused.status_code == 409 and refused.json()["code"] == "session_cancelled"
    session_a.status = "scheduled"
    session_a.save(update_fields=["status"])
    assert book(api_a, session_a, "call-0915-3").status_code == 201


def test_another_staff_members_key_is_their_own(api_a, session_a, facility_a):
    colleague = token_client(staff_user(facility_a, username="staff-colleague"))
    assert book(api_a, session_a, "call-0915-4").status_code == 201
    theirs = book(colleague, session_a, "call-0915-4")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Reservation.objects.count() == 2
