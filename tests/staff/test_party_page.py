"""A party's page at the desk (/staff/sessions/<pk>/parties/<code>/): a manager changes the
party's size or cancels its booking for a caller, through booking's own services (seats, the
waiting list, the history, the parent's email) with an entry in the audit log; a viewer only
looks."""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation, ReservationHistory, ReservationStatus
from booking.rules import Contact, Party
from events.models import Session
from notifications.models import Notification, NotificationKind
from staffdesk.models import StaffAction
from staffdesk.services import phone_booking_create
from tests.factories import ProgramFactory, SessionFactory, book
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def party_url(session, code: str) -> str:
    return f"/staff/sessions/{session.pk}/parties/{code}/"


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_errors(response, name: str) -> list[str]:
    """The errors shown right under the field ``name`` (the _field.html block)."""
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    block = html[start : html.index("</div>", start)]
    return re.findall(r'<p class="error">(.*?)</p>', block)


@pytest.fixture
def full_session(facility_a):
    """Two seats, both taken by 山田 (one adult), and 佐藤 waiting for one."""
    session = SessionFactory(
        facility=facility_a, program=ProgramFactory(title="親子ふれあい遊び"), capacity=2
    )
    yamada = book(
        session, name="山田 花子", name_kana="やまだ はなこ", email="yamada@example.jp"
    ).reservation
    other = book(session, name="田中 一郎", email="tanaka@example.jp").reservation
    sato = book(session, name="佐藤 葵", email="sato@example.jp").reservation
    assert sato.status == ReservationStatus.WAITLISTED
    return session, yamada, other, sato


