"""Lottery wins confirmed by staff: a party booked by phone without an email address never hears
of its win by email and cannot confirm online, so the roster tells staff to phone it (メールなし：
電話で当選をお知らせください) and managers confirm the win for it (当選を確定する), the parent's own
confirmation made by staff, refused after the deadline or for a party that has not (or no
longer) won. The A4 print marks 電話予約 and メールなし as the roster does.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import HistoryNote, Reservation, ReservationStatus
from booking.services import lottery_draw, reservation_confirm_win
from notifications.models import Notification
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import (
    FacilityFactory,
    SessionFactory,
    book,
    lottery_session,
    staff_user,
)
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

HINT = "メールなし：電話で当選をお知らせください"
CONFIRM = "当選を確定する"


@pytest.fixture
def lottery(facility_a):
    return lottery_session(facility_a, 6)


def phone_apply(client, session, name="電話 花子", kana="でんわ はなこ", phone="090-1234-5678"):
    """Take a caller's application on the phone page, as staff do; return the reservation."""
    answer = client.post(
        f"/staff/sessions/{session.pk}/phone/",
        {"name": name, "name_kana": kana, "phone": phone, "adults": "1", "children": "0"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Reservation.objects.filter(session=session, source="phone").latest("id")


@pytest.fixture
def winners(lottery, manager_a):
    """A caller without email and a parent with one, both drawn (seats for all): both won."""
    caller = phone_apply(page_client(manager_a), lottery)
    parent = book(lottery, email="parent@example.jp", name="佐藤 花", name_kana="さとう はな")
    lottery_draw(session=lottery, seed="s")
    caller.refresh_from_db()
    parent = parent.reservation
    parent.refresh_from_db()
    assert caller.status == parent.status == ReservationStatus.WON
    assert caller.confirm_by is not None and caller.confirm_by > timezone.now()
    return caller, parent


def row_of(page: str, code: str) -> str:
    return page[page.index(f'id="r-{code}"') :].split("</tr>")[0]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def confirm(client, session, code, note=""):
    return client.post(
        f"/staff/sessions/{session.pk}/confirm-win/", {"code": code, "note": note}, follow=True
    )


def test_the_roster_tells_staff_to_phone_a_winner_without_email(lottery, manager_a, winners):
    caller, parent = winners
    page = page_client(manager_a).get(f"/staff/sessions/{lottery.pk}/").content.decode()
    mine, theirs = row_of(page, caller.code), row_of(page, parent.code)
    assert HINT in mine and CONFIRM in mine and "確定期限" in mine
    # A parent with an address is told by email; staff may still confirm when they phone in.
    assert HINT not in theirs and CONFIRM in theirs
    # A viewer sees whom to phone but cannot confirm.
    viewer = page_client(staff_user(lottery.facility, role="viewer", username="viewer"))
    seen = row_of(viewer.get(f"/staff/sessions/{lottery.pk}/").content.decode(), caller.code)
    assert HINT in seen and CONFIRM not in seen


def test_staff_confirm_a_win_as_the_parent_would_with_a_note(lottery, manager_a, winners):
    caller, _parent = winners
    client = page_client(manager_a)
    lottery.refresh_from_db()
    taken = lottery.seats_taken
    assert taken == 2
    answer = confirm(client, lottery, caller.code, note="12/1 10時 本人に電話で連絡")
    assert answer.redirect_chain == [(f"/staff/sessions/{lottery.pk}/#r-{caller.code}", 302)]
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.CONFIRMED
    row = row_of(answer.content.decode(), caller.code)
    assert "予約確定" in row and HINT not in row and CONFIRM not in row
    assert "電話 花子" in text(answer.content.decode()) and "当選を確定しました" in text(
        answer.content.decode()
    )
    # The parent's own history row, by the staff member.
    change = caller.history.order_by("-id").first()
    assert (change.from_status, change.to_status) == ("won", "confirmed")
    assert change.actor == manager_a and change.actor_label == "staff:manager-a"
    assert change.note == HistoryNote.WIN_CONFIRMED and change.reason == ""
    action = StaffAction.objects.get(kind=StaffActionKind.WIN_CONFIRM)
    assert action.actor == manager_a and action.reservation == caller
    assert action.session == lottery and action.reason == "12/1 10時 本人に電話で連絡"
    assert action.before["status"] == "won" and action.after["status"] == "confirmed"
    # No email for a party without an address; the seat it held stays taken.
    assert not Notification.objects.filter(reservation=caller).exists()
    lottery.refresh_from_db()
    assert lottery.seats_taken == taken
    audit = client.get(f"/staff/sessions/{lottery.pk}/audit/").content.decode()
    assert "当選の代理確定" in audit


def test_a_parent_who_phones_in_gets_the_same_email_as_confirming_online(
    lottery, manager_a, winners
):
    _caller, parent = winners
    confirm(page_client(manager_a), lottery, parent.code)
    parent.refresh_from_db()
    assert parent.status == ReservationStatus.CONFIRMED
    # The confirmation with the invite, as reservation_confirm_win writes for the parent.
    assert Notification.objects.filter(reservation=parent, kind="confirmed").count() == 1


def test_after_the_deadline_the_win_is_refused_and_nothing_changes(lottery, manager_a, winners):
    caller, _parent = winners
    Reservation.objects.filter(pk=caller.pk).update(
        confirm_by=timezone.now() - timedelta(minutes=1)
    )
    client = page_client(manager_a)
    row = row_of(client.get(f"/staff/sessions/{lottery.pk}/").content.decode(), caller.code)
    assert "確定の期限を過ぎています" in row and CONFIRM not in row
    answer = confirm(client, lottery, caller.code, note="遅れて連絡")
    assert answer.status_code == 200
    assert "確定の期限を過ぎています" in text(answer.content.decode().split("<table")[0])
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.WON
    assert not StaffAction.objects.filter(kind=StaffActionKind.WIN_CONFIRM).exists()


@pytest.mark.parametrize("status", ["confirmed", "applied", "lapsed", "cancelled"])
def test_a_party_that_has_not_won_or_already_confirmed_is_refused(
    lottery, manager_a, winners, status
):
    caller, _parent = winners
    if status == "confirmed":
        reservation_confirm_win(reservation=caller)  # the party confirmed some other way
    else:
        Reservation.objects.filter(pk=caller.pk).update(status=status)
    history = caller.history.count()
    answer = confirm(page_client(manager_a), lottery, caller.code)
    message = text(answer.content.decode().split("<table")[0])
    assert "当選して確定していない組だけ" in message
    caller.refresh_from_db()
    assert caller.status == status and caller.history.count() == history
    assert not StaffAction.objects.filter(kind=StaffActionKind.WIN_CONFIRM).exists()


def test_only_the_facilitys_managers_may_confirm(lottery, manager_a, winners, facility_a):
    caller, _parent = winners
    url = f"/staff/sessions/{lottery.pk}/confirm-win/"
    viewer = page_client(staff_user(facility_a, role="viewer", username="viewer"))
    assert viewer.post(url, {"code": caller.code}).status_code == 403
    stranger = page_client(staff_user(FacilityFactory(slug="elsewhere"), username="stranger"))
    assert stranger.post(url, {"code": caller.code}).status_code == 404
    client = page_client(manager_a)
    assert client.get(url).status_code == 405
    assert client.post(url, {"code": "NOPE1234"}).status_code == 404
    other = SessionFactory(facility=facility_a)  # a code of another session is not found here
    assert (
        client.post(f"/staff/sessions/{other.pk}/confirm-win/", {"code": caller.code}).status_code
        == 404
    )
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.WON


def test_a_note_too_long_is_refused_with_its_message(lottery, manager_a, winners):
    caller, _parent = winners
    answer = confirm(page_client(manager_a), lottery, caller.code, note="あ" * 201)
    assert "200" in text(answer.content.decode().split("<table")[0])
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.WON


def test_the_print_marks_phone_bookings_and_parties_without_email(lottery, manager_a, winners):
    caller, parent = winners
    page = page_client(manager_a).get(f"/staff/sessions/{lottery.pk}/print/").content.decode()
    rows = {
        code: row for code in (caller.code, parent.code) for row in page.split("<tr") if code in row
    }
    assert "電話予約" in rows[caller.code] and "メールなし" in rows[caller.code]
    assert "電話予約" not in rows[parent.code] and "メールなし" not in rows[parent.code]


@pytest.mark.django_db(transaction=True)
def test_in_the_browser_staff_see_whom_to_phone_and_confirm_with_a_note(
    browser, live_server, lottery, manager_a, winners
):
    from tests.browser import axe_violations, screenshot
    from tests.staff.browser_pages import log_in, tablet

    caller, _parent = winners
    page = tablet(browser)
    log_in(page, live_server.url, manager_a.username, f"/staff/sessions/{lottery.pk}/")
    row = page.locator(f"#r-{caller.code}")
    assert HINT in row.inner_text()
    row.locator("summary", has_text=CONFIRM).click()
    for name, size in (
        ("1024", {"width": 1024, "height": 768}),
        ("360", {"width": 360, "height": 780}),
    ):
        page.set_viewport_size(size)
        assert axe_violations(page) == []
        screenshot(page, f"staff-win-confirm-{name}")
    row.get_by_label("備考（任意）").fill("本人に電話で連絡済み")
    row.locator("button", has_text=CONFIRM).click()
    page.wait_for_url(re.compile(rf"#r-{caller.code}$"))
    assert "当選を確定しました" in page.locator(".messages").inner_text()
    assert "予約確定" in page.locator(f"#r-{caller.code} td.status").inner_text()
    assert (
        StaffAction.objects.get(kind=StaffActionKind.WIN_CONFIRM).reason == "本人に電話で連絡済み"
    )
