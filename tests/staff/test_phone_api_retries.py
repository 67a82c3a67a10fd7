"""A phone booking sent again: with the same Idempotency-Key the desk's client gets the first
answer back instead of a second booking. A caller without an email address has no unique
address that would refuse the duplicate, so the key is what stops one."""

from __future__ import annotations

import pytest

from booking.models import Reservation
from staffdesk.models import StaffAction
from tests.factories import ProgramFactory, SessionFactory, staff_user
from tests.staff.conftest import token_client

pytestmark = pytest.mark.django_db

CALLER = {
    "name": "電話 花子",
    "name_kana": "でんわ はなこ",
    "phone": "090-1234-5678",
    "adults": 1,
    "children": 1,
    "children_ages": [14],
}


@pytest.fixture
def talk(facility_a):
    return SessionFactory(facility=facility_a, capacity=4, program=ProgramFactory(title="離乳食"))


def book(client, session, key: str | None, body=CALLER):
    url = f"/api/v1/sessions/{session.pk}/phone-bookings/"
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, body, format="json", **headers)


def test_a_retry_with_the_same_key_replays_the_first_answer(api_a, talk):
    first = book(api_a, talk, "call-0915-1")
    again = book(api_a, talk, "call-0915-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Reservation.objects.count() == 1 and StaffAction.objects.count() == 1
    talk.refresh_from_db()
    assert talk.seats_taken == 2


def test_without_a_key_each_request_books(api_a, talk):
    assert book(api_a, talk, None).status_code == 201
    assert book(api_a, talk, None).status_code == 201
    assert Reservation.objects.count() == 2


def test_the_same_key_with_another_party_is_refused(api_a, talk):
    assert book(api_a, talk, "call-0915-2").status_code == 201
    other = book(api_a, talk, "call-0915-2", {**CALLER, "adults": 2})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Reservation.objects.count() == 1


def test_a_refused_booking_is_not_kept_under_its_key(api_a, talk):
    talk.status = "cancelled"
    talk.save(update_fields=["status"])
    refused = book(api_a, talk, "call-0915-3")
    assert refused.status_code == 409 and refused.json()["code"] == "session_cancelled"
    talk.status = "scheduled"
    talk.save(update_fields=["status"])
    assert book(api_a, talk, "call-0915-3").status_code == 201


def test_another_staff_members_key_is_their_own(api_a, talk, facility_a):
    colleague = token_client(staff_user(facility_a, username="staff-colleague"))
    assert book(api_a, talk, "call-0915-4").status_code == 201
    theirs = book(colleague, talk, "call-0915-4")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Reservation.objects.count() == 2
