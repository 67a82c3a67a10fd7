"""A notice to the parties of a session (お知らせ): staff's words emailed to the parties with a
seat (and on request those waiting), each in its party's language; parties without an email
address listed to be phoned; checked before it is sent; one audit log row; refused for a
cancelled session, a session nobody holds a place in, an empty notice, and staff who may not
manage the session."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import ReservationStatus
from booking.services import reservation_cancel
from events.models import StaffRole
from notifications.delivery import deliver_batch, dispatch_due
from notifications.emails import render
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notify_session_notice
from staffdesk.models import StaffAction, StaffActionKind
from staffdesk.services import session_cancel, session_notice_send
from tests.factories import (
    ProgramFactory,
    SessionFactory,
    book,
    book_by_phone,
    course_of_three,
    staff_user,
)
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

NOTICE = "駐車場が工事のため使えません。\n公共交通機関でお越しください。"


def notices():
    return Notification.objects.filter(kind=NotificationKind.SESSION_NOTICE).order_by("id")


@pytest.fixture
def parties(session_a, manager_a):
    """Two parties with a seat (one reading English), one on the waiting list, one cancelled,
    and a caller booked by phone without an email address."""
    session_a.capacity = 4
    session_a.save()
    seated = book(session_a, email="ja@example.jp", adults=2).reservation
    english = book(session_a, email="en@example.jp", adults=1, language="en").reservation
    cancelled = book(session_a, email="gone@example.jp").reservation
    reservation_cancel(reservation=cancelled)
    phoned = book_by_phone(session_a, by=manager_a).reservation
    waiting = book(session_a, email="wait@example.jp", adults=2).reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    return {"seated": seated, "english": english, "phoned": phoned, "waiting": waiting}


def test_the_notice_reaches_the_parties_with_a_seat_each_in_its_language(
    session_a, manager_a, parties
):
    sent = session_notice_send(session=session_a, by=manager_a, message=NOTICE)

    assert sent.emailed == 2
    assert [p.code for p in sent.without_email] == [parties["phoned"].code]
    rows = list(notices())
    assert {row.reservation_id for row in rows} == {parties["seated"].pk, parties["english"].pk}
    by_party = {row.reservation_id: render(row) for row in rows}
    japanese = by_party[parties["seated"].pk]
    assert japanese.subject.startswith("【お知らせ】親子ふれあい遊び")
    assert "すこやか子育て交流館からのお知らせです" in japanese.text
    assert NOTICE in japanese.text and "駐車場が工事のため使えません。" in japanese.html
    assert parties["seated"].code in japanese.text  # the reservation it is about
    english = by_party[parties["english"].pk]
    assert english.subject.startswith("Notice: ")
    assert "A notice from" in english.text and NOTICE in english.text
    assert not japanese.invites  # the session is unchanged: nothing to update in a calendar

    action = StaffAction.objects.get(kind=StaffActionKind.SESSION_NOTICE)
    assert action.session_id == session_a.pk and action.actor == manager_a
    assert action.after["message"] == NOTICE
    assert action.after["emailed"] == 2
    assert action.after["without_email"] == [parties["phoned"].code]


def test_the_waiting_list_is_told_only_when_staff_ask(session_a, manager_a, parties):
    session_notice_send(session=session_a, by=manager_a, message=NOTICE, include_waiting=True)
    assert parties["waiting"].pk in {row.reservation_id for row in notices()}
    assert notices().count() == 3


def test_one_notice_is_one_email_per_party(session_a, parties):
    party = parties["seated"]
    notify_session_notice([party], session=session_a, message=NOTICE, notice_id=7)
    notify_session_notice([party], session=session_a, message=NOTICE, notice_id=7)
    assert notices().count() == 1
    notify_session_notice([party], session=session_a, message="もう一件", notice_id=8)
    assert notices().count() == 2


def test_a_party_that_cancels_before_the_email_goes_is_not_sent_it(
    session_a, manager_a, parties, settings
):
    session_notice_send(session=session_a, by=manager_a, message=NOTICE)
    reservation_cancel(reservation=parties["english"])
    mail.outbox.clear()
    dispatch_due(send_batch=lambda ids, token: deliver_batch(ids, token=token))
    statuses = {row.reservation_id: row.status for row in notices()}
    assert statuses[parties["english"].pk] == NotificationStatus.SKIPPED
    assert statuses[parties["seated"].pk] == NotificationStatus.SENT
    assert [m.to for m in mail.outbox if "お知らせ" in m.subject] == [["ja@example.jp"]]


def test_a_course_session_reaches_the_course_parties(facility_a, manager_a):
    sessions, reservation = course_of_three(facility_a, ProgramFactory(title="パパ講座"))
    sent = session_notice_send(session=sessions[1], by=manager_a, message="第2回の持ち物")
    assert sent.emailed == 1
    notice = notices().get()
    assert notice.reservation_id == reservation.pk
    second = timezone.localtime(sessions[1].start)
    email = render(notice)
    assert f"{second.month}月{second.day}日" in email.subject  # the session it is about
    assert "第2回の持ち物" in email.text


def test_refusals_send_nothing(session_a, manager_a, parties, session_b):
    api = token_client(manager_a)
    url = f"/api/v1/sessions/{session_a.pk}/notice/"
    blank = api.post(url, {"message": "  \n "}, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert blank.status_code == 400 and "message" in blank.json()["fields"]
    long = api.post(url, {"message": "あ" * 2001}, format="json")
    assert long.status_code == 400 and "message" in long.json()["fields"]
    wrong_type = api.post(url, {"message": NOTICE, "include_waiting": "yes"}, format="json")
    assert wrong_type.status_code == 400
    other = api.post(f"/api/v1/sessions/{session_b.pk}/notice/", {"message": NOTICE}, format="json")
    assert other.status_code == 404
    desk = staff_user(session_a.facility, StaffRole.DESK, username="desk-a")
    assert token_client(desk).post(url, {"message": NOTICE}, format="json").status_code == 403
    assert token_client(None).post(url, {"message": NOTICE}, format="json").status_code in (
        401,
        403,
    )

    empty = SessionFactory(facility=session_a.facility)
    nobody = api.post(
        f"/api/v1/sessions/{empty.pk}/notice/",
        {"message": NOTICE},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert nobody.status_code == 409 and nobody.json()["code"] == "nothing_to_send"
    assert "お知らせ" in nobody.json()["message"]
    session_cancel(session=session_a, by=manager_a, reason="台風のため")
    cancelled = api.post(url, {"message": NOTICE}, format="json")
    assert cancelled.status_code == 409 and cancelled.json()["code"] == "session_cancelled"
    assert not notices().exists()
    assert not StaffAction.objects.filter(kind=StaffActionKind.SESSION_NOTICE).exists()


def test_the_api_sends_and_lists_whom_to_phone(session_a, manager_a, parties):
    answer = token_client(manager_a).post(
        f"/api/v1/sessions/{session_a.pk}/notice/",
        {"message": NOTICE, "include_waiting": True},
        format="json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["emailed"] == 3
    assert body["without_email"] == [
        {"code": parties["phoned"].code, "name": "電話 花子", "phone": "090-1234-5678"}
    ]
    assert notices().count() == 3


def test_the_page_shows_the_email_and_whom_to_phone_before_sending(session_a, manager_a, parties):
    client = page_client(manager_a)
    url = f"/staff/sessions/{session_a.pk}/notice/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "参加者へのお知らせ" in page and 'name="message"' in page

    checked = client.post(url, {"message": NOTICE}, HTTP_ACCEPT_LANGUAGE="ja")
    html = checked.content.decode()
    assert checked.status_code == 200
    assert "2組にメールを送ります" in html
    assert "【お知らせ】" in html and "駐車場が工事のため使えません。" in html
    assert "?token=XXXXXXXX" in html  # never a party's working link
    assert "電話 花子" in html and "tel:090-1234-5678" in html
    assert not notices().exists()  # nothing sent yet
    assert not StaffAction.objects.filter(kind=StaffActionKind.SESSION_NOTICE).exists()

    sent = client.post(url, {"message": NOTICE, "confirm": "1"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert sent.status_code == 302 and sent["Location"] == url
    assert notices().count() == 2
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "2組にお知らせをメールで送りました。1組はメールアドレスがありません" in after


def test_the_page_refuses_an_empty_notice_and_other_roles(session_a, manager_a, parties):
    url = f"/staff/sessions/{session_a.pk}/notice/"
    empty = page_client(manager_a).post(url, {"message": " "}, HTTP_ACCEPT_LANGUAGE="ja")
    assert empty.status_code == 400 and "この項目は必須です" in empty.content.decode()
    desk = staff_user(session_a.facility, StaffRole.DESK, username="desk-a")
    assert page_client(desk).get(url).status_code == 403
    assert (
        f'href="/staff/sessions/{session_a.pk}/notice/"'
        not in page_client(desk).get(f"/staff/sessions/{session_a.pk}/").content.decode()
    )
    assert not notices().exists()


def test_the_audit_log_reads_the_notice(session_a, manager_a, parties):
    session_notice_send(session=session_a, by=manager_a, message=NOTICE, now=timezone.now())
    page = (
        page_client(manager_a)
        .get(f"/staff/sessions/{session_a.pk}/audit/", HTTP_ACCEPT_LANGUAGE="ja")
        .content.decode()
    )
    assert "参加者へのお知らせ" in page
    assert "駐車場が工事のため使えません。" in page
    assert parties["phoned"].code in page
