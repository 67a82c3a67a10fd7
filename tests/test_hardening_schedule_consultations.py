"""Malformed input on the schedule's and the consultations' pages and API: a time no calendar
can hold is refused rather than a 500, text with control or format characters is never stored,
and every refusal of the API speaks the request's language (DRF's own English included).

Each asserts the status, what the visitor reads, and that nothing changed.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from consultations.models import (
    Appointment,
    AppointmentAnswers,
    AvailabilityWindow,
    ConsultationType,
    Counsellor,
)
from consultations.selectors import free_slots
from consultations.services import Family, appointment_book
from events.models import Session, SessionStatus
from schedule.models import ClosedDay
from schedule.services import SeriesPattern, series_publish
from staffdesk.models import StaffAction
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    api_key,
    book,
    staff_user,
)

pytestmark = pytest.mark.django_db
# Times a form's parser reads, whose day in Japan is before year 1 or after 9999.
NO_DAY_IN_JAPAN = ["0001-01-01T00:00:00+14:00", "9999-12-31 23:59:59-12:00"]
UNPRINTABLE = ["山田\u202e花子", "山田\x1b花子", "\u200b"]
JSON = "application/json"
ENGLISH = re.compile(r"^[\x00-\x7f]*[A-Za-z]{3,}[\x00-\x7f]*$")


def weekly_series(world, first, *, weeks: int, by=None):
    """A new programme's series at the world's facility, 14:00-15:00 on ``first``'s weekday."""
    pattern = SeriesPattern(
        program=ProgramFactory(),
        facility=world["facility"],
        weekdays=[first.isoweekday()],
        start_time=time(14),
        end_time=time(15),
        first_date=first,
        last_date=first + timedelta(weeks=weeks - 1),
        capacity=5,
    )
    return series_publish(pattern, by=by)


@pytest.fixture
def world(settings):
    settings.API_THROTTLE_ENABLED = False
    facility = FacilityFactory(no_quiet_hours=True, slug="ribbon")
    manager = staff_user(facility)
    counsellor = Counsellor.objects.create(facility=facility, role="concierge", display_name="S")
    for weekday in range(7):
        AvailabilityWindow.objects.create(
            counsellor=counsellor, weekday=weekday, start_time=time(10), end_time=time(12)
        )
    kind = ConsultationType.objects.create(
        facility=facility, slug="nyuen", title="入園相談", minutes=30, topics=["入園"]
    )
    kind.counsellors.add(counsellor)
    today = timezone.localdate()
    found = free_slots(kind, first=today + timedelta(days=5), last=today + timedelta(days=26))
    slots = [slot for day in sorted(found) for slot in found[day]]
    family = Family("山田 花子", "hanako@example.jp")
    appointment, token = appointment_book(kind=kind, start=slots[0].start, family=family)
    staff = Client()
    staff.force_login(manager)
    return {
        "facility": facility,
        "manager": manager,
        "staff": staff,
        "counsellor": counsellor,
        "slots": slots[1:],
        "appointment": appointment,
        "token": token,
    }


def held() -> list[tuple]:
    return list(Appointment.objects.values_list("code", "start", "status", "name", "phone"))


# --- times no calendar can hold --------------------------------------------------------------


