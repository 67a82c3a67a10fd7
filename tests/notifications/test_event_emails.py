"""Which rows the outbox gets for each event, with the right attachment, and what the parent
reads: booked, waitlisted, applied, cancelled, promoted, drawn, moved and cancelled by staff
(eager tasks, locmem)."""

from datetime import timedelta

import pytest

from booking import services as booking
from booking.models import Reservation
from calendars.ics import session_uid
from events.models import BookingMode
from staffdesk import services as staff_services
from staffdesk.services import session_update
from tests.factories import ProgramFactory, SessionFactory, book, staff_user
from tests.notifications import fixtures
from tests.notifications.mailparse import parse_outbox
from tests.notifications.outbox_steps import TOKYO, deliver_now, ja_when, reserve, rows

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db


def test_confirmed_booking_sends_the_confirmation_with_a_request_invite(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = reserve(api, session, "Hanako@Example.jp", children=1)
    [mail] = parse_outbox(outbox)
    facility = session.facility
    assert mail.to == "hanako@example.jp"
    assert mail.subject.startswith("【予約確定】") and session.display_title in mail.subject
    assert facility.name in mail.sender and "noreply@centre.example.jp" in mail.sender
    assert mail.header("Reply-To") == facility.email
    for expected in (
        body["code"],
        ja_when(session),
        facility.name,
        facility.address,
        facility.phone,
        facility.access,
        "バスタオル、飲み物",
        "大人1人、子ども1人",
        body["manage_url"],
    ):
        assert expected in mail.text, expected
    # The page opens in the email's language (``?lang=``) whatever the browser asks for.
    assert body["code"] in mail.html and f'href="{body["manage_url"]}&amp;lang=ja"' in mail.html
    # The footer names the facility's number and address with the same words in both parts.
    assert f"電話番号：{facility.phone}" in mail.text
    assert f'電話番号：<a href="tel:{facility.phone}">' in mail.html
    assert f"メールアドレス：{facility.email}" in mail.text
    [(params, cal)] = mail.calendars
    assert params["method"] == "REQUEST" and params["filename"] == "invite.ics"
    assert mail.methods == ["REQUEST"]
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == session_uid(session)
    assert "hanako@example.jp" in str(event["ATTENDEE"])
    [row] = rows()
    assert (row.kind, row.language, row.status) == ("confirmed", "ja", "sent")
    assert row.message_id == mail.header("Message-ID")
    assert "manage_url" not in row.payload  # the token leaves the outbox once sent


def test_the_confirmation_reads_back_what_the_family_asked_to_prepare(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reserve(
            api, session, "a@example.jp", children=1, needs=["allergy"], needs_detail="卵アレルギー"
        )
    [mail] = parse_outbox(outbox)
    assert "配慮事項：アレルギー（卵アレルギー）" in mail.text
    assert "卵アレルギー" in mail.html


def test_english_reservation_gets_an_english_email(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reserve(api, session, "en@example.jp", language="en")
    [mail] = parse_outbox(outbox)
    s = session.start.astimezone(TOKYO)
    assert mail.subject.startswith("Reservation confirmed: ")
    assert session.program.title_en in mail.subject
    # (a session past midnight is written "..., 23:30 - Thu 10 December 2026, 01:00")
    assert f"{s:%a} {s.day} {s:%B} {s.year}, {s:%H:%M}" in mail.text
    assert "Dear 山田 花子," in mail.text and 'lang="en"' in mail.html
    assert "予約" not in mail.text  # no Japanese boilerplate left in an English email
    assert mail.methods == ["REQUEST"]


def test_the_sender_is_the_facility_as_the_email_names_it(
    api, session, outbox, django_capture_on_commit_callbacks
):
    facility = session.facility
    facility.name_en = "Sukoyaka Child-care Centre"
    facility.save()
    with django_capture_on_commit_callbacks(execute=True):
        reserve(api, session, "en@example.jp", language="en")
        reserve(api, session, "ja@example.jp")
    mails = {m.to: m for m in parse_outbox(outbox)}
    english, japanese = mails["en@example.jp"], mails["ja@example.jp"]
    assert english.sender.startswith("Sukoyaka Child-care Centre")
    assert "Place: Sukoyaka Child-care Centre" in english.text
    assert japanese.sender.startswith(facility.name_ja) and facility.name_ja in japanese.text


def test_waitlisted_booking_gets_its_position_and_no_invite(api, session, outbox):
    session.capacity = 1
    session.save()
    reserve(api, session, "first@example.jp")
    second = reserve(api, session, "second@example.jp")
    assert second["status"] == "waitlisted"
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    waiting = mails["second@example.jp"]
    assert waiting.subject.startswith("【キャンセル待ち受付】")
    assert "1番目" in waiting.text and second["manage_url"] in waiting.text
    assert waiting.calendars == []
    assert [r.kind for r in rows()] == ["confirmed", "waitlisted"]


def test_lottery_application_gets_the_draw_date_and_no_invite(api, db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    session = SessionFactory(program=lottery, facility=facility)
    body = reserve(api, session, "apply@example.jp")
    assert body["status"] == "applied"
    deliver_now()
    [mail] = parse_outbox(outbox)
    closes = session.registration_closes.astimezone(TOKYO)
    assert mail.subject.startswith("【抽選申込受付】")
    assert f"{closes.month}月{closes.day}日" in mail.text and body["manage_url"] in mail.text
    assert mail.calendars == []
    # An application is not a reservation yet: the link is to see or cancel the application.
    for part in (mail.text, mail.html):
        assert "お申し込みの確認・変更・キャンセル" in part and "申込内容の確認" in part
        assert "ご予約の確認" not in part


def test_cancel_by_parent_withdraws_the_invite_and_promotes_the_next_with_an_invite(
    api, session, outbox
):
    session.capacity = 1
    session.save()
    holder = reserve(api, session, "holder@example.jp")
    waiting = reserve(api, session, "waiting@example.jp")
    deliver_now()
    outbox.clear()
    response = api.post(
        f"/api/v1/reservations/{holder['code']}/cancel/?token={holder['token']}", {}, format="json"
    )
    assert response.status_code == 200
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    assert set(mails) == {"holder@example.jp", "waiting@example.jp"}
    cancelled, promoted = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert cancelled.subject.startswith("【キャンセル完了】") and cancelled.methods == ["CANCEL"]
    assert cancelled.calendars[0][0]["filename"] == "cancel.ics"
    assert promoted.subject.startswith("【予約確定（キャンセル待ちから繰り上げ）】")
    assert promoted.methods == ["REQUEST"]
    # Later emails never quote the manage token: their link carries a token derived from it.
    assert waiting["token"] not in promoted.text and waiting["code"] in promoted.text
    assert f"/manage/{waiting['code']}/?token=" in promoted.text
    kinds = [(r.to_email, r.kind) for r in rows(kind__in=["cancelled", "promoted"])]
    assert kinds == [("holder@example.jp", "cancelled"), ("waiting@example.jp", "promoted")]


def test_cancelling_a_waiting_list_place_sends_no_calendar_cancel(session, outbox):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    waiting = book(session, email="waiting@example.jp")
    booking.reservation_cancel(reservation=waiting.reservation)
    deliver_now()
    cancelled = [m for m in parse_outbox(outbox) if m.subject.startswith("【キャンセル完了】")]
    assert [m.to for m in cancelled] == ["waiting@example.jp"]
    assert cancelled[0].calendars == []


def test_lottery_results_won_not_drawn_and_confirmed(db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    session = SessionFactory(program=lottery, facility=facility, capacity=1)
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    deliver_now()
    outbox.clear()
    booking.lottery_draw(session=session, seed="fixed")
    deliver_now()
    results = {m.to: m for m in parse_outbox(outbox)}
    winner_email = next(
        r.email
        for r in Reservation.objects.filter(pk__in=[a.reservation.pk, b.reservation.pk])
        if r.status == "won"
    )
    loser_email = ({"a@example.jp", "b@example.jp"} - {winner_email}).pop()
    won, lost = results[winner_email], results[loser_email]
    winner = Reservation.objects.get(email=winner_email)
    deadline = winner.confirm_by.astimezone(TOKYO)
    assert won.subject.startswith("【当選のお知らせ】") and won.calendars == []
    assert f"{deadline.month}月{deadline.day}日" in won.text and f"{deadline:%H:%M}" in won.text
    assert (
        lost.subject.startswith("【抽選結果のお知らせ】") and "キャンセル待ちの1番目" in lost.text
    )
    assert lost.calendars == []
    outbox.clear()
    booking.reservation_confirm_win(reservation=winner)
    deliver_now()
    [confirmed] = parse_outbox(outbox)
    assert confirmed.to == winner_email and confirmed.subject.startswith("【予約確定】")
    assert confirmed.methods == ["REQUEST"]


def test_lottery_without_confirmation_sends_the_confirmation_at_once(db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=False)
    session = SessionFactory(program=lottery, facility=facility, capacity=5)
    book(session, email="a@example.jp")
    deliver_now()
    outbox.clear()
    booking.lottery_draw(session=session, seed="fixed")
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert mail.subject.startswith("【予約確定】") and mail.methods == ["REQUEST"]
    assert rows(kind="confirmed")[0].to_email == "a@example.jp"


def test_session_moved_by_staff_sends_an_updated_invite_with_a_higher_sequence(
    manager_api, session, outbox
):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    book(session, email="waiting@example.jp")
    deliver_now()
    [first_invite] = [m for m in parse_outbox(outbox) if m.to == "holder@example.jp"]
    old_when = ja_when(session)
    outbox.clear()
    new_start = session.start + timedelta(days=1, hours=1)
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"start": new_start.isoformat(), "end": (new_start + timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    session.refresh_from_db()
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    holder, waiting = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert holder.subject.startswith("【日時・会場の変更】")
    assert old_when in holder.text and ja_when(session) in holder.text
    assert holder.methods == ["REQUEST"]
    before = first_invite.calendars[0][1].walk("VEVENT")[0]
    after = holder.calendars[0][1].walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == new_start
    assert waiting.calendars == [] and ja_when(session) in waiting.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "変更の理由：講師の体調不良のため"),
        ("en", "Reason for the change: 講師の体調不良のため"),
    ],
)
def test_session_moved_by_staff_tells_parents_the_message_staff_gave(
    session, facility, outbox, language, expected
):
    """The message to parents is emailed; the internal note stays in the audit log."""
    book(session, email="holder@example.jp", language=language)
    deliver_now()
    outbox.clear()
    new_start = session.start + timedelta(hours=3)
    staff_services.session_move(
        session=session,
        by=staff_user(facility),
        start=new_start,
        end=new_start + timedelta(hours=1),
        reason="内部メモ：代替講師を手配中",
        message="講師の体調不良のため",
    )
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert mail.header("X-Notification-Kind") == "session_changed"
    assert expected in mail.text and expected in mail.html
    assert "内部メモ" not in mail.text and "内部メモ" not in mail.html
    assert rows(kind="session_changed")[0].payload["reason"] == "講師の体調不良のため"


def test_a_change_without_a_reason_says_none(manager_api, session, outbox):
    book(session, email="holder@example.jp")
    deliver_now()
    outbox.clear()
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"start": (session.start + timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert "理由" not in mail.text and "理由" not in mail.html


def test_capacity_change_alone_sends_no_change_email(session, outbox):
    book(session, email="holder@example.jp")
    deliver_now()
    session_update(session=session, capacity=20)
    assert rows(kind="session_changed") == []


def test_session_cancelled_by_staff_apologises_with_the_reason_and_a_cancel(
    manager_api, session, outbox
):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    book(session, email="waiting@example.jp")
    deliver_now()
    outbox.clear()
    response = manager_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "台風接近のため"}, format="json"
    )
    assert response.status_code == 200, response.json()
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    holder, waiting = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert holder.subject.startswith("【中止のお知らせ】")
    assert "中止の理由：台風接近のため" in holder.text and "台風接近のため" in holder.html
    assert holder.methods == ["CANCEL"]
    [event] = holder.calendars[0][1].walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert waiting.calendars == [] and "台風接近のため" in waiting.text
    assert len(outbox) == 2
