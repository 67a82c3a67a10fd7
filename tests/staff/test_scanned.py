"""受付用QRコード: a parent shows the QR code of the reservation's page at the door, the desk's
tablet reads it with its camera and opens QRコードで受付, which names the party and checks it
in with one tap (the roster's own check-in), or says why it cannot be checked in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import segno
from django.utils import timezone

from booking.models import ReservationStatus
from events.models import StaffRole
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import ProgramFactory, SessionFactory, book, course_of_three, staff_user
from tests.staff.conftest import page_client, started_session, token_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def scanned(code: str) -> str:
    return f"/staff/check-in/{code}/"


def text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.content.decode()))


def check_in_form(html: str) -> tuple[str, dict[str, str]] | None:
    form = re.search(
        r'<form method="post" action="([^"]+)" class="scanned-form">(.*?)</form>', html, re.S
    )
    if form is None:
        return None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    return form.group(1), fields


def test_a_party_of_today_is_named_and_checked_in_with_one_tap(desk_a, day):
    client = page_client(desk_a)
    page = client.get(scanned(day.first.code), **JA)
    assert page.status_code == 200
    assert "受付 一郎" in text(page) and day.first.code in text(page)
    assert re.search(r'data-testid="state">予約確定<', page.content.decode())
    action, fields = check_in_form(page.content.decode())
    assert action == f"/staff/sessions/{day.started.pk}/check-in/"
    assert fields["code"] == day.first.code and fields["attended"] == "1"
    tapped = client.post(action, fields, **JA)
    assert tapped.status_code == 302
    assert tapped["Location"].endswith(f"#r-{day.first.code}")
    day.first.refresh_from_db()
    assert day.first.status == ReservationStatus.ATTENDED
    assert StaffAction.objects.filter(
        kind=StaffActionKind.CHECK_IN, reservation=day.first, actor=desk_a
    ).exists()
    again = client.get(scanned(day.first.code), **JA)
    assert "すでに出席になっています。" in text(again)
    assert re.search(r'data-testid="state">出席<', again.content.decode())
    assert check_in_form(again.content.decode()) is None


def test_the_code_is_read_as_a_person_types_it(desk_a, day):
    client = page_client(desk_a)
    assert client.get(scanned(day.first.code.lower())).status_code == 200
    assert client.get(scanned("NOP-E000")).status_code == 404
    assert client.get(scanned("%00")).status_code == 400  # refused before any view


def test_another_facilitys_party_is_not_found(day, facility_b):
    theirs = page_client(staff_user(facility_b, StaffRole.MANAGER))
    assert theirs.get(scanned(day.first.code)).status_code == 404


def test_a_party_of_next_week_is_not_checked_in_yet(desk_a, day):
    page = page_client(desk_a).get(scanned(day.future_party.code), **JA)
    assert page.status_code == 200
    assert "受付は開催当日の" in text(page)
    assert check_in_form(page.content.decode()) is None


def test_a_party_on_the_waiting_list_holds_no_seat_to_check_in(desk_a, day):
    page = page_client(desk_a).get(scanned(day.waiter.code), **JA)
    assert "この予約は席を確保していないため、受付できません。" in text(page)
    assert re.search(r'data-testid="state">キャンセル待ち<', page.content.decode())
    assert check_in_form(page.content.decode()) is None


def test_a_viewer_sees_the_party_and_no_button(viewer_a, day):
    page = page_client(viewer_a).get(scanned(day.first.code), **JA)
    assert page.status_code == 200 and "受付 一郎" in text(page)
    assert "あなたの役割では受付できません。" in text(page)
    assert check_in_form(page.content.decode()) is None


def test_a_course_is_checked_in_for_its_session_of_the_day(facility_a, manager_a):
    sessions, reservation = course_of_three(facility_a, ProgramFactory(title="連続講座"))
    today = started_session(facility=facility_a, program=sessions[0].program)
    type(today).objects.filter(pk=today.pk).update(course=sessions[0].course)
    page = page_client(manager_a).get(scanned(reservation.code), **JA)
    action, _fields = check_in_form(page.content.decode())
    assert action == f"/staff/sessions/{today.pk}/check-in/"


def test_staff_not_logged_in_are_sent_to_the_login_and_back(day, client):
    answer = client.get(scanned(day.first.code))
    assert answer.status_code == 302
    assert "/staff/accounts/login/" in answer["Location"]
    assert f"next=/staff/check-in/{day.first.code}/" in answer["Location"]


def held_at(session, start) -> None:
    """Move a booked session (its window with it) to ``start``, as if it had been held then."""
    type(session).objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        registration_opens=start - timedelta(days=30),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    )


# --- the parents' side ----------------------------------------------------------------------


def qr_of(code: str) -> str:
    url = f"http://testserver/staff/check-in/{code}/"
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", border=2, omitsize=True)


def test_the_reservations_pages_show_its_qr_code(client, facility_a):
    session = SessionFactory(facility=facility_a, capacity=1)
    seated = book(session, email="seated@example.jp")
    waiting = book(session, email="waiting@example.jp")
    assert waiting.reservation.status == ReservationStatus.WAITLISTED
    for result, shown in ((seated, True), (waiting, False)):
        code = result.reservation.code
        manage = client.get(f"/manage/{code}/?token={result.token}", follow=True, **JA)
        after = client.get(f"/reservations/{code}/", **JA)
        for page in (manage, after):
            html = page.content.decode()
            assert (qr_of(code) in html) is shown
            assert ("受付では、このQRコードをお見せいただくか" in html) is shown


def test_a_reservation_over_shows_no_qr_code(client, facility_a):
    session = SessionFactory(facility=facility_a)
    result = book(session, email="over@example.jp")
    start = timezone.now() - timedelta(hours=3)
    held_at(session, start)
    page = client.get(f"/manage/{result.reservation.code}/?token={result.token}", follow=True)
    assert page.status_code == 200 and result.reservation.code in page.content.decode()
    assert qr_of(result.reservation.code) not in page.content.decode()


def test_the_printed_slip_carries_the_qr_code_of_a_party_with_seats(manager_a, day):
    """A caller without email or phone to show gets the 受付票 on paper: it carries the same
    QR code as the reservation's pages."""
    client = page_client(manager_a)
    seated = client.get(f"/staff/sessions/{day.started.pk}/slips/{day.first.code}/", **JA)
    assert qr_of(day.first.code) in seated.content.decode()
    waiting = client.get(f"/staff/sessions/{day.waiting.pk}/slips/{day.waiter.code}/", **JA)
    assert waiting.status_code == 200
    assert 'class="slip-qr"' not in waiting.content.decode()


