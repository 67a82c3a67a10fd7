"""What an appointment's emails tell a family beyond the confirmation (an audit of 203 emails in
seven languages found each missing): the reminder says where the manage link is and until when
it can change, a moved appointment says the time it had, a consultation by phone or online
names the facility in charge rather than a place to go, and やさしい日本語 shows no reading
markup in the sender's name or the calendar's description."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from icalendar import Calendar

from consultations.reminders import appointment_reminders_schedule
from consultations.services import Family, appointment_book, appointment_rebook
from notifications.emails import build_message
from notifications.models import Notification
from tests.consultations.conftest import NOW, at

pytestmark = pytest.mark.django_db


def sent(notification: Notification):
    """(From, plain text, the invite's VEVENT) of the email as it leaves."""
    parsed = message_from_bytes(build_message(notification, now=NOW).message().as_bytes())
    text = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    invite = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")[0]
    sender = str(make_header(decode_header(parsed["From"])))
    return sender, text.get_payload(decode=True).decode(), event


def test_the_reminder_says_where_the_link_is_and_until_when_it_can_change(kind):
    appointment_book(kind=kind, start=at(12, 10), family=Family("山田", "a@example.jp"), now=NOW)
    appointment_reminders_schedule(now=at(11, 6))
    _sender, body, _event = sent(Notification.objects.get(kind="appointment_reminder"))
    assert "ご予約の際にお送りしたメールのリンク（予約管理ページ）" in body
    assert "/my-reservations/" in body and "lang=ja" in body
    assert "2027年1月11日（月）10:00までオンラインでキャンセル・日時の変更ができます。" in body


def test_a_moved_appointment_says_the_time_it_had(kind):
    appointment, token = appointment_book(
        kind=kind, start=at(12, 10), family=Family("山田", "a@example.jp"), now=NOW
    )
    appointment_rebook(appointment=appointment, start=at(18, 10, 40), token=token, now=NOW)
    _sender, body, _event = sent(Notification.objects.get(kind="appointment_changed"))
    assert "変更前の日時：2027年1月12日（火）10:00〜10:30" in body
    assert "日時：2027年1月18日（月）10:40〜11:10" in body


@pytest.mark.parametrize("mode", ["phone", "online"])
def test_by_phone_or_online_the_facility_is_the_one_in_charge(kind, facility, mode):
    kind.mode = mode
    kind.online_link = "https://meet.example.jp/room"
    kind.save()
    family = Family("山田", "a@example.jp", phone="090-1234-5678")
    appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    _sender, body, _event = sent(Notification.objects.get(kind="appointment_confirmed"))
    assert f"担当施設：{facility.name}" in body and "会場：" not in body


def test_in_person_the_facility_is_the_place(kind, facility):
    appointment_book(kind=kind, start=at(12, 10), family=Family("山田", "a@example.jp"), now=NOW)
    _sender, body, _event = sent(Notification.objects.get(kind="appointment_confirmed"))
    assert f"会場：{facility.name}" in body and "担当施設" not in body


def test_easy_japanese_shows_no_reading_markup_in_the_sender_or_the_invite(kind):
    family = Family("山田", "a@example.jp", language="ja-easy")
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    sender, body, event = sent(Notification.objects.get(kind="appointment_confirmed"))
    assert "{" not in sender and "|" not in sender and sender.startswith("子育て")
    assert str(event["description"]) == f"予約(よやく)の ばんごう：{appointment.code}"
    assert "{" not in body


def test_the_html_part_is_a_page_of_its_language_with_links_to_tap(kind):
    family = Family("Hanako", "a@example.jp", language="en")
    appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    parsed = message_from_bytes(
        build_message(Notification.objects.get(), now=NOW).message().as_bytes()
    )
    subject = str(make_header(decode_header(parsed["Subject"])))
    assert subject.endswith("(Tue 12 January 2027, 10:00–10:30)")  # bracketed as the events'
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    page = html.get_payload(decode=True).decode()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert '<a href="http' in page and "/consultations/appointments/" in page
    # The deadline in the body's own long style, not "Mon 11 Jan" beside "Tue 12 January".
    assert "until Mon 11 January 2027, 10:00." in page