def seats(session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


def test_each_roster_row_the_slip_and_the_phone_page_link_to_the_party(manager_a, full_session):
    session, yamada, _other, _sato = full_session
    client = page_client(manager_a)
    roster = client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode()
    assert f'href="{party_url(session, yamada.code)}"' in roster
    slip = client.get(f"/staff/sessions/{session.pk}/slips/{yamada.code}/", **JA)
    assert f'href="{party_url(session, yamada.code)}"' in slip.content.decode()
    booked = client.get(f"/staff/sessions/{session.pk}/phone/{yamada.code}/", **JA)
    assert f'href="{party_url(session, yamada.code)}"' in booked.content.decode()
    page = client.get(party_url(session, yamada.code), **JA)
    assert page.status_code == 200
    shown = text(page)
    assert "山田 花子様の予約" in shown and yamada.code in shown
    assert "yamada@example.jp" in shown and "予約確定" in shown
    assert "参加人数を変更する" in shown and "この予約をキャンセルする" in shown


def test_a_manager_grows_a_party_within_the_seats_left(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=10)
    r = book(session, name="山田 花子", email="yamada@example.jp").reservation
    client = page_client(manager_a)
    response = client.post(
        party_url(session, r.code), {"action": "party", "adults": 2, "children": 1}, **JA
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.adults, r.children) == (2, 1) and seats(session) == 3
    email = Notification.objects.get(reservation=r, kind=NotificationKind.PARTY_CHANGED)
    assert email.payload["by_staff"] is True
    [action] = StaffAction.objects.filter(reservation=r)
    assert action.kind == "party_change" and action.actor == manager_a
    assert action.before["adults"] == 1 and action.after["adults"] == 2
    page = client.get(response["Location"], **JA)
    shown = text(page)
    assert "参加人数を変更しました。" in shown and "保護者にはメールでお知らせします。" in shown
    assert "大人 2 ・ 子ども 1" in shown


def test_a_party_too_large_for_the_seats_left_is_refused_and_nothing_changes(
    manager_a, full_session
):
    session, yamada, _other, sato = full_session
    client = page_client(manager_a)
    response = client.post(
        party_url(session, yamada.code), {"action": "party", "adults": 2, "children": 0}, **JA
    )
    assert response.status_code == 409
    assert "残りの席数を超えるため、この人数には変更できません。" in text(response)
    assert 'class="error-summary"' in response.content.decode()
    yamada.refresh_from_db()
    assert yamada.adults == 1 and seats(session) == 2
    assert not StaffAction.objects.filter(reservation=yamada).exists()


def test_shrinking_a_party_gives_its_seat_to_the_waiting_list(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, capacity=3)
    big = book(session, name="山田 花子", adults=2, email="yamada@example.jp").reservation
    book(session, name="田中 一郎", email="tanaka@example.jp")
    waiting = book(session, name="佐藤 葵", email="sato@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    client = page_client(manager_a)
    response = client.post(
        party_url(session, big.code), {"action": "party", "adults": 1, "children": 0}, **JA
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED and seats(session) == 3
    assert "1組がキャンセル待ちから繰り上がりました。" in text(
        client.get(response["Location"], **JA)
    )


def test_ages_the_programme_asks_for_are_checked_next_to_their_field(manager_a, facility_a):
    program = ProgramFactory(requires_child_ages=True, child_age_max_months=36, max_children=2)
    session = SessionFactory(facility=facility_a, program=program)
    r = book(session, children=1, children_ages=[10], email="baby@example.jp").reservation
    client = page_client(manager_a)
    page = client.get(party_url(session, r.code), **JA).content.decode()
    assert 'name="child_age_1"' in page and 'name="child_age_2"' in page
    response = client.post(
        party_url(session, r.code),
        {"action": "party", "adults": 1, "children": 2, "child_age_1": "10"},
        **JA,
    )
    assert response.status_code == 400
    errors = field_errors(response, "child_age_1")
    assert errors and all(re.search(r"[ぁ-んァ-ン一-龥]", e) for e in errors), errors
    r.refresh_from_db()
    assert r.children == 1 and r.children_ages == [10]
    done = client.post(
        party_url(session, r.code),
        {"action": "party", "adults": 1, "children": 2, "child_age_1": "10", "child_age_2": "30"},
        **JA,
    )
    assert done.status_code == 302
    r.refresh_from_db()
    assert r.children == 2 and r.children_ages == [10, 30]


def test_cancelling_asks_first_then_cancels_promotes_and_emails_the_parent(manager_a, full_session):
    session, yamada, _other, sato = full_session
    client = page_client(manager_a)
    url = party_url(session, yamada.code)
    ask = client.post(url, {"action": "cancel", "reason": "ご本人から電話で依頼"}, **JA)
    assert ask.status_code == 200
    shown = text(ask)
    assert "この予約をキャンセルしますか？" in shown and "ご本人から電話で依頼" in shown
    assert "保護者にはメール（yamada@example.jp）でお知らせします。" in shown
    yamada.refresh_from_db()
    assert yamada.status == ReservationStatus.CONFIRMED  # nothing done before the confirmation
    assert not Notification.objects.filter(reservation=yamada, kind="cancelled").exists()

    done = client.post(
        url, {"action": "cancel", "reason": "ご本人から電話で依頼", "confirm": "1"}, **JA
    )
    assert done.status_code == 302
    yamada.refresh_from_db()
    sato.refresh_from_db()
    assert yamada.status == ReservationStatus.CANCELLED
    assert sato.status == ReservationStatus.CONFIRMED and seats(session) == 2
    email = Notification.objects.get(reservation=yamada, kind=NotificationKind.CANCELLED)
    assert email.payload["by_staff"] is True and email.payload["reason"] == "ご本人から電話で依頼"
    assert Notification.objects.filter(reservation=sato, kind=NotificationKind.PROMOTED).exists()
    history = ReservationHistory.objects.filter(reservation=yamada).last()
    assert history.to_status == "cancelled" and history.actor == manager_a
    assert history.reason == "ご本人から電話で依頼"
    [action] = StaffAction.objects.filter(reservation=yamada)
    assert action.kind == "reservation_cancel" and action.reason == "ご本人から電話で依頼"
    assert action.after["promoted"] == [sato.code]
    page = client.get(done["Location"], **JA)
    shown = text(page)
    assert "山田 花子様の予約をキャンセルしました。" in shown
    assert "1組がキャンセル待ちから繰り上がりました。" in shown
    assert "この予約は変更・キャンセルできません。" in shown
    assert 'name="action"' not in page.content.decode()  # no forms left on a cancelled booking


def test_a_cancellation_without_a_reason_is_refused_next_to_the_field(manager_a, full_session):
    session, yamada, _other, _sato = full_session
    client = page_client(manager_a)
    response = client.post(
        party_url(session, yamada.code), {"action": "cancel", "reason": " ", "confirm": "1"}, **JA
    )
    assert response.status_code == 400
    errors = field_errors(response, "reason")
    assert errors and re.search(r"[ぁ-んァ-ン一-龥]", errors[0]), errors
    yamada.refresh_from_db()
    assert yamada.status == ReservationStatus.CONFIRMED and seats(session) == 2


def test_a_phone_booking_without_email_is_cancelled_without_email_and_staff_are_told_to_phone(
    manager_a, facility_a
):
    session = SessionFactory(facility=facility_a)
    r = phone_booking_create(
        session=session,
        by=manager_a,
        party=Party(adults=1),
        contact=Contact(name="電話 花子", name_kana="でんわ はなこ", phone="090-1234-5678"),
    ).reservation
    client = page_client(manager_a)
    url = party_url(session, r.code)
    ask = client.post(url, {"action": "cancel", "reason": "電話で依頼"}, **JA)
    assert "メールアドレスがありません。保護者へお電話でお伝えください。" in text(ask)
    done = client.post(url, {"action": "cancel", "reason": "電話で依頼", "confirm": "1"}, **JA)
    assert done.status_code == 302
    r.refresh_from_db()
    assert r.status == ReservationStatus.CANCELLED and seats(session) == 0
    assert not Notification.objects.filter(reservation=r, kind="cancelled").exists()
    assert "メールアドレスがありません。" in text(client.get(done["Location"], **JA))


def test_a_viewer_sees_the_party_without_forms_and_may_not_post(viewer_a, full_session):
    session, yamada, _other, _sato = full_session
    client = page_client(viewer_a)
    page = client.get(party_url(session, yamada.code), **JA)
    assert page.status_code == 200 and "山田 花子" in text(page)
    assert 'name="action"' not in page.content.decode()
    for data in (
        {"action": "cancel", "reason": "x", "confirm": "1"},
        {"action": "party", "adults": 1, "children": 1},
    ):
        assert client.post(party_url(session, yamada.code), data).status_code == 403
    yamada.refresh_from_db()
    assert yamada.status == ReservationStatus.CONFIRMED and yamada.children == 0


def test_another_facility_or_an_unknown_code_is_not_found(manager_b, manager_a, full_session):
    session, yamada, _other, _sato = full_session
    assert page_client(manager_b).get(party_url(session, yamada.code)).status_code == 404
    assert page_client(manager_a).get(party_url(session, "NOPE-CODE")).status_code == 404
    other = SessionFactory(facility=session.facility)
    # A party of another session of the same facility is not this session's.
    assert page_client(manager_a).get(party_url(other, yamada.code)).status_code == 404


def test_a_booking_cancelled_meanwhile_is_not_cancelled_twice(manager_a, full_session):
    session, yamada, _other, _sato = full_session
    Reservation.objects.filter(pk=yamada.pk).update(status=ReservationStatus.CANCELLED)
    client = page_client(manager_a)
    response = client.post(
        party_url(session, yamada.code), {"action": "cancel", "reason": "x", "confirm": "1"}, **JA
    )
    assert response.status_code == 302
    assert "この予約は変更・キャンセルできません。" in text(client.get(response["Location"], **JA))
    assert not StaffAction.objects.filter(reservation=yamada).exists()
