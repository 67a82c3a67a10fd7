"""Finding a party across a facility's sessions (予約の検索): a parent on the phone without the
confirmation email, found by name, kana, code, phone or email address, on the page and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.services import reservation_cancel
from staffdesk.selectors import reservations_search
from staffdesk.services import check_in
from tests.factories import ProgramFactory, SessionFactory, book, book_by_phone, course_of_three
from tests.staff.conftest import book_before, page_client, token_client

PAGE = "/staff/reservations/"
API = "/api/v1/staff/reservations/"


def text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.content.decode()))


@pytest.fixture
def yamada(facility_a, facility_b, session_a, manager_a):
    """山田 花子 booked a session to come, came to one last week and cancelled a third; another
    facility has a 山田 of its own."""
    came = SessionFactory(
        facility=facility_a,
        program=ProgramFactory(title="離乳食のおはなし"),
        start=timezone.now() - timedelta(days=7),
    )
    past = book_before(
        came, name="山田 花子", name_kana="やまだ はなこ", email="hanako@example.jp"
    ).reservation
    check_in(session=came, reservation=past, by=manager_a)
    coming = book(
        session_a,
        name="山田 花子",
        name_kana="やまだ はなこ",
        email="hanako@example.jp",
        phone="090-1111-2222",
        adults=1,
        children=1,
    ).reservation
    gone = SessionFactory(facility=facility_a, program=ProgramFactory(title="ブックスタート"))
    cancelled = book(gone, name="山田 花子", name_kana="やまだ はなこ", email="hanako@example.jp")
    reservation_cancel(reservation=cancelled.reservation)
    elsewhere = SessionFactory(facility=facility_b)
    book(elsewhere, name="山田 次郎", name_kana="やまだ じろう", email="jiro@example.jp")
    return {"coming": coming, "past": past, "cancelled": cancelled.reservation, "came": came}


def test_a_parent_is_found_by_every_way_the_desk_hears_her(manager_a, yamada):
    coming = yamada["coming"]
    client = page_client(manager_a)
    for query in (
        "ヤマダ",  # the kana in katakana, kept in hiragana
        "山田花子",  # without the space
        "090-1111-2222",
        "09011112222",  # without the hyphens
        coming.code.replace("-", "").lower(),
        "HANAKO@example.jp",
    ):
        answer = client.get(PAGE, {"q": query})
        assert answer.status_code == 200, query
        assert f"/staff/sessions/{coming.session_id}/parties/{coming.code}/" in text(answer) or (
            f"/staff/sessions/{coming.session_id}/parties/{coming.code}/" in answer.content.decode()
        ), query


def test_the_page_lists_sessions_to_come_first_then_those_over(manager_a, yamada):
    page = text(page_client(manager_a).get(PAGE, {"q": "やまだ"}, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "これからの開催回" in page and "終わった開催回" in page
    to_come, over = page.split("終わった開催回")
    # The session to come and the cancelled one (the state says so); the one she came to, after.
    assert "親子ふれあい遊び" in to_come and "ブックスタート" in to_come and "キャンセル" in to_come
    assert "離乳食のおはなし" in over and "出席" in over
    assert "山田 次郎" not in page  # another facility's parent
    assert "大人 1 / 子ども 1" in to_come


def test_a_found_party_opens_its_page(manager_a, yamada):
    client = page_client(manager_a)
    body = client.get(PAGE, {"q": "やまだ"}).content.decode()
    links = re.findall(r'href="(/staff/sessions/\d+/parties/[^"/]+/)"', body)
    assert len(links) == 3
    for link in links:
        assert client.get(link).status_code == 200, link


def test_another_facilitys_staff_find_nothing_of_ours(manager_b, yamada):
    page = text(page_client(manager_b).get(PAGE, {"q": "はなこ"}, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "「はなこ」に当てはまる予約はありません。" in page
    body = token_client(manager_b).get(API, {"q": yamada["coming"].code}).json()
    assert body["upcoming"] == [] and body["past"] == []


def test_every_role_may_search_as_every_role_reads_rosters(viewer_a, yamada):
    assert "山田 花子" in text(page_client(viewer_a).get(PAGE, {"q": "山田"}))
    assert token_client(viewer_a).get(API, {"q": "山田"}).status_code == 200


def test_a_course_is_found_once_on_its_next_session(facility_a, manager_a):
    sessions, reservation = course_of_three(facility_a, ProgramFactory(title="ペアレント講座"))
    client = page_client(manager_a)
    body = client.get(PAGE, {"q": "鈴木"}).content.decode()
    links = re.findall(r'href="(/staff/sessions/\d+/parties/[^"/]+/)"', body)
    assert links == [f"/staff/sessions/{sessions[0].pk}/parties/{reservation.code}/"]
    assert client.get(links[0]).status_code == 200
    # Once its first session is over, the course opens on the next one.
    found = reservations_search(user=manager_a, query="鈴木", now=sessions[0].end + timedelta(1))
    assert [p.session for p in found.upcoming] == [sessions[1]]


def test_a_phone_booking_without_email_is_found_by_its_number(session_a, manager_a):
    phoned = book_by_phone(session_a, by=manager_a).reservation
    rows = token_client(manager_a).get(API, {"q": "０９０１２３４５６７８"}).json()["upcoming"]
    assert [(r["code"], r["email"], r["source"]) for r in rows] == [(phoned.code, "", "phone")]


def test_the_api_answers_both_sides_with_the_session(manager_a, yamada):
    body = token_client(manager_a).get(API, {"q": "やまだ　はなこ"}).json()
    assert body["query"] == "やまだ　はなこ" and body["more"] is False
    assert [r["session"]["title"] for r in body["upcoming"]] == [
        "親子ふれあい遊び",
        "ブックスタート",
    ]
    assert [r["status"] for r in body["upcoming"]] == ["confirmed", "cancelled"]
    assert [(r["session"]["title"], r["attendance"]) for r in body["past"]] == [
        ("離乳食のおはなし", "attended")
    ]


def test_a_search_finding_too_many_shows_the_first_and_says_so(session_a, manager_a):
    for i in range(4):
        book(session_a, name=f"佐藤 {i}", name_kana="さとう", email=f"sato{i}@example.jp")
    found = reservations_search(user=manager_a, query="さとう", limit=3)
    assert len(found.upcoming) == 3 and found.more
    assert not reservations_search(user=manager_a, query="さとう", limit=4).more


def test_bad_searches_are_refused_clearly(manager_a, yamada):
    client, api = page_client(manager_a), token_client(manager_a)
    answer = client.get(PAGE, {"q": "あ" * 101}, HTTP_ACCEPT_LANGUAGE="ja")
    assert answer.status_code == 400 and "100文字以内で検索してください。" in text(answer)
    for query in ("", "   ", "あ" * 101):
        answer = api.get(API, {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 400, query
        assert answer.json()["code"] == "invalid" and "q" in answer.json()["fields"]
    # An empty search on the page is the form alone; the Today page carries the same form.
    assert client.get(PAGE).status_code == 200
    assert 'action="/staff/reservations/"' in client.get("/staff/").content.decode()
    assert client.get(PAGE, {"q": "-- -"}).status_code == 200  # nothing left to search for


def test_the_page_speaks_english_and_needs_a_login(manager_a, yamada):
    page = text(page_client(manager_a).get(PAGE, {"q": "zzz"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Find a reservation" in page and "No reservation matches “zzz”." in page
    assert "/staff/accounts/login/" in page_client(None).get(PAGE)["Location"]
    assert token_client(None).get(API, {"q": "山田"}).status_code in (401, 403)


def test_each_search_leads_to_the_other_with_the_same_words(manager_a, yamada):
    """A parent on the phone may mean an event or a consultation: each search links to the
    other with what staff typed."""
    client = page_client(manager_a)
    events = client.get(PAGE, {"q": "山田 花子"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'href="/staff/consultations/?q=%E5%B1%B1%E7%94%B0%20%E8%8A%B1%E5%AD%90"' in events
    assert "同じ言葉で個別相談の予約を探す" in events
    consultations = client.get("/staff/consultations/", {"q": "山田"}).content.decode()
    assert 'href="/staff/reservations/?q=%E5%B1%B1%E7%94%B0"' in consultations


def test_a_course_left_without_sessions_is_not_listed(facility_a, manager_a):
    sessions, reservation = course_of_three(facility_a, ProgramFactory(title="ペアレント講座"))
    for session in sessions:
        session.delete()
    found = reservations_search(user=manager_a, query="鈴木")
    assert found.upcoming == [] and found.past == []
    assert page_client(manager_a).get(PAGE, {"q": reservation.code}).status_code == 200
