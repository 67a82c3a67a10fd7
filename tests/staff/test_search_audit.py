"""A search for a party (予約の検索) is logged as an export is: who looked, when, and which
reservations the page or the API showed, by code. The words searched for (a name, an address, a
number) are not kept, so an erasure leaves nothing of the person in the log."""

from __future__ import annotations

import json

import pytest
from django.utils.translation import override

from events.models import StaffMembership, StaffRole
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import SessionFactory, book, staff_user
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

PAGE = "/staff/reservations/"
API = "/api/v1/staff/reservations/"


@pytest.fixture
def hanako(session_a):
    return book(
        session_a, name="山田 花子", email="hanako@example.jp", phone="090-1111-2222"
    ).reservation


def logged() -> list[StaffAction]:
    return list(StaffAction.objects.filter(kind=StaffActionKind.SEARCH))


def kept_text(action: StaffAction) -> str:
    return json.dumps([action.reason, action.before, action.after], ensure_ascii=False)


@pytest.mark.parametrize("query", ["山田", "hanako@example.jp", "09011112222"])
def test_a_search_on_the_page_is_logged_by_what_it_showed(facility_a, hanako, query):
    viewer = staff_user(facility_a, StaffRole.VIEWER)

    answer = page_client(viewer).get(PAGE, {"q": query})

    assert answer.status_code == 200 and hanako.code in answer.content.decode()
    [action] = logged()
    assert (action.actor, action.facility, action.session) == (viewer, facility_a, None)
    assert action.after == {"reservations": [hanako.code], "rows": 1}
    for word in (query, "山田", "hanako", "1111"):
        assert word not in kept_text(action)


def test_a_search_through_the_api_is_logged_too(facility_a, manager_a, hanako):
    answer = token_client(manager_a).get(API, {"q": "山田"})

    assert answer.status_code == 200
    [action] = logged()
    assert action.actor == manager_a and action.facility == facility_a
    assert action.after["reservations"] == [hanako.code]


def test_a_search_that_finds_nothing_is_logged_with_no_rows(facility_a, manager_a, hanako):
    page_client(manager_a).get(PAGE, {"q": "佐藤"})

    [action] = logged()
    assert action.after == {"reservations": [], "rows": 0}


def test_a_refused_search_or_the_empty_page_logs_nothing(manager_a, hanako):
    client = page_client(manager_a)

    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE, {"q": "x" * 1000}).status_code == 400
    assert token_client(manager_a).get(API).status_code == 400
    assert logged() == []


def test_a_search_across_two_facilities_is_not_one_facilitys(facility_a, facility_b, hanako):
    both = staff_user(facility_a, StaffRole.MANAGER, username="both")
    StaffMembership.objects.create(user=both, facility=facility_b, role=StaffRole.VIEWER)
    elsewhere = book(SessionFactory(facility=facility_b), name="山田 次郎").reservation

    page_client(both).get(PAGE, {"q": "山田"})

    [action] = logged()
    assert action.facility is None
    assert sorted(action.after["reservations"]) == sorted([hanako.code, elsewhere.code])


def test_the_log_names_the_search_in_the_desks_words():
    action = StaffAction(kind=StaffActionKind.SEARCH)
    with override("ja"):
        assert action.get_kind_display() == "予約の検索"
    with override("en"):
        assert action.get_kind_display() == "Reservations searched"
