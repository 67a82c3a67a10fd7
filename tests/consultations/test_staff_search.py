"""Finding a family's consultation appointments (相談予約の検索) on the consultations desk and
through the staff API: by name, code, phone or email, spaces and hyphens ignored; another
facility's families never found."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from consultations.search import appointments_search
from consultations.services import Family, appointment_block, appointment_book, appointment_cancel
from events.models import StaffRole
from tests.consultations.conftest import held_on, ordinary_tuesday, ten
from tests.factories import FacilityFactory, staff_user
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

DESK = "/staff/consultations/"
API = "/api/v1/staff/appointments/"


def text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.content.decode()))


@pytest.fixture
def families(kind, facility, counsellor):
    """山田 花子 booked next week and cancelled one; 佐藤 came last month; a block by staff;
    another facility, whose staff must find none of them."""
    kind.closes_weeks_ahead = 8
    kind.save()
    ahead, before = ordinary_tuesday(facility, ahead=True), ordinary_tuesday(facility, ahead=False)
    family = Family("山田 花子", "hanako@example.jp", phone="090-1111-2222")
    dropped, _ = appointment_book(kind=kind, start=ten(ahead, 40), family=family)
    appointment_cancel(appointment=dropped, by_staff=True)  # one held at a time (the type's rule)
    coming, _ = appointment_book(kind=kind, start=ten(ahead), family=family)
    came = held_on(kind, before, Family("佐藤 太郎", "taro@example.jp"))
    appointment_block(counsellor=counsellor, start=ten(ahead) + timedelta(minutes=80), minutes=30)
    other = FacilityFactory(name="親子つどいの広場 東")
    return {"coming": coming, "dropped": dropped, "came": came, "other": other}


def test_a_family_is_found_by_name_code_phone_and_email(facility, families):
    coming = families["coming"]
    client = page_client(staff_user(facility, StaffRole.VIEWER))
    for query in ("山田花子", "09011112222", coming.code.replace("-", ""), "HANAKO@example.jp"):
        body = client.get(DESK, {"q": query}).content.decode()
        assert f"/staff/consultations/appointments/{coming.code}/" in body, query


def test_the_desk_lists_appointments_to_come_then_those_over(facility, families):
    client = page_client(staff_user(facility, StaffRole.MANAGER))
    page = text(client.get(DESK, {"q": "@example.jp"}, HTTP_ACCEPT_LANGUAGE="ja"))
    to_come, over = page.split("終わった相談予約")
    assert "これからの相談予約" in to_come and "山田 花子" in to_come
    assert "キャンセル" in to_come and "予約済み" in to_come
    assert "佐藤 太郎" in over and "佐藤 太郎" not in to_come
    assert "相談員" in page  # the counsellors follow under their heading
    links = re.findall(
        r'href="(/staff/consultations/appointments/[^"]+/)"',
        client.get(DESK, {"q": "@example.jp"}).content.decode(),
    )
    assert len(links) == 3  # never the block, which has no family
    assert all(client.get(link).status_code == 200 for link in links)


def test_another_facility_finds_none_of_them(families):
    theirs = staff_user(families["other"], StaffRole.MANAGER)
    page = text(page_client(theirs).get(DESK, {"q": "山田"}, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "「山田」に当てはまる相談予約はありません。" in page
    body = token_client(theirs).get(API, {"q": families["coming"].code}).json()
    assert body["upcoming"] == [] and body["past"] == []


def test_the_api_answers_both_sides(facility, families):
    body = token_client(staff_user(facility, StaffRole.DESK)).get(API, {"q": "example.jp"}).json()
    assert [(a["name"], a["status"]) for a in body["upcoming"]] == [
        ("山田 花子", "booked"),
        ("山田 花子", "cancelled"),
    ]
    assert [(a["name"], a["status"], a["booked_by_staff"]) for a in body["past"]] == [
        ("佐藤 太郎", "booked", True)  # not closed as done or no-show yet
    ]
    assert body["upcoming"][0]["phone"] == "090-1111-2222"
    assert body["upcoming"][0]["facility"] == facility.slug and body["more"] is False


def test_too_many_found_shows_the_first_and_says_so(facility, families):
    user = staff_user(facility, StaffRole.MANAGER)
    found = appointments_search(user=user, query="example", limit=1)
    assert len(found.upcoming) == 1 and len(found.past) == 1 and found.more
    assert not appointments_search(user=user, query="example", limit=2).more


def test_each_list_goes_on_to_its_next_page(facility, families, kind):
    """A family that comes every month has more appointments over than a page shows: the list
    over goes on from where the page starts, the list to come stays where it is."""
    user = staff_user(facility, StaffRole.MANAGER)
    before = ordinary_tuesday(facility, ahead=False)
    again = held_on(kind, before - timedelta(weeks=4), Family("佐藤 太郎", "sato.taro@example.jp"))
    first = appointments_search(user=user, query="taro", limit=1)
    assert first.past == [families["came"]] and first.pages.past.more
    rest = appointments_search(user=user, query="taro", limit=1, past_from=1)
    assert rest.past == [again] and not rest.pages.past.more
    body = token_client(user).get(API, {"q": "example.jp", "past_from": 1}).json()
    assert [a["code"] for a in body["past"]] == [again.code] and body["past_from"] == 1
    assert [a["status"] for a in body["upcoming"]] == ["booked", "cancelled"]
    assert body["more_past"] is False and body["more_upcoming"] is False
    refused = token_client(user).get(API, {"q": "example.jp", "upcoming_from": "-1"})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["upcoming_from"]
    page = page_client(user).get(DESK, {"q": "taro", "past_from": "x"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 400 and "までの整数を指定してください。" in text(page)


def test_bad_searches_are_refused_clearly(facility, families):
    user = staff_user(facility, StaffRole.MANAGER)
    answer = page_client(user).get(DESK, {"q": "x" * 101}, HTTP_ACCEPT_LANGUAGE="ja")
    assert answer.status_code == 400 and "100文字以内で検索してください。" in text(answer)
    for query in ("", " ", "x" * 101):
        answer = token_client(user).get(API, {"q": query})
        assert answer.status_code == 400 and answer.json()["fields"].keys() == {"q"}, query
    assert "相談予約の検索" in text(page_client(user).get(DESK, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "Find an appointment" in text(page_client(user).get(DESK, HTTP_ACCEPT_LANGUAGE="en"))


def test_a_number_typed_in_full_width_is_found(kind, facility, counsellor):
    ahead = ordinary_tuesday(facility, ahead=True)
    family = Family("山田 花子", "hanako@example.jp", phone="０９０ー１２３４ー５６７８")
    coming, _ = appointment_book(kind=kind, start=ten(ahead), family=family)
    client = page_client(staff_user(facility, StaffRole.VIEWER))

    for query in ("09012345678", "090-1234-5678", "5678"):
        body = client.get(DESK, {"q": query}).content.decode()
        assert f"/staff/consultations/appointments/{coming.code}/" in body, query