def test_the_api_names_the_party_and_the_session_to_check_in_for(desk_a, day, facility_b):
    api = token_client(desk_a)
    body = api.get(f"/api/v1/staff/check-in/{day.first.code.lower()}/").json()
    assert body["code"] == day.first.code and body["name"] == "受付 一郎"
    assert body["session"]["id"] == day.started.pk and body["status"] == "confirmed"
    assert body["attendance"] == "" and body["checkable"] is True
    assert body["check_in_opens_on"] == timezone.localdate(day.started.start).isoformat()
    url = f"/api/v1/sessions/{body['session']['id']}/check-in/"
    tapped = api.post(url, {"code": body["code"]}, format="json")
    assert tapped.status_code == 200 and tapped.json()["attendance"] == "attended"
    again = api.get(f"/api/v1/staff/check-in/{day.first.code}/").json()
    assert again["attendance"] == "attended" and again["status"] == "attended"
    waiting = api.get(f"/api/v1/staff/check-in/{day.waiter.code}/").json()
    assert waiting["checkable"] is False and waiting["status"] == "waitlisted"
    unknown = api.get("/api/v1/staff/check-in/NOP-E000/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    theirs = token_client(staff_user(facility_b, StaffRole.MANAGER))
    assert theirs.get(f"/api/v1/staff/check-in/{day.first.code}/").status_code == 404


def test_a_qr_code_of_a_session_already_over_checks_nothing_in(desk_a, facility_a):
    """A parent shows last week's reservation page by mistake: the page says whose day it was
    and offers no button (the roster can still check a party in late, from a paper list)."""
    session = SessionFactory(facility=facility_a)
    result = book(session, email="lastweek@example.jp", name="先週 花子")
    start = timezone.now() - timedelta(days=7)
    held_at(session, start)
    page = page_client(desk_a).get(scanned(result.reservation.code), **JA)
    assert page.status_code == 200 and "先週 花子" in text(page)
    assert "の開催回のものです（本日ではありません）。" in text(page)
    assert check_in_form(page.content.decode()) is None


def party_check_in(html: str) -> re.Match | None:
    return re.search(r'<form method="post" action="([^"]+)" class="no-print party-check-in">', html)


def test_a_party_found_by_its_code_is_checked_in_from_its_page(desk_a, viewer_a, day):
    """A parent reads out the code: the search opens the party's page, which checks it in on
    the session's day as the roster does."""
    client = page_client(desk_a)
    url = f"/staff/sessions/{day.started.pk}/parties/{day.first.code}/"
    form = party_check_in(client.get(url, **JA).content.decode())
    assert form and form.group(1) == f"/staff/sessions/{day.started.pk}/check-in/"
    tapped = client.post(form.group(1), {"code": day.first.code, "attended": "1"})
    assert tapped.status_code == 302
    day.first.refresh_from_db()
    assert day.first.status == ReservationStatus.ATTENDED
    assert party_check_in(client.get(url).content.decode()) is None  # already 出席
    future = f"/staff/sessions/{day.future.pk}/parties/{day.future_party.code}/"
    assert party_check_in(client.get(future).content.decode()) is None  # not its day
    second = f"/staff/sessions/{day.started.pk}/parties/{day.second.code}/"
    assert party_check_in(page_client(viewer_a).get(second).content.decode()) is None
    assert party_check_in(client.get(second).content.decode())
