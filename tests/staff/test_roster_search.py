"""The roster's search (?q=) ignores spaces, half- and full-width, and hyphens, in the database:
山田花子 finds 山田 花子, a code typed without its hyphen finds it, a phone number too."""

from __future__ import annotations

import re

import pytest

from staffdesk.selectors import roster
from tests.factories import SessionFactory, book
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(facility_a):
    session = SessionFactory(facility=facility_a, capacity=20)
    yamada = book(
        session,
        name="山田 花子",
        name_kana="やまだ はなこ",
        phone="090-1234-5678",
        email="hanako@example.jp",
    ).reservation
    wide = book(
        session, name="木村\u3000あや", name_kana="キムラ\u3000アヤ", email="aya@example.jp"
    ).reservation
    other = book(
        session, name="佐藤 葵", name_kana="さとう あおい", email="sato@example.jp"
    ).reservation
    return session, yamada, wide, other


def codes(session, query: str) -> set[str]:
    return {row.code for row in roster(session=session, query=query).rows}


@pytest.mark.parametrize(
    "query",
    [
        "山田花子",
        "山田　花子",
        "山田 花子",
        "やまだはなこ",
        "ヤマダハナコ",
        "ﾔﾏﾀﾞﾊﾅｺ",
        "09012345678",
        "5678",
    ],
)
def test_a_name_kana_or_phone_is_found_without_spaces_or_hyphens(parties, query):
    session, yamada, _wide, _other = parties
    assert codes(session, query) == {yamada.code}


def test_a_code_is_found_without_its_hyphen_in_either_case(parties):
    session, yamada, _wide, _other = parties
    assert "-" in yamada.code
    bare = yamada.code.replace("-", "")
    assert codes(session, bare) == {yamada.code}
    assert codes(session, bare.lower()) == {yamada.code}
    assert codes(session, yamada.code) == {yamada.code}


def test_a_name_stored_with_a_full_width_space_is_found_typed_without_it(parties):
    session, _yamada, wide, _other = parties
    assert codes(session, "木村あや") == {wide.code}
    assert codes(session, "きむらあや") == {wide.code}
    assert codes(session, "木村 あや") == {wide.code}


def test_a_search_still_narrows_and_an_email_is_found(parties):
    session, yamada, wide, other = parties
    assert codes(session, "山田太郎") == set()
    assert codes(session, "sato@example") == {other.code}
    assert codes(session, "") == {yamada.code, wide.code, other.code}
    assert codes(session, " - ") == {yamada.code, wide.code, other.code}


def test_the_roster_page_finds_the_party_typed_without_space_or_hyphen(manager_a, parties):
    session, yamada, _wide, other = parties
    client = page_client(manager_a)
    for query in ("山田花子", yamada.code.replace("-", "")):
        html = client.get(f"/staff/sessions/{session.pk}/", {"q": query}).content.decode()
        rows = re.findall(r'<tr id="r-([^"]+)"', html)
        assert rows == [yamada.code], (query, rows)
        assert other.code not in html
