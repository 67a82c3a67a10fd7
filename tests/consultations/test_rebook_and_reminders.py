"""Moving an appointment keeps its code, token and invite UID with a higher SEQUENCE (an update
of the calendar event, not a new one), from the service, the manage page and the API; reminders
are written ahead as reservations' are and skipped when the appointment moved or was cancelled.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from unittest.mock import Mock

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from consultations.models import Appointment, AppointmentStatus
from consultations.reminders import appointment_reminders_schedule, reminder_stale
from consultations.services import Family, appointment_book, appointment_cancel, appointment_rebook
from core.errors import AppError
from notifications.emails import build_message
from notifications.models import Notification
from tests.consultations.conftest import NOW, at, ten

HANAKO = Family("山田 花子", "hanako@example.jp", topic="入園")


def event_of(notification: Notification):
    raw = build_message(notification, now=NOW).message().as_bytes()
    parsed = message_from_bytes(raw)
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True)).walk(
        "VEVENT"
    )[0]


def test_invite_uid_stays_through_change_and_cancel_with_rising_sequence(kind):
    appointment, token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    method, first = event_of(Notification.objects.get(kind="appointment_confirmed"))
    assert method == "REQUEST" and int(first["sequence"]) == 0
    appointment_rebook(appointment=appointment, start=at(18, 10, 40), token=token, now=NOW)
    changed = Notification.objects.get(kind="appointment_changed")
    assert changed.payload["manage_url"].endswith(f"?token={token}")
    method, moved = event_of(changed)
    assert method == "REQUEST"
    assert str(moved["uid"]) == str(first["uid"])
    assert int(moved["sequence"]) == 1
    assert moved.decoded("dtstart") == at(18, 10, 40)
    appointment.refresh_from_db()
    appointment_cancel(appointment=appointment, now=NOW)
    method, cancelled = event_of(Notification.objects.get(kind="appointment_cancelled"))
    assert method == "CANCEL"
    assert str(cancelled["uid"]) == str(first["uid"])
    assert int(cancelled["sequence"]) == 2


def test_rebook_after_the_deadline_or_to_a_taken_time_is_refused(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    with pytest.raises(AppError) as refused:
        appointment_rebook(appointment=appointment, start=at(18, 10), now=at(11, 11))
    assert refused.value.code == "cancellation_closed"
    appointment_book(kind=kind, start=at(18, 10), family=Family("佐藤", "s@example.jp"), now=NOW)
    with pytest.raises(AppError) as taken:
        appointment_rebook(appointment=appointment, start=at(18, 10), now=NOW)
    assert taken.value.code == "slot_taken"
    appointment.refresh_from_db()
    assert appointment.start == at(12, 10) and appointment.sequence == 0


def book_via_api(client, start) -> dict:
    answer = client.post(
        "/api/v1/appointments/",
        {"consultation": "nyuen", "start": start.isoformat(), "name": "山田", "email": "y@ex.jp"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_rebook_through_the_api(tuesday_ahead):
    client = APIClient()
    booked = book_via_api(client, ten(tuesday_ahead))
    path = f"/api/v1/appointments/{booked['code']}/rebook/"
    moved = client.post(
        path,
        {"start": ten(tuesday_ahead, 40).isoformat()},
        format="json",
        HTTP_X_RESERVATION_TOKEN=booked["token"],
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == ten(tuesday_ahead, 40).isoformat()
    assert moved.json()["code"] == booked["code"]
    wrong = client.post(
        path,
        {"start": ten(tuesday_ahead).isoformat()},
        format="json",
        HTTP_X_RESERVATION_TOKEN="nope",
    )
    assert wrong.status_code == 404
    bad = client.post(
        path, {"start": "tomorrow"}, format="json", HTTP_X_RESERVATION_TOKEN=booked["token"]
    )
    assert bad.status_code == 400


def open_days(html: str) -> list[str]:
    """The days of the change form folded open: each day's times are a <details>."""
    return re.findall(r'<details class="day" open><summary><span>([^<]*)</span>', html)


