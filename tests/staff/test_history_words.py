"""A reservation's history at the desk (the party's page) and in the admin reads in the reader's
language: what the system noted (繰り上げ, 抽選, 欠席 ...) in that language's words, what staff
typed as they typed it; the desk's own steps (check-in, no-shows, a capacity raised, a session
cancelled) are noted so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.services import reservation_cancel
from staffdesk.selectors.roster import cancelled_by_session
from staffdesk.services import (
    capacity_change,
    check_in,
    no_shows_mark,
    session_cancel,
)
from tests.factories import SessionFactory, book, book_by_phone
from tests.staff.conftest import book_before, page_client, started_session

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def last_note(reservation: Reservation) -> tuple[str, str]:
    row = reservation.history.order_by("-id").first()
    return row.note, row.reason


@pytest.fixture
def promoted_then_cancelled(manager_a, facility_a):
    """佐藤 waited, was promoted when 山田 cancelled, and staff then cancelled for her by phone."""
    session = SessionFactory(facility=facility_a, capacity=1)
    yamada = book(session, name="山田 花子", email="yamada@example.jp").reservation
    sato = book(session, name="佐藤 葵", email="sato@example.jp").reservation
    reservation_cancel(reservation=yamada)
    sato.refresh_from_db()
    assert sato.status == ReservationStatus.CONFIRMED
    url = f"/staff/sessions/{session.pk}/parties/{sato.code}/"
    page_client(manager_a).post(
        url, {"action": "cancel", "reason": "ご本人から電話で依頼", "confirm": "1"}
    )
    sato.refresh_from_db()
    assert sato.status == ReservationStatus.CANCELLED
    return session, sato, url


@pytest.mark.parametrize(
    ("language", "promoted", "reason_label"),
    [
        ("ja", "キャンセルが出たため、キャンセル待ちから繰り上げ", "理由："),
        ("en", "Promoted from the waiting list: a reservation was cancelled", "Reason: "),
        ("ko", "예약 취소가 생겨 대기자 명단에서 예약 확정", "사유: "),
    ],
)
def test_the_party_page_reads_the_systems_notes_in_its_language_and_staffs_words_as_typed(
    manager_a, promoted_then_cancelled, language, promoted, reason_label
):
    _session, _sato, url = promoted_then_cancelled
    shown = text(page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE=language))
    assert f"{reason_label}{promoted}" in shown
    assert f"{reason_label}ご本人から電話で依頼" in shown
    assert "promoted from the waiting list (" not in shown


def test_a_phone_booking_over_the_capacity_reads_the_raise_and_the_reason(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=1)
    book(session)
    r = book_by_phone(session, by=manager_a, override_reason="所長了承済み").reservation
    assert last_note(r) == (HistoryNote.CAPACITY_RAISED, "所長了承済み")
    url = f"/staff/sessions/{session.pk}/parties/{r.code}/"
    ja = text(page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "この組のために定員を増やして予約：所長了承済み" in ja
    en = text(page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Booked with the capacity raised for this party: 所長了承済み" in en
    assert "phone booking:" not in ja + en


def test_a_raised_capacity_promotes_with_its_note(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=1)
    book(session)
    waiting = book(session, email="w@example.jp").reservation
    capacity_change(session=session, by=manager_a, capacity=2, reason="保育士が増えた")
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    assert last_note(waiting) == (HistoryNote.PROMOTED_CAPACITY, "")


def test_check_in_its_undoing_and_the_no_shows_are_noted(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=5)
    came = book_before(session, email="came@example.jp").reservation
    absent = book_before(session, email="absent@example.jp").reservation
    check_in(session=session, reservation=came, by=manager_a)
    assert last_note(came) == (HistoryNote.CHECKED_IN, "")
    check_in(session=session, reservation=came, by=manager_a, attended=False)
    assert last_note(came) == (HistoryNote.CHECK_IN_UNDONE, "")
    check_in(session=session, reservation=came, by=manager_a)
    no_shows_mark(session=session, by=manager_a, now=timezone.now() + timedelta(minutes=1))
    assert last_note(absent) == (HistoryNote.NO_SHOW_MARKED, "")
    url = f"/staff/sessions/{session.pk}/parties/{absent.code}/"
    shown = text(page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "終了時に未受付のため欠席として記録" in shown
    came_page = text(
        page_client(manager_a).get(
            f"/staff/sessions/{session.pk}/parties/{came.code}/", HTTP_ACCEPT_LANGUAGE="ja"
        )
    )
    assert "受付で出席を記録" in came_page and "受付の取り消し" in came_page


def test_a_cancelled_sessions_parties_keep_staffs_reason_and_are_found_by_it(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=5)
    party = book(session).reservation
    earlier = book(session, email="earlier@example.jp").reservation
    reservation_cancel(reservation=earlier)
    session_cancel(session=session, by=manager_a, reason="台風のため")
    assert last_note(party) == (HistoryNote.SESSION_CANCELLED, "台風のため")
    session.refresh_from_db()
    found = Reservation.objects.filter(cancelled_by_session(session))
    assert list(found) == [party]
    url = f"/staff/sessions/{session.pk}/parties/{party.code}/"
    shown = text(page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE="ja"))
    assert "開催回の中止によるキャンセル：台風のため" in shown


@pytest.mark.parametrize(
    ("language", "promoted", "parent"),
    [
        ("ja", "キャンセルが出たため、キャンセル待ちから繰り上げ", "保護者によるキャンセル"),
        ("en", "Promoted from the waiting list: a reservation was cancelled", "Cancelled by the"),
        ("vi", "Được chuyển từ danh sách chờ: có người hủy đặt chỗ", "Phụ huynh đã hủy"),
    ],
)
def test_the_admin_change_page_reads_the_history_in_its_language(
    promoted_then_cancelled, language, promoted, parent
):
    session, sato, _url = promoted_then_cancelled
    root = get_user_model().objects.create_superuser("root@example.jp", "root@example.jp", "pw")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(root)
    shown = text(client.get(f"/admin/booking/reservation/{sato.pk}/change/"))
    assert promoted in shown and "ご本人から電話で依頼" in shown
    yamada = Reservation.objects.get(session=session, email="yamada@example.jp")
    other = text(client.get(f"/admin/booking/reservation/{yamada.pk}/change/"))
    assert parent in other
    assert "cancelled by parent" not in other and "promoted from" not in shown
