"""Copying a facility's month to the next: same weekday of the same week, the same preview
(holidays, closed days, clashes skipped), unticked sessions left out, managers only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from events.models import Session
from schedule.copying import same_weekday_next_month
from schedule.models import ClosedDay
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


@pytest.fixture
def january():
    """A facility's January 2027: four sessions, each a case of the copy."""
    facility = FacilityFactory(slug="ribbon")
    program = ProgramFactory(slug="fureai")
    sessions = {}
    for name, day in [
        ("first_monday", date(2027, 1, 4)),  # to Monday 1 February
        ("second_thursday", date(2027, 1, 14)),  # to 11 February: 建国記念の日
        ("fifth_friday", date(2027, 1, 29)),  # February has no fifth Friday
        ("third_wednesday", date(2027, 1, 20)),  # to 17 February, a closed day
        ("fourth_tuesday", date(2027, 1, 26)),  # to 23 February: 天皇誕生日
        ("second_tuesday", date(2027, 1, 12)),  # to 9 February, where another session is
        ("third_friday", date(2027, 1, 15)),  # to 19 February
    ]:
        start = at(day, 10)
        sessions[name] = SessionFactory(
            facility=facility,
            program=program,
            start=start,
            end=start + timedelta(hours=1),
            capacity=12,
            registration_opens=at(date(2026, 12, 1), 9),
            registration_closes=at(day - timedelta(days=1), 17),
            cancellation_deadline=at(day - timedelta(days=1), 17),
        )
    ClosedDay.objects.create(facility=facility, date=date(2027, 2, 17), name="館内点検")
    SessionFactory(facility=facility, start=at(date(2027, 2, 9), 10), end=at(date(2027, 2, 9), 12))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility))}")
    return facility, sessions, api


def test_same_weekday_of_the_same_week_next_month():
    assert same_weekday_next_month(date(2027, 1, 14)) == date(2027, 2, 11)
    assert same_weekday_next_month(date(2026, 12, 1)) == date(2027, 1, 5)
    assert same_weekday_next_month(date(2027, 1, 29)) is None


def test_the_preview_skips_holidays_closed_days_clashes_and_missing_fifth_weeks(january):
    _facility, sessions, api = january
    answer = api.post(
        "/api/v1/months/copy/?dry_run=1", {"facility": "ribbon", "month": "2027-01"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [(s["source"], s["date"]) for s in body["sessions"]] == [
        (sessions["first_monday"].pk, "2027-02-01"),
        (sessions["third_friday"].pk, "2027-02-19"),
    ]
    skipped = {s["source"]: (s["date"], s["reason"], s["name"]) for s in body["skipped"]}
    assert skipped[sessions["second_thursday"].pk] == ("2027-02-11", "holiday", "建国記念の日")
    assert skipped[sessions["fourth_tuesday"].pk] == ("2027-02-23", "holiday", "天皇誕生日")
    assert skipped[sessions["third_wednesday"].pk] == ("2027-02-17", "closed", "館内点検")
    assert skipped[sessions["second_tuesday"].pk][1] == "clash"
    assert skipped[sessions["fifth_friday"].pk][1] == "no_day"
    assert Session.objects.count() == 8  # nothing written


def test_copying_keeps_times_sizes_and_shifts_the_windows_leaving_out_the_unticked(january):
    facility, sessions, api = january
    answer = api.post(
        "/api/v1/months/copy/",
        {"facility": "ribbon", "month": "2027-01", "exclude": [sessions["third_friday"].pk]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    (copy,) = Session.objects.filter(pk__in=answer.json()["sessions"])
    assert copy.start == at(date(2027, 2, 1), 10) and copy.end == at(date(2027, 2, 1), 11)
    assert copy.capacity == 12 and copy.program.slug == "fureai"
    # 28 days later: the windows move with the session, in Japan time.
    assert copy.registration_opens == at(date(2026, 12, 29), 9)
    assert copy.registration_closes == at(date(2027, 1, 31), 17)
    action = StaffAction.objects.get(kind="month_copy")
    assert action.facility_id == facility.pk and action.after["sessions"] == 1


def test_another_facilitys_manager_cannot_copy_and_bad_months_are_400(january):
    other = FacilityFactory(slug="elsewhere")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(other))}")
    body = {"facility": "ribbon", "month": "2027-01"}
    assert api.post("/api/v1/months/copy/?dry_run=1", body, format="json").status_code == 403
    assert api.post("/api/v1/months/copy/", body, format="json").status_code == 403
    _facility, _sessions, own = january
    for month in ["2027-13", "2027-1", "１２３４-01", "2027-01-01"]:
        answer = own.post("/api/v1/months/copy/", {**body, "month": month}, format="json")
        assert answer.status_code == 400, month
        assert "month" in str(answer.json())


def test_the_staff_page_previews_the_copy_and_copies_the_ticked_sessions(january, client):
    facility, sessions, _api = january
    client.force_login(get_user_model().objects.get(username="staff-ribbon-manager"))
    url = "/staff/schedule/copy/?facility=ribbon&month=2027-01"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "建国記念の日" in text and "館内点検" in text
    assert f'value="{sessions["first_monday"].pk}" checked' in text
    answer = client.post(url, {"session": [sessions["third_friday"].pk]})
    assert answer.status_code == 302
    assert answer["Location"].endswith("facility=ribbon&month=2027-02")
    (copy,) = Session.objects.filter(start__gte=at(date(2027, 2, 1), 0)).exclude(
        start=at(date(2027, 2, 9), 10)
    )
    assert copy.start == at(date(2027, 2, 19), 10)
    month = client.get("/staff/schedule/?facility=ribbon&month=2027-01").content.decode()
    assert "/staff/schedule/copy/?facility=ribbon&amp;month=2027-01" in month


def test_the_copy_page_is_not_found_for_another_facilitys_staff(january, client):
    client.force_login(staff_user(FacilityFactory(slug="elsewhere")))
    assert client.get("/staff/schedule/copy/?facility=ribbon&month=2027-01").status_code == 404
    assert client.post("/staff/schedule/copy/?facility=ribbon&month=2027-01").status_code == 404
    assert Session.objects.count() == 8
