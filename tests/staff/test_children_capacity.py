"""A session's own children's limit (子どもの定員) changed at the desk, page and API alike.

The capacity service changes it with the capacity, under the session row's lock: never below
the children's seats taken, raising it promotes the waiting list, the audit log keeps both.
"""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation, ReservationStatus
from events.models import PartyCounting, Session
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import ProgramFactory, SessionFactory, book
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def field_errors(response, name: str) -> list[str]:
    """The errors shown under one field of the capacity form."""
    html = response.content.decode()
    block = re.search(
        rf'<div class="field[^"]*">((?:(?!</div>).)*name="{name}".*?)</div>', html, re.S
    )
    assert block, f"no field {name}"
    return re.findall(r'<p class="error">(.*?)</p>', block.group(1))


@pytest.fixture
def kids_session(facility_a):
    """A session whose programme counts children separately: 10 seats, 2 for children, both
    children's seats taken by one family, and a family of one child on the waiting list."""
    program = ProgramFactory(title="親子リトミック", party_counting=PartyCounting.CHILDREN_SEPARATE)
    session = SessionFactory(facility=facility_a, program=program, capacity=10, children_capacity=2)
    book(session, email="kids@example.jp", adults=1, children=2)
    session.refresh_from_db()
    assert (session.seats_taken, session.children_taken) == (1, 2)
    return session


@pytest.fixture
def waiting(kids_session):
    party = book(kids_session, email="wait@example.jp", adults=1, children=1).reservation
    assert party.status == ReservationStatus.WAITLISTED
    return party


def change_url(session: Session) -> str:
    return f"/staff/sessions/{session.pk}/change/"


def api_url(session: Session) -> str:
    return f"/api/v1/sessions/{session.pk}/capacity/"


def capacity_actions(session: Session) -> list[StaffAction]:
    return list(StaffAction.objects.filter(session=session, kind="capacity_change").order_by("id"))


# --- the page ------------------------------------------------------------------------------


def test_the_change_page_shows_the_childrens_capacity_prefilled(manager_a, kids_session):
    response = page_client(manager_a).get(change_url(kids_session), **JA)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<input type="number" name="children_capacity" value="2"', html)
    shown = text(response)
    assert "子どもの定員" in shown
    assert "子どもの定員2席のうち2席が予約済みです。" in shown


def test_raising_the_childrens_capacity_on_the_page_promotes_the_waiting_party(
    manager_a, kids_session, waiting
):
    response = page_client(manager_a).post(
        change_url(kids_session),
        {"action": "capacity", "capacity": 10, "children_capacity": 3, "reason": "保育士が増えた"},
        **JA,
    )
    assert response.status_code == 302
    kids_session.refresh_from_db()
    assert (kids_session.capacity, kids_session.children_capacity) == (10, 3)
    assert (kids_session.seats_taken, kids_session.children_taken) == (2, 3)
    assert kids_session.waitlist_taken == 0
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    assert Notification.objects.filter(reservation=waiting, kind="promoted").count() == 1
    [action] = capacity_actions(kids_session)
    assert action.reason == "保育士が増えた"
    assert action.before["children_capacity"] == 2 and action.after["children_capacity"] == 3
    assert action.before["capacity"] == action.after["capacity"] == 10
    assert action.after["promoted"] == [waiting.code]
    followed = page_client(manager_a).get(change_url(kids_session), **JA)
    assert re.search(r'name="children_capacity" value="3"', followed.content.decode())


def test_lowering_the_childrens_capacity_on_the_page_down_to_the_seats_taken(
    manager_a, kids_session
):
    Session.objects.filter(pk=kids_session.pk).update(children_capacity=5)
    response = page_client(manager_a).post(
        change_url(kids_session),
        {"action": "capacity", "capacity": 8, "children_capacity": 2, "reason": "部屋の変更"},
    )
    assert response.status_code == 302
    kids_session.refresh_from_db()
    assert (kids_session.capacity, kids_session.children_capacity) == (8, 2)
    [action] = capacity_actions(kids_session)
    assert (action.before["children_capacity"], action.after["children_capacity"]) == (5, 2)
    assert (action.before["capacity"], action.after["capacity"]) == (10, 8)


