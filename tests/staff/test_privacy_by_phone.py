"""Staff export and erase a family's personal data by phone number too: a phone booking may
hold no email address, so looking it up by address alone never finds it. A number matches as a
whole, however typed (hyphens, spaces, full-width digits, +81); a part of one finds nothing;
the permission, the scope to one's facilities and the audit log are those of the address.
"""

from __future__ import annotations

import json

import pytest

from booking.links import my_reservations_email, my_reservations_link_issue
from booking.models import Reservation, ReservationStatus
from booking.privacy import ANONYMISED_DOMAIN
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import FacilityFactory, SessionFactory, book, staff_user
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/privacy/export/"
ERASE = "/api/v1/privacy/erase/"


@pytest.fixture
def family(facility_a, manager_a):
    """A caller booked by phone with no address, the same number typed in full-width on a
    parent's own booking, another family, and the same number at another facility."""
    session = SessionFactory(facility=facility_a, capacity=10)
    answer = page_client(manager_a).post(
        f"/staff/sessions/{session.pk}/phone/",
        {"name": "電話 花子", "phone": "090-1234-5678", "adults": "1", "children": "0"},
    )
    assert answer.status_code == 302
    caller = Reservation.objects.get(source="phone")
    later = SessionFactory(facility=facility_a)
    online = book(later, email="hanako@example.jp", phone="０９０ １２３４ ５６７８").reservation
    other = book(session, email="other@example.jp", phone="090-1234-5679").reservation
    elsewhere = book(
        SessionFactory(facility=FacilityFactory(slug="elsewhere")),
        email="far@example.jp",
        phone="09012345678",
    ).reservation
    return {"caller": caller, "online": online, "other": other, "elsewhere": elsewhere}


def codes(rows) -> set[str]:
    return {row["code"] for row in rows}


@pytest.mark.parametrize(
    "typed", ["090-1234-5678", "０９０－１２３４－５６７８", "090 1234 5678", "+81 90-1234-5678"]
)
def test_a_phone_only_booking_is_exported_by_its_number_however_typed(family, manager_a, typed):
    answer = token_client(manager_a).get(EXPORT, {"phone": typed})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["phone"] == "09012345678" and "email" not in body
    assert codes(body["reservations"]) == {family["caller"].code, family["online"].code}
    row = next(r for r in body["reservations"] if r["code"] == family["caller"].code)
    assert row["name"] == "電話 花子" and row["phone"] == "090-1234-5678"
    assert body["appointments"] == []
    logged = StaffAction.objects.get(kind=StaffActionKind.EXPORT)
    assert set(logged.after["reservations"]) == codes(body["reservations"])
    assert "5678" not in json.dumps(logged.after)  # the number does not stay in the log


@pytest.mark.parametrize("part", ["1234-5678", "90-1234-5678", "090-1234-567", "090-1234-56780"])
def test_a_part_of_a_number_or_a_longer_one_finds_nothing(family, manager_a, part):
    answer = token_client(manager_a).get(EXPORT, {"phone": part})
    assert answer.status_code == 200
    assert answer.json()["reservations"] == [] and answer.json()["appointments"] == []


def test_erase_by_phone_cancels_anonymises_and_frees_the_seats(family, manager_a):
    caller, online = family["caller"], family["online"]
    link = my_reservations_link_issue(email="hanako@example.jp")
    answer = token_client(manager_a).post(ERASE, {"phone": "０９０１２３４５６７８"}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"erased": 2, "appointments": 0}
    for reservation in (caller, online):
        reservation.refresh_from_db()
        assert reservation.status == ReservationStatus.CANCELLED
        assert reservation.phone == "" and reservation.name != "電話 花子"
        assert reservation.email.endswith("@" + ANONYMISED_DOMAIN)
        reservation.session.refresh_from_db()
        assert reservation.session.seats_taken == (
            1 if reservation.session == family["other"].session else 0
        )
    # The parent's address held no other reservation: its "my reservations" link ends too.
    assert my_reservations_email(link) is None
    # Another number, and the same number at another facility, are untouched.
    for key in ("other", "elsewhere"):
        kept = Reservation.objects.get(pk=family[key].pk)
        assert kept.status == ReservationStatus.CONFIRMED and kept.phone
    logged = StaffAction.objects.get(kind=StaffActionKind.PERSONAL_DATA_ERASE)
    assert logged.actor == manager_a and set(logged.after["reservations"]) == {
        caller.code,
        online.code,
    }
    assert logged.after["links_ended"] is True and "5678" not in json.dumps(logged.after)
    again = token_client(manager_a).get(EXPORT, {"phone": "090-1234-5678"}).json()
    assert again["reservations"] == []


def test_erase_by_phone_needs_a_manager_as_by_address(family, facility_a):
    viewer = token_client(staff_user(facility_a, role="viewer", username="viewer"))
    assert viewer.get(EXPORT, {"phone": "090-1234-5678"}).status_code == 200
    refused = viewer.post(ERASE, {"phone": "090-1234-5678"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert token_client(None).get(EXPORT, {"phone": "090-1234-5678"}).status_code == 401
    assert Reservation.objects.get(pk=family["caller"].pk).name == "電話 花子"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"phone": "090-abcd-5678"}, "phone"),
        ({"phone": "内線 1234"}, "phone"),
        ({"phone": "12-34"}, "phone"),  # too short to be a whole number
        ({"phone": "0" * 16}, "phone"),
        # An empty query parameter is no parameter (DRF), an empty JSON string a blank one.
        ({"phone": ""}, "phone|non_field_errors"),
        ({"phone": "090-1234-5678", "email": "hanako@example.jp"}, "non_field_errors"),
        ({}, "non_field_errors"),
    ],
)
def test_bad_input_is_400_with_a_code_and_erases_nothing(family, manager_a, query, field):
    client = token_client(manager_a)
    exported = client.get(EXPORT, query)
    erased = client.post(ERASE, query, format="json")
    for answer in (exported, erased):
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid"
        assert len(answer.json()["fields"]) == 1 and next(
            iter(answer.json()["fields"])
        ) in field.split("|")
    assert Reservation.objects.get(pk=family["caller"].pk).name == "電話 花子"
    assert not StaffAction.objects.filter(
        kind__in=[StaffActionKind.EXPORT, StaffActionKind.PERSONAL_DATA_ERASE]
    ).exists()


@pytest.mark.parametrize("value", [9012345678, True, ["090-1234-5678"], {"n": "090"}])
def test_a_phone_that_is_not_a_string_is_400(family, manager_a, value):
    answer = token_client(manager_a).post(ERASE, {"phone": value}, format="json")
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["phone"]
    assert Reservation.objects.get(pk=family["caller"].pk).name == "電話 花子"


def test_the_phone_error_is_in_the_requests_language(family, manager_a):
    client = token_client(manager_a)
    ja = client.get(EXPORT, {"phone": "abc"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    assert "電話番号" in ja["fields"]["phone"][0]
    en = client.get(EXPORT, {"phone": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "whole phone number" in en["fields"]["phone"][0]