def test_rebook_from_the_manage_page(tuesday_ahead, client, monkeypatch):
    booked = book_via_api(APIClient(), ten(tuesday_ahead))
    path = f"/consultations/appointments/{booked['code']}/"
    page = client.get(f"{path}?token={booked['token']}", follow=True)  # the token: a cookie now
    assert page.status_code == 200 and page.redirect_chain[-1][0] == path
    html = page.content.decode()
    assert ten(tuesday_ahead, 40).isoformat() in html
    # Its own time is no choice, and a month of times folds by day, the first day open.
    assert f'value="{ten(tuesday_ahead).isoformat()}"' not in html
    days = page.context["days"]
    assert len(days) > 1 and [shown for _day, _slots, shown in days] == [True] + [False] * (
        len(days) - 1
    )
    assert len(open_days(html)) == 1 and html.count('<details class="day"') == len(days)
    # A refused move comes back with the chosen day open (only it) and its time checked.
    last_day, slots, _shown = days[-1]
    chosen = slots[-1].start.isoformat()
    refused = AppError("slot_taken", "This time has just been taken. Please choose another.")
    monkeypatch.setattr("consultations.services.appointment_rebook", Mock(side_effect=refused))
    again = client.post(path, {"action": "rebook", "start": chosen})
    assert again.status_code == 409
    html = again.content.decode()
    assert [day for day, _slots, shown in again.context["days"] if shown] == [last_day]
    assert len(open_days(html)) == 1
    assert f'value="{chosen}" required checked>' in html
    assert html.count(" checked>") == 1
    monkeypatch.undo()
    answer = client.post(path, {"action": "rebook", "start": ten(tuesday_ahead, 40).isoformat()})
    assert answer.status_code == 200
    assert answer.context["appointment"].start == ten(tuesday_ahead, 40)
    assert answer.context["appointment"].status == AppointmentStatus.BOOKED


def test_reminders_are_written_once_and_skipped_when_moved_or_cancelled(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    # 24 hours before: Monday 11 January at 10:00 (outside the default quiet hours).
    assert appointment_reminders_schedule(now=at(11, 6)) == 1
    assert appointment_reminders_schedule(now=at(11, 6)) == 0
    reminder = Notification.objects.get(kind="appointment_reminder")
    assert reminder.due_at == at(11, 10)
    assert reminder_stale(reminder, at(11, 10)) == ""
    method, event = event_of(reminder)
    assert method == "REQUEST"
    appointment_rebook(appointment=appointment, start=at(12, 10, 40), now=at(10, 9))
    assert reminder_stale(reminder, at(11, 10)).startswith("appointment moved")
    assert appointment_reminders_schedule(now=at(11, 7)) == 1
    appointment.refresh_from_db()
    appointment_cancel(appointment=appointment, by_staff=True, now=at(11, 9))
    fresh = Notification.objects.filter(kind="appointment_reminder").latest("pk")
    assert reminder_stale(fresh, at(11, 10)) == "appointment no longer booked"


def test_no_reminder_for_a_booking_made_after_its_time(kind):
    late = at(11, 11)  # Monday 11:00, after the reminder time of Tuesday 10:00
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=late)
    Appointment.objects.filter(pk=appointment.pk).update(created_at=late)
    assert appointment_reminders_schedule(now=late) == 0


def test_an_idempotency_key_replays_the_first_booking(tuesday_ahead):
    client = APIClient()
    body = {
        "consultation": "nyuen",
        "start": ten(tuesday_ahead).isoformat(),
        "name": "山田",
        "email": "y@ex.jp",
    }
    first = client.post("/api/v1/appointments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/appointments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert Appointment.objects.count() == 1
    other = dict(body, name="別人")
    reused = client.post("/api/v1/appointments/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422
    other["email"] = "other@ex.jp"
    taken = client.post("/api/v1/appointments/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert taken.status_code == 409 and taken.json()["code"] == "slot_taken"
