"""The staff API for one party, as its page at the desk: ``GET /api/v1/sessions/{id}/parties/
{code}/`` reads it with its history and emails (any staff of the facility); a manager changes
its size (``PATCH``), cancels its booking (``.../cancellation/``) or moves it to another date
(``.../move/``) for a caller on the phone. Each answer is checked against what it leaves:
reservations, seats, the waiting list, the outbox, the audit log."""

from __future__ import annotations

import pytest

from booking.models import HistoryNote, Reservation, ReservationStatus
from events.models import Session
from notifications.models import Notification, NotificationKind
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import SessionFactory, another_date, book
from tests.staff.conftest import token_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def url(session, code: str, what: str = "") -> str:
    return f"/api/v1/sessions/{session.pk}/parties/{code}/{what}"


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        sorted(Reservation.objects.values_list("code", "status", "session_id", "adults")),
        sorted(Session.objects.values_list("pk", "seats_taken", "waitlist_taken")),
        Notification.objects.count(),
        StaffAction.objects.count(),
    )


def test_any_staff_of_the_facility_reads_a_party_with_its_history_and_emails(viewer_a, two_dates):
    first, _later, yamada, sato = two_dates
    response = token_client(viewer_a).get(url(first, yamada.code), **JA)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["code"] == yamada.code
    assert body["name"] == "山田 花子"
    assert body["status"] == "confirmed"
    assert body["session"]["id"] == first.pk
    assert body["changeable"] is True
    assert (body["party_changes"], body["moves"]) == (0, 0)
    booked = body["history"][0]
    assert (booked["from_status"], booked["to_status"]) == ("", "confirmed")
    assert booked["actor"] == "保護者"
    assert [e["kind"] for e in body["emails"]] == [NotificationKind.CONFIRMED]
    assert body["position"] is None
    waiting = token_client(viewer_a).get(url(first, sato.code)).json()
    assert (waiting["status"], waiting["position"]) == ("waitlisted", 1)


def test_a_code_not_on_the_roster_or_another_facilitys_session_is_404(
    manager_a, manager_b, two_dates
):
    first, later, yamada, _sato = two_dates
    assert token_client(manager_a).get(url(later, yamada.code)).status_code == 404
    assert token_client(manager_a).get(url(first, "NOPE-NOPE")).status_code == 404
    assert token_client(manager_a).get(url(first, "NOPE\x00")).status_code == 400
    response = token_client(manager_b).get(url(first, yamada.code))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert token_client(None).get(url(first, yamada.code)).status_code in (401, 403)