def test_the_page_refuses_a_childrens_capacity_below_the_taken_on_the_field(
    manager_a, kids_session, waiting
):
    before = Session.objects.filter(pk=kids_session.pk).values().get()
    response = page_client(manager_a).post(
        change_url(kids_session),
        {"action": "capacity", "capacity": 12, "children_capacity": 1, "reason": "誤り"},
        **JA,
    )
    assert response.status_code == 409
    assert field_errors(response, "children_capacity") == [
        "予約済みの子どもの席数（2）以上にしてください。"
    ]
    assert field_errors(response, "capacity") == []
    assert "子どもの定員は、予約済みの子どもの席数（2）より少なくできません。" in text(response)
    # Nothing changed: neither limit (the capacity was raised in the same form), nor the list.
    assert Session.objects.filter(pk=kids_session.pk).values().get() == before
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.WAITLISTED
    assert not capacity_actions(kids_session)
    assert not Notification.objects.filter(kind="promoted").exists()


def test_the_audit_page_shows_the_childrens_capacity_before_and_after(manager_a, kids_session):
    client = page_client(manager_a)
    client.post(
        change_url(kids_session),
        {"action": "capacity", "capacity": 10, "children_capacity": 4, "reason": "増員"},
    )
    shown = text(client.get(f"/staff/sessions/{kids_session.pk}/audit/", **JA))
    assert re.search(r"子どもの定員\s*2 → 4", shown), shown


def test_a_session_without_a_childrens_limit_shows_no_such_field(manager_a, session_a):
    response = page_client(manager_a).get(change_url(session_a), **JA)
    html = response.content.decode()
    assert 'name="capacity"' in html
    assert "children_capacity" not in html and "子どもの定員" not in text(response)
    # A posted value is not a field of its form: only the capacity changes.
    done = page_client(manager_a).post(
        change_url(session_a), {"action": "capacity", "capacity": 12, "children_capacity": 3}
    )
    assert done.status_code == 302
    session_a.refresh_from_db()
    assert (session_a.capacity, session_a.children_capacity) == (12, None)


# --- the API -------------------------------------------------------------------------------


def test_the_api_raises_the_childrens_capacity_and_promotes(api_a, kids_session, waiting):
    response = api_a.post(
        api_url(kids_session), {"capacity": 10, "children_capacity": 3}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["promoted"] == [waiting.code]
    assert body["session"]["children_capacity"] == 3
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    assert Notification.objects.filter(reservation=waiting, kind="promoted").count() == 1
    [action] = capacity_actions(kids_session)
    assert (action.before["children_capacity"], action.after["children_capacity"]) == (2, 3)


def test_the_api_lowers_the_childrens_capacity(api_a, kids_session):
    Session.objects.filter(pk=kids_session.pk).update(children_capacity=6)
    response = api_a.post(
        api_url(kids_session),
        {"capacity": 10, "children_capacity": 2, "reason": "部屋の変更"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    kids_session.refresh_from_db()
    assert kids_session.children_capacity == 2
    [action] = capacity_actions(kids_session)
    assert (action.before["children_capacity"], action.after["children_capacity"]) == (6, 2)


def test_the_api_keeps_the_childrens_capacity_when_not_given(api_a, kids_session):
    response = api_a.post(api_url(kids_session), {"capacity": 9}, format="json")
    assert response.status_code == 200
    kids_session.refresh_from_db()
    assert (kids_session.capacity, kids_session.children_capacity) == (9, 2)


def test_the_api_refuses_a_childrens_capacity_below_the_taken(api_a, kids_session, waiting):
    before = Session.objects.filter(pk=kids_session.pk).values().get()
    response = api_a.post(
        api_url(kids_session),
        {"capacity": 12, "children_capacity": 1},
        format="json",
        **JA,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "capacity_below_taken"
    assert body["fields"] == {
        "children_capacity": ["予約済みの子どもの席数（2）以上にしてください。"]
    }
    assert body["children_taken"] == 2
    assert Session.objects.filter(pk=kids_session.pk).values().get() == before
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.WAITLISTED
    assert not capacity_actions(kids_session)


def test_the_api_refuses_a_null_childrens_capacity(api_a, kids_session):
    response = api_a.post(
        api_url(kids_session), {"capacity": 10, "children_capacity": None}, format="json"
    )
    assert response.status_code == 400
    assert "children_capacity" in response.json()["fields"]
    kids_session.refresh_from_db()
    assert kids_session.children_capacity == 2


def test_the_api_refuses_the_key_for_a_session_without_a_childrens_limit(api_a, session_a):
    book(session_a, adults=1, children=1)
    for value in (3, None):
        response = api_a.post(
            api_url(session_a), {"capacity": 12, "children_capacity": value}, format="json"
        )
        assert response.status_code == 400, value
        body = response.json()
        assert body["code"] == "invalid"
        assert list(body["fields"]) == ["children_capacity"]
    session_a.refresh_from_db()
    assert (session_a.capacity, session_a.children_capacity) == (10, None)
    assert not capacity_actions(session_a)
    assert Reservation.objects.filter(session=session_a).count() == 1