@pytest.mark.parametrize("start", NO_DAY_IN_JAPAN)
def test_the_booking_page_refuses_a_time_with_no_day_in_japan(world, start):
    before = held()
    page = Client().post(
        "/consultations/nyuen/",
        {"start": start, "name": "山田 花子", "email": "a@example.jp", "topic": "入園"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["start"]
    assert held() == before


@pytest.mark.parametrize("start", NO_DAY_IN_JAPAN)
def test_moving_an_appointment_to_a_time_with_no_day_in_japan_is_refused(world, start):
    holder, code = Client(), world["appointment"].code
    assert holder.get(f"/consultations/appointments/{code}/?token={world['token']}").status_code
    before = held()
    page = holder.post(f"/consultations/appointments/{code}/", {"action": "rebook", "start": start})
    assert page.status_code == 400
    assert page.context["error"] == "日時を選んでください。"
    assert held() == before


# --- text that prints as nothing or rearranges what follows ----------------------------------


@pytest.mark.parametrize("bad", UNPRINTABLE)
def test_the_booking_pages_never_store_control_or_format_characters(world, bad):
    before = held()
    slot, counsellor = world["slots"][0], world["counsellor"].pk
    parent = {"start": slot.start.isoformat(), "name": "山田 花子", "email": "a@example.jp"}
    staff_form = {"start": slot.start.isoformat(), "counsellor": counsellor, "name": "山田 花子"}
    for field in ("name", "phone", "free_text"):
        page = Client().post("/consultations/nyuen/", {**parent, field: bad})
        assert page.status_code == 400 and field in page.context["form"].errors
        page = world["staff"].post("/staff/consultations/book/nyuen/", {**staff_form, field: bad})
        assert page.status_code == 400 and field in page.context["form"].errors
    assert held() == before
    assert not AppointmentAnswers.objects.exclude(appointment=world["appointment"]).exists()


def test_the_counsellors_note_holds_lines_but_no_control_character(world):
    past = Appointment.objects.create(
        consultation_type=world["appointment"].consultation_type,
        counsellor=world["counsellor"],
        start=timezone.now() - timedelta(hours=2),
        end=timezone.now() - timedelta(hours=1),
        held_until=timezone.now() - timedelta(hours=1),
        code="PST-PAST",
        name="山田",
    )
    url = f"/staff/consultations/appointments/{past.code}/"
    page = world["staff"].post(url, {"action": "close", "status": "done", "note": "様子\u202e"})
    assert page.status_code == 400 and page.context["close_form"].errors["note"]
    past.refresh_from_db()
    assert past.status == "booked"
    page = world["staff"].post(url, {"action": "close", "status": "done", "note": "元気\r\n次回"})
    assert page.status_code == 302
    assert past.answers.staff_note == "元気\n次回"
    page = world["staff"].post(url, {"action": "note", "note": "a\x07b"})
    assert page.status_code == 400
    past.answers.refresh_from_db()
    assert past.answers.staff_note == "元気\n次回"


@pytest.mark.parametrize("bad", UNPRINTABLE)
def test_a_closed_day_and_a_series_reason_never_hold_control_or_format_characters(world, bad):
    first = timezone.localdate() + timedelta(days=14)
    series, sessions = weekly_series(world, first, weeks=4, by=world["manager"])
    book(sessions[0], email="p@example.jp")
    staff, day = world["staff"], (first + timedelta(days=40)).isoformat()
    page = staff.post(
        "/staff/schedule/closed-days/?facility=ribbon", {"action": "add", "date": day, "name": bad}
    )
    assert page.status_code == 200 and page.context["form"].errors["name"]
    assert not ClosedDay.objects.exists()
    url, since = f"/staff/schedule/series/{series.pk}/", first.isoformat()
    change = {"action": "change", "change-from_date": since, "change-capacity": "8"}
    page = staff.post(url, {**change, "change-reason": bad, "confirm": "1"})
    assert page.status_code == 200 and page.context["change_form"].errors["reason"]
    cancel = {"action": "cancel", "cancel-from_date": since, "confirm": "1"}
    page = staff.post(url, {**cancel, "cancel-reason": bad})
    assert page.status_code == 200 and page.context["cancel_form"].errors["reason"]
    assert set(Session.objects.values_list("status", "capacity")) == {(SessionStatus.SCHEDULED, 5)}
    assert not StaffAction.objects.exclude(kind="series_publish").exists()


# --- refusals in the request's language ------------------------------------------------------


def english_in(body: dict) -> list[str]:
    texts = [body["message"]]
    pending = [body.get("fields", {})]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return [text for text in texts if ENGLISH.match(text)]


def test_what_drf_writes_in_english_is_answered_in_japanese(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world['manager'])}")
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    pattern = {"program": "x", "facility": "ribbon", "weekdays": [1] * 8, "start_time": "10:00"}
    refusals = {
        "cancel": api.patch("/api/v1/series/1/", {"cancel": "yes"}, format="json"),
        "weekdays": api.post("/api/v1/series/", pattern, format="json"),
        "non_field_errors": api.generic(
            "POST", "/api/v1/months/copy/", b"null", "application/json"
        ),
        "to": api.get("/api/v1/consultations/nyuen/slots/", {"from": day, "to": "2100-01-01"}),
        "session": api.post("/api/v1/reservations/", {"name": "山田"}, format="json"),
    }
    plan = f"/api/v1/staff/counsellors/{world['counsellor'].pk}/appointments/"
    refusals["to "] = api.get(plan, {"from": day, "to": "2100-01-01"})
    for field, response in refusals.items():
        assert response.status_code in (400, 404), (field, response.content)
        body = response.json()
        assert body["code"] in ("invalid", "not_found"), body
        assert not english_in(body), (field, body)
    assert refusals["cancel"].status_code == 404  # no such series: the body is still Japanese
    weekdays = refusals["weekdays"].json()["fields"]["weekdays"]
    assert weekdays == ["項目の数は7個以下にしてください。"]
    null = refusals["non_field_errors"].json()["fields"]["non_field_errors"]
    assert null == ["リクエストの本文はJSONのオブジェクト形式で送信してください。"]


def test_a_wrong_boolean_and_a_refused_wait_are_said_in_the_requests_language(world, settings):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world['manager'])}")
    first = timezone.localdate() + timedelta(days=14)
    series, _sessions = weekly_series(world, first, weeks=1)
    body = {"from_date": first.isoformat(), "cancel": "1", "reason": "x"}
    response = api.patch(f"/api/v1/series/{series.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["cancel"] == ["Hãy nhập true hoặc false."]
    assert Session.objects.get().status == SessionStatus.SCHEDULED
    settings.API_THROTTLE_ENABLED = True
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "email_link_ip": "1/hour"}
    ja = APIClient(HTTP_ACCEPT_LANGUAGE="ja")
    link = "/api/v1/calendar/private-link/"
    accepted = ja.post(link, {"email": "hanako@example.jp"}, format="json")
    assert accepted.status_code == 202
    assert accepted.json()["detail"].startswith("このメールアドレスで予約がある場合は")
    refused = ja.post(link, {"email": "hanako@example.jp"}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert "分ほどたってから" in refused.json()["message"], refused.json()


# --- dates staff add to a series ---------------------------------------------------------------


def test_dates_added_by_hand_stay_inside_the_series_and_off_other_sessions(world):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(world['manager'])}")
    other = SessionFactory(facility=world["facility"])
    day = timezone.localtime(other.start)
    first = day.date() - timedelta(days=2)
    pattern = {
        "program": ProgramFactory().slug,
        "facility": "ribbon",
        "weekdays": [first.isoweekday()],
        "start_time": day.strftime("%H:%M"),
        "end_time": (day + timedelta(minutes=30)).strftime("%H:%M"),
        "first_date": first.isoformat(),
        "last_date": (first + timedelta(days=20)).isoformat(),
        "capacity": 5,
    }
    before = Session.objects.count()
    for added, said in [
        ([day.date().isoformat()], "その時間に施設のほかの開催回があります"),
        (["2100-12-31", (first + timedelta(days=3)).isoformat()], "初回から最終回までの間"),
    ]:
        for url in ("/api/v1/series/?dry_run=1", "/api/v1/series/"):
            answer = api.post(url, {**pattern, "include": added}, format="json")
            assert answer.status_code == 400, answer.json()
            assert said in answer.json()["fields"]["include"][0]
    assert Session.objects.count() == before
    form = {**pattern, "opens_rule": "days_before"}
    form |= {"opens_days_before": 30, "opens_time": "09:00", "closes_days_before": 1}
    form |= {"closes_time": "09:00", "action": "publish", "date": "2100-12-31"}
    page = world["staff"].post("/staff/schedule/series/new/", form)
    assert page.status_code == 200
    assert "初回から最終回までの間" in str(page.context["form"].non_field_errors())
    assert Session.objects.count() == before
