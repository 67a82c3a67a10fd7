"""A phone number is found however it was typed (kept as typed: core.phones). The forms take
０９０ー１２３４ー５６７８ from a Japanese keyboard, (0598)00-1234 and +81 90 …; the desk types
09012345678, 090-1234-5678 or the last four digits, and finds each of them, in the search for a
reservation and a session's roster (an appointment's: tests/consultations/test_staff_search.py)."""

from __future__ import annotations

import pytest

from tests.factories import book
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

TYPED = {
    "０９０ー１２３４ー５６７８": ["09012345678", "090-1234-5678", "５６７８", "5678"],
    "090ー1234ー5678": ["09012345678", "1234-5678"],
    "(0598)00-1234": ["0598001234", "0598-00-1234", "（0598）00-1234"],
    "０５９８（００）１２３４": ["0598001234", "0598-00-1234"],
    "+81 90 1234 5678": ["09012345678", "090-1234-5678", "+819012345678"],
    "090.1234.5678": ["09012345678"],
}


@pytest.mark.parametrize("stored", list(TYPED))
def test_the_search_for_a_reservation_finds_a_number_however_typed(session_a, manager_a, stored):
    party = book(session_a, name="山田 花子", email="h@example.jp", phone=stored).reservation
    book(session_a, name="佐藤 次郎", email="j@example.jp", phone="080-9999-0000")
    api = token_client(manager_a)

    for query in TYPED[stored]:
        found = api.get("/api/v1/staff/reservations/", {"q": query}).json()["upcoming"]
        assert [row["code"] for row in found] == [party.code], (stored, query)


def test_the_roster_finds_a_number_typed_in_full_width(session_a, manager_a):
    book(session_a, name="山田 花子", email="h@example.jp", phone="０９０ー１２３４ー５６７８")
    book(session_a, name="佐藤 次郎", email="j@example.jp", phone="080-9999-0000")

    page = page_client(manager_a).get(f"/staff/sessions/{session_a.pk}/", {"q": "09012345678"})

    html = page.content.decode()
    assert "山田 花子" in html and "佐藤 次郎" not in html


def test_a_name_or_a_code_finds_no_number(session_a, manager_a):
    book(session_a, name="山田 花子", email="h@example.jp", phone="０９０ー１２３４ー５６７８")
    api = token_client(manager_a)

    assert api.get("/api/v1/staff/reservations/", {"q": "佐藤"}).json()["upcoming"] == []
    assert api.get("/api/v1/staff/reservations/", {"q": "4321"}).json()["upcoming"] == []
