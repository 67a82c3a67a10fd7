"""別の日に変更する on a party's page: a manager moves a caller's booking to another date of the
programme at a facility they manage, through booking's own move (seats on both dates, the
old date's waiting list, the parent's email), with an entry in both sessions' audit logs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import HistoryNote, Reservation, ReservationStatus
from events.models import Session
from notifications.models import Notification, NotificationKind
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import another_date, book
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def party_url(session, code: str) -> str:
    return f"/staff/sessions/{session.pk}/parties/{code}/"


def test_a_manager_moves_a_booking_and_the_waiting_party_gets_the_seat(manager_a, two_dates):
    first, later, yamada, sato = two_dates
    client = page_client(manager_a)
    page = client.get(party_url(first, yamada.code), **JA).content.decode()
    assert "別の日に変更する" in page
    assert f'name="session" value="{later.pk}"' in page
    assert "残り5席" in page

    response = client.post(
        party_url(first, yamada.code), {"action": "move", "session": later.pk}, **JA
    )
    assert response.status_code == 302
    assert response["Location"] == party_url(later, yamada.code)
    yamada.refresh_from_db()
    sato.refresh_from_db()
    assert yamada.session_id == later.pk
    assert sato.status == ReservationStatus.CONFIRMED
    assert yamada.history.order_by("id").last().note == HistoryNote.MOVED
    assert Notification.objects.filter(reservation=yamada, kind=NotificationKind.MOVED).exists()
    entries = StaffAction.objects.filter(kind=StaffActionKind.PARTY_MOVE).order_by("id")
    assert [e.session_id for e in entries] == [first.pk, later.pk]
    assert entries[0].after["promoted"] == [sato.code]
    assert entries[0].before["start"] == timezone.localtime(first.start).isoformat()
    assert entries[0].before["start"].endswith("+09:00")

    shown = client.get(response["Location"], follow=True, **JA).content.decode()
    assert "予約を別の日に変更しました。" in shown
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown))
    assert "別の日に変更 （manager-a）" in text or "別の日に変更（manager-a）" in text
    assert "予約確定 → 予約確定" not in text
    log = client.get(f"/staff/sessions/{first.pk}/audit/", **JA).content.decode()
    assert "別の日への変更（職員）" in re.sub(r"<[^>]+>", "", log)


def test_after_the_parents_deadline_staff_may_still_move_it(manager_a, two_dates):
    first, later, yamada, _sato = two_dates
    Session.objects.filter(pk=first.pk).update(
        cancellation_deadline=first.start - timedelta(days=10),
        registration_closes=first.start - timedelta(days=10),
        registration_opens=first.start - timedelta(days=20),
    )
    client = page_client(manager_a)
    response = client.post(
        party_url(first, yamada.code), {"action": "move", "session": later.pk}, **JA
    )
    assert response.status_code == 302
    yamada.refresh_from_db()
    assert yamada.session_id == later.pk


def test_a_date_at_a_facility_the_manager_does_not_manage_is_not_offered(
    manager_a, two_dates, facility_b
):
    first, _later, yamada, _sato = two_dates
    elsewhere = another_date(first, days=3, facility=facility_b, capacity=5)
    client = page_client(manager_a)
    page = client.get(party_url(first, yamada.code), **JA).content.decode()
    assert f'name="session" value="{elsewhere.pk}"' not in page
    response = client.post(
        party_url(first, yamada.code), {"action": "move", "session": elsewhere.pk}, **JA
    )
    assert response.status_code == 400
    assert Reservation.objects.get(pk=yamada.pk).session_id == first.pk


def test_a_date_that_filled_meanwhile_is_409_with_nothing_changed(manager_a, two_dates):
    first, later, yamada, _sato = two_dates
    Session.objects.filter(pk=later.pk).update(capacity=1)
    client = page_client(manager_a)
    client.get(party_url(first, yamada.code), **JA)
    book(later, email="quick@example.jp")
    response = client.post(
        party_url(first, yamada.code), {"action": "move", "session": later.pk}, **JA
    )
    assert response.status_code in (400, 409)
    assert Reservation.objects.get(pk=yamada.pk).session_id == first.pk
    assert not StaffAction.objects.filter(kind=StaffActionKind.PARTY_MOVE).exists()


def test_a_viewer_sees_no_move_and_cannot_post_one(viewer_a, two_dates):
    first, later, yamada, _sato = two_dates
    client = page_client(viewer_a)
    page = client.get(party_url(first, yamada.code), **JA).content.decode()
    assert "別の日に変更する" not in page
    response = client.post(
        party_url(first, yamada.code), {"action": "move", "session": later.pk}, **JA
    )
    assert response.status_code in (403, 404)
    assert Reservation.objects.get(pk=yamada.pk).session_id == first.pk


def test_a_manager_moves_a_waiting_party_to_a_date_with_seats(manager_a, two_dates):
    first, later, _yamada, sato = two_dates
    client = page_client(manager_a)
    page = client.get(party_url(first, sato.code), **JA).content.decode()
    assert "この日のキャンセル待ちの登録はなくなります。" in page
    assert f'name="session" value="{later.pk}"' in page
    response = client.post(
        party_url(first, sato.code), {"action": "move", "session": later.pk}, **JA
    )
    assert response.status_code == 302
    sato.refresh_from_db()
    assert (sato.session_id, sato.status) == (later.pk, ReservationStatus.CONFIRMED)
    first.refresh_from_db()
    assert first.waitlist_taken == 0
    entry = StaffAction.objects.filter(kind=StaffActionKind.PARTY_MOVE).first()
    assert (entry.before["status"], entry.after["status"]) == ("waitlisted", "confirmed")
    log = client.get(f"/staff/sessions/{first.pk}/audit/", **JA).content.decode()
    assert re.search(r"キャンセル待ち\s*→\s*予約確定", re.sub(r"<[^>]+>", "", log))
