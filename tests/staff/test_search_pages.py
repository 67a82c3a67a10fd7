"""A search's lists go on over pages (予約の検索): a family that comes to the ひろば every week
has more sessions over under its one phone number than a page shows, and no longer search
narrows a phone number. Each list has its 次の30件 and 前の30件, on the page and in the API;
a page that is not a number is refused clearly."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.search import SEARCH_LIMIT, SEARCH_MAX_FROM
from staffdesk.selectors import reservations_search
from tests.factories import ProgramFactory, SessionFactory, book
from tests.staff.conftest import book_before, page_client, token_client

pytestmark = pytest.mark.django_db

PAGE = "/staff/reservations/"
API = "/api/v1/staff/reservations/"
PHONE = "090-5555-6666"
WEEKS = SEARCH_LIMIT + 3


def codes_on(html: str) -> list[str]:
    return re.findall(r'href="/staff/sessions/\d+/parties/([^/"]+)/"', html)


def past_part(html: str) -> str:
    return html[html.index('id="found-past"') :]


@pytest.fixture
def every_week(facility_a):
    """The same family at the weekly ひろば for 33 weeks, and booked for next week's."""
    program = ProgramFactory(title="親子ふれあい遊び")
    came = []
    for week in range(1, WEEKS + 1):
        session = SessionFactory(
            facility=facility_a, program=program, start=timezone.now() - timedelta(weeks=week)
        )
        came.append(
            book_before(
                session, name="毎週 来子", name_kana="まいしゅう くるこ", phone=PHONE
            ).reservation.code
        )
    coming = book(
        SessionFactory(facility=facility_a, program=program),
        name="毎週 来子",
        name_kana="まいしゅう くるこ",
        phone=PHONE,
    ).reservation.code
    return {"came": came, "coming": coming}  # came: the latest first


def test_the_sessions_over_go_on_to_a_next_page_and_back(manager_a, every_week):
    client = page_client(manager_a)
    first = client.get(PAGE, {"q": "09055556666"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "30件を超えて見つかりました。" in first and "「次の30件」" in first
    assert codes_on(first)[0] == every_week["coming"]
    assert codes_on(past_part(first)) == every_week["came"][:SEARCH_LIMIT]
    assert "1〜30件目" in first
    link = re.search(r'href="([^"]*past_from=30[^"]*)"[^>]*rel="next">次の30件<', first)
    assert link, "the sessions over have no next page"
    second = client.get(PAGE + link.group(1).replace("&amp;", "&")).content.decode()
    assert codes_on(past_part(second)) == every_week["came"][SEARCH_LIMIT:]
    assert "31〜33件目" in second and 'rel="next"' not in past_part(second)
    assert codes_on(second)[0] == every_week["coming"]  # the other list stays on its page
    back = re.search(r'href="([^"]*past_from=0[^"]*)"[^>]*rel="prev">前の30件<', second)
    assert back, "the second page has no way back"
    again = client.get(PAGE + back.group(1).replace("&amp;", "&")).content.decode()
    assert codes_on(past_part(again)) == every_week["came"][:SEARCH_LIMIT]


def test_a_page_past_the_end_says_there_is_no_more(manager_a, every_week):
    page = page_client(manager_a).get(
        PAGE, {"q": PHONE, "past_from": "300"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    html = page.content.decode()
    assert page.status_code == 200 and "これ以上はありません。" in past_part(html)
    assert "当てはまる予約はありません" not in html
    assert re.search(r'past_from=270[^"]*"[^>]*rel="prev"', html)


def test_the_api_pages_each_list(manager_a, every_week):
    api = token_client(manager_a)
    body = api.get(API, {"q": PHONE}).json()
    assert len(body["past"]) == SEARCH_LIMIT and body["more_past"] is True
    assert body["more_upcoming"] is False and body["more"] is True
    assert (body["upcoming_from"], body["past_from"]) == (0, 0)
    rest = api.get(API, {"q": PHONE, "past_from": SEARCH_LIMIT}).json()
    assert [r["code"] for r in rest["past"]] == every_week["came"][SEARCH_LIMIT:]
    assert rest["more_past"] is False and rest["past_from"] == SEARCH_LIMIT
    assert [r["code"] for r in rest["upcoming"]] == [every_week["coming"]]
    later = api.get(API, {"q": PHONE, "upcoming_from": 1}).json()
    assert later["upcoming"] == [] and len(later["past"]) == SEARCH_LIMIT


def test_the_pages_meet_without_a_gap_or_a_party_twice(manager_a, every_week):
    seen = []
    for start in range(0, WEEKS, 4):
        seen += [
            found.reservation.code
            for found in reservations_search(
                user=manager_a, query=PHONE, limit=4, past_from=start
            ).past
        ]
    assert seen == every_week["came"]


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "３", str(SEARCH_MAX_FROM + 1), " 3"])
def test_a_page_that_is_not_a_number_is_refused_clearly(manager_a, every_week, value):
    answer = token_client(manager_a).get(
        API, {"q": PHONE, "past_from": value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert answer.json()["fields"] == {
        "past_from": [f"Give a whole number from 0 to {SEARCH_MAX_FROM}."]
    }
    page = page_client(manager_a).get(
        PAGE, {"q": PHONE, "upcoming_from": value}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert page.status_code == 400
    assert f"0から{SEARCH_MAX_FROM}までの整数を指定してください。" in page.content.decode()