def test_a_manager_makes_a_party_smaller_and_the_waiting_party_gets_the_seat(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=3)
    big = book(session, adults=2, email="big@example.jp").reservation
    book(session, email="one@example.jp")
    waiting = book(session, email="wait@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED

    response = token_client(manager_a).patch(url(session, big.code), {"adults": 1}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["adults"] == 1
    assert body["promoted"] == [waiting.code]
    assert body["session"]["seats_taken"] == 3
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    entry = StaffAction.objects.get(kind=StaffActionKind.PARTY_CHANGE)
    assert (entry.before["adults"], entry.after["adults"]) == (2, 1)
    assert Notification.objects.filter(reservation=big, kind=NotificationKind.PARTY_CHANGED)

    again = token_client(manager_a).patch(url(session, big.code), {"adults": 1}, format="json")
    assert again.status_code == 200
    assert again.json()["promoted"] == []
    assert StaffAction.objects.filter(kind=StaffActionKind.PARTY_CHANGE).count() == 1


def test_a_larger_party_without_seats_left_is_409_with_nothing_changed(manager_a, two_dates):
    first, _later, yamada, _sato = two_dates
    before = state()
    response = token_client(manager_a).patch(
        url(first, yamada.code), {"adults": 2}, format="json", **JA
    )
    assert response.status_code == 409
    assert response.json()["code"] == "party_too_large"
    assert response.json()["message"] == "残りの席数を超えるため、この人数には変更できません。"
    assert state() == before


@pytest.mark.parametrize(
    "body",
    [
        {"adults": 3},
        {"adults": 0},
        {"adults": "two"},
        {"children_ages": "5"},
        {"adults": None},
        ["adults"],
    ],
)
def test_a_malformed_change_is_400_invalid_with_nothing_changed(manager_a, two_dates, body):
    first, _later, yamada, _sato = two_dates
    before = state()
    response = token_client(manager_a).patch(url(first, yamada.code), body, format="json", **JA)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert state() == before


def test_a_viewer_may_read_but_not_change_move_or_cancel(viewer_a, two_dates):
    first, later, yamada, _sato = two_dates
    client = token_client(viewer_a)
    before = state()
    assert client.patch(url(first, yamada.code), {"adults": 1}, format="json").status_code == 403
    cancel = client.post(
        url(first, yamada.code, "cancellation/"), {"reason": "電話"}, format="json"
    )
    assert cancel.status_code == 403
    assert client.get(url(first, yamada.code, "move/")).status_code == 403
    move = client.post(url(first, yamada.code, "move/"), {"session": later.pk}, format="json")
    assert move.status_code == 403
    assert state() == before


def test_a_manager_cancels_with_a_reason_the_parent_reads_and_the_seat_goes_on(
    manager_a, two_dates
):
    first, _later, yamada, sato = two_dates
    client = token_client(manager_a)
    before = state()
    missing = client.post(url(first, yamada.code, "cancellation/"), {}, format="json", **JA)
    assert missing.status_code == 400
    assert "reason" in missing.json()["fields"]
    blank = client.post(
        url(first, yamada.code, "cancellation/"), {"reason": "  "}, format="json", **JA
    )
    assert blank.status_code == 400
    assert state() == before

    response = client.post(
        url(first, yamada.code, "cancellation/"), {"reason": "お電話でご連絡"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["promoted"] == [sato.code]
    email = Notification.objects.get(reservation=yamada, kind=NotificationKind.CANCELLED)
    assert email.payload["by_staff"] is True and email.payload["reason"] == "お電話でご連絡"
    entry = StaffAction.objects.get(kind=StaffActionKind.RESERVATION_CANCEL)
    assert entry.reason == "お電話でご連絡"

    after = state()
    again = client.post(
        url(first, yamada.code, "cancellation/"), {"reason": "二度目"}, format="json", **JA
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"
    assert again.json()["message"]  # in the request's language
    assert state() == after
    detail = client.get(url(first, yamada.code)).json()
    assert detail["changeable"] is False
    assert [h["to_status"] for h in detail["history"]] == ["confirmed", "cancelled"]


def test_a_manager_moves_a_party_to_another_date_once(manager_a, two_dates):
    first, later, yamada, sato = two_dates
    client = token_client(manager_a)
    choices = client.get(url(first, yamada.code, "move/"))
    assert choices.status_code == 200
    assert [s["id"] for s in choices.json()] == [later.pk]

    response = client.post(url(first, yamada.code, "move/"), {"session": later.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["session"]["id"] == later.pk
    assert body["promoted"] == [sato.code]
    yamada.refresh_from_db()
    assert yamada.session_id == later.pk
    assert Notification.objects.filter(reservation=yamada, kind=NotificationKind.MOVED).count() == 1
    entries = StaffAction.objects.filter(kind=StaffActionKind.PARTY_MOVE)
    assert sorted(e.session_id for e in entries) == sorted([first.pk, later.pk])

    after = state()
    again = client.post(url(first, yamada.code, "move/"), {"session": later.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["session"]["id"] == later.pk
    assert again.json()["promoted"] == []
    assert state() == after
    detail = client.get(url(later, yamada.code)).json()
    assert detail["moves"] == 1
    moved = detail["history"][-1]
    assert (moved["note"], moved["left_session"]) == (HistoryNote.MOVED, first.pk)
    assert client.get(url(first, yamada.code)).status_code == 404


def test_a_move_refused_changes_nothing(manager_a, manager_b, two_dates, facility_b):
    first, later, yamada, _sato = two_dates
    client = token_client(manager_a)
    other_programme = SessionFactory(facility=first.facility, capacity=10)
    elsewhere = another_date(first, days=3, facility=facility_b, capacity=5)
    Session.objects.filter(pk=later.pk).update(capacity=0)
    before = state()
    full = client.post(url(first, yamada.code, "move/"), {"session": later.pk}, format="json")
    assert full.status_code == 409
    assert full.json()["code"] == "session_full"
    wrong = client.post(
        url(first, yamada.code, "move/"), {"session": other_programme.pk}, format="json"
    )
    assert wrong.status_code == 400
    assert "session" in wrong.json()["fields"]
    unmanaged = client.post(
        url(first, yamada.code, "move/"), {"session": elsewhere.pk}, format="json"
    )
    assert unmanaged.status_code == 403
    for body in ({}, {"session": "x"}, {"session": 10**9}, {"session": [later.pk]}):
        bad = client.post(url(first, yamada.code, "move/"), body, format="json")
        assert bad.status_code == 400, (body, bad.content)
    assert state() == before
    assert token_client(manager_b).get(url(first, yamada.code, "move/")).status_code == 404


def test_a_waiting_party_moves_to_a_date_with_seats_and_leaves_the_list(manager_a, two_dates):
    first, later, _yamada, sato = two_dates
    client = token_client(manager_a)
    assert [s["id"] for s in client.get(url(first, sato.code, "move/")).json()] == [later.pk]
    response = client.post(url(first, sato.code, "move/"), {"session": later.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["session"]["id"], body["promoted"]) == ("confirmed", later.pk, [])
    first.refresh_from_db()
    assert (first.seats_taken, first.waitlist_taken) == (2, 0)
    email = Notification.objects.get(reservation=sato, kind=NotificationKind.MOVED)
    assert email.payload["from_waiting"] is True and email.payload["by_staff"] is True


def test_a_party_of_a_session_that_is_over_cannot_be_changed(manager_a, two_dates):
    first, _later, yamada, _sato = two_dates
    Reservation.objects.filter(pk=yamada.pk).update(status=ReservationStatus.ATTENDED)
    before = state()
    response = token_client(manager_a).patch(
        url(first, yamada.code), {"adults": 1}, format="json", **JA
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert state() == before
