"""An appointment's emails: the confirmation carries the manage link and an iTIP REQUEST, the
cancellation a CANCEL with the same UID and a higher SEQUENCE."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from icalendar import Calendar

from consultations.services import Family, appointment_book, appointment_cancel
from core.errors import AppValidationError
from notifications.emails import build_message
from notifications.models import Notification
from tests.consultations.conftest import NOW, at


def invite_of(notification: Notification):
    raw = build_message(notification, now=NOW).message().as_bytes()
    parsed = message_from_bytes(raw)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    text = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    cal = Calendar.from_ical(parts[0].get_payload(decode=True))
    return parts[0].get_param("method"), cal, body, parsed


def test_confirmation_then_cancellation_emails_with_invites(kind):
    family = Family("山田 花子", "hanako@example.jp", topic="入園")
    appointment, token = appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    confirmed = Notification.objects.get(kind="appointment_confirmed")
    assert confirmed.to_email == "hanako@example.jp"
    method, cal, body, parsed = invite_of(confirmed)
    assert method == "REQUEST"
    assert cal["method"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    uid = str(event["uid"])
    assert event.decoded("dtstart") == at(12, 10)
    assert "入園相談" in str(parsed["Subject"]) or "入園相談" in body
    assert token in body and appointment.code in body
    assert "2027年1月12日（火）10:00〜10:30" in body  # core.dates: the pages' form

    appointment_cancel(appointment=appointment, now=NOW)
    cancelled = Notification.objects.get(kind="appointment_cancelled")
    method, cal, body, _parsed = invite_of(cancelled)
    assert method == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) > 0
    assert str(event["status"]) == "CANCELLED"
    assert token not in body


def test_the_confirmation_says_where_or_how_and_until_when_it_can_change(kind, facility):
    facility.address = "松阪市殿町1340-1"
    facility.save()
    family = Family("山田 花子", "hanako@example.jp")
    appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    _method, _cal, body, _parsed = invite_of(Notification.objects.get())
    assert "住所：松阪市殿町1340-1" in body
    assert "地図：https://www.google.com/maps/search/?api=1&query=" in body  # as on the page
    assert "2027年1月11日（月）10:00までオンラインでキャンセル・日時の変更ができます。" in body
    assert "お電話します" not in body


def test_a_consultation_by_phone_needs_the_number_and_the_email_gives_it(kind, facility):
    kind.mode = "phone"
    kind.save()
    with pytest.raises(AppValidationError) as refused:
        appointment_book(
            kind=kind, start=at(12, 10), family=Family("山田 花子", "a@example.jp"), now=NOW
        )
    assert "phone" in refused.value.fields
    assert not Notification.objects.exists()
    family = Family("山田 花子", "a@example.jp", phone="090-1234-5678")
    appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    _method, _cal, body, _parsed = invite_of(Notification.objects.get())
    assert "電話相談：この日時に、相談員から090-1234-5678へお電話します。" in body
    assert "住所：" not in body and "地図：" not in body
