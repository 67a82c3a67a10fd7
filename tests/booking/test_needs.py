"""A party's needs (配慮事項: wheelchair, allergy, interpreter, other), issue 25 item 8: sent
through the API, kept on the reservation, shown to staff on the roster, the print and the CSV,
and erased with the rest of the family's personal data."""

from __future__ import annotations

import csv
import io

import pytest

from booking.models import Reservation
from booking.privacy import DataSubject, personal_data_export, reservation_anonymise
from events.models import StaffRole
from tests.factories import staff_user
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/reservations/"


def create(api, session, **extra):
    body = {"session": session.pk, "name": "山田 花子", "email": "a@example.jp", "adults": 1}
    return api.post(URL, {**body, **extra}, format="json")


def test_needs_go_through_the_api_in_the_lists_order(api, session):
    response = create(
        api, session, needs=["allergy", "wheelchair", "allergy"], needs_detail=" 卵、小麦 "
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["needs"] == ["wheelchair", "allergy"] and body["needs_detail"] == "卵、小麦"
    r = Reservation.objects.get(code=body["code"])
    assert r.needs == ["wheelchair", "allergy"] and r.needs_detail == "卵、小麦"


@pytest.mark.parametrize(
    "extra",
    [
        {"needs": ["sauna"]},
        {"needs": "wheelchair"},
        {"needs": [1]},
        {"needs_detail": "x" * 201},
    ],
)
def test_unknown_needs_are_refused_with_400(api, session, extra):
    response = create(api, session, **extra)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and set(response.json()["fields"]) == set(extra)
    assert not Reservation.objects.exists()


def test_needs_are_shown_to_staff_and_erased_with_the_personal_data(api, session):
    code = create(
        api, session, needs=["wheelchair", "interpreter"], needs_detail="ポルトガル語"
    ).json()["code"]
    manager = staff_user(session.facility, StaffRole.MANAGER, username="needs-manager")
    client = page_client(manager)
    roster = client.get(f"/staff/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "配慮事項：車いす、通訳（ポルトガル語）" in roster.content.decode()
    printed = client.get(f"/staff/sessions/{session.pk}/print/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "車いす、通訳（ポルトガル語）" in printed.content.decode()
    english = client.get(f"/staff/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Wheelchair, Interpreter (ポルトガル語)" in english.content.decode()
    text = client.get(f"/staff/sessions/{session.pk}/roster.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert dict(zip(rows[0], rows[1], strict=True))["配慮事項"] == "車いす、通訳（ポルトガル語）"
    [exported] = personal_data_export(
        subject=DataSubject.of(email="a@example.jp"), facility_ids=None
    )
    assert exported["needs"] == ["wheelchair", "interpreter"]
    r = reservation_anonymise(reservation=Reservation.objects.get(code=code))
    assert r.needs == [] and r.needs_detail == ""
