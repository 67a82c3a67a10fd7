"""A series is never published in the past nor with no seat: the service refuses (the page's
fields and the API's ``fields`` say why, in the request's language); a month already begun
publishes its coming dates and the preview names the past ones left out."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Session
from schedule.models import Series
from tests.factories import FacilityFactory, ProgramFactory, api_key, staff_user
from tests.schedule.series_setup import booked, january_series

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
PAST = "過去の日付は公開できません。"
NO_SEAT = "定員は1以上にしてください。"


@pytest.fixture
def manager():
    facility = FacilityFactory(slug="ribbon", name="健やか子育て交流会")
    ProgramFactory(slug="bookstart", title="ブックスタート", max_adults=3)
    return staff_user(facility)


@pytest.fixture
def api(manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}", HTTP_ACCEPT_LANGUAGE="ja")
    return client


def last_month() -> tuple[date, date]:
    first_of_this = timezone.localdate().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


def pattern(first: date, last: date, **changes) -> dict:
    body = {
        "program": "bookstart",
        "facility": "ribbon",
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": first.isoformat(),
        "last_date": last.isoformat(),
        "capacity": 15,
    }
    body.update(changes)
    return body


def form(first: date, last: date, **changes) -> dict:
    data = {
        **pattern(first, last),
        "opens_rule": "days_before",
        "opens_days_before": "30",
        "opens_time": "09:00",
        "closes_days_before": "1",
        "closes_time": "17:00",
        "action": "preview",
    }
    data.update(changes)
    return data


def field_errors(html: str, name: str) -> str:
    """The text of the form field's block (its label, input and errors)."""
    start = html.index(f'name="{name}"')
    block_start = html.rindex('<div class="field', 0, start)
    return html[block_start : html.index("</div>", start)]


def test_a_month_in_the_past_is_refused_by_the_api_in_the_requests_language(api, manager):
    first, last = last_month()
    for url in ("/api/v1/series/?dry_run=1", "/api/v1/series/"):
        answer = api.post(url, pattern(first, last), format="json")
        assert answer.status_code == 400, answer.json()
        assert answer.json()["code"] == "invalid"
        assert answer.json()["fields"]["last_date"] == [PAST]
        assert answer.json()["fields"]["first_date"] == [PAST]
    english = APIClient()
    english.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}", HTTP_ACCEPT_LANGUAGE="en")
    english = english.post("/api/v1/series/", pattern(first, last), format="json")
    assert english.json()["fields"]["last_date"] == ["Past dates cannot be published."]
    assert not Series.objects.exists() and not Session.objects.exists()


def test_a_month_in_the_past_is_refused_on_the_forms_date_fields(client, manager):
    client.force_login(manager)
    first, last = last_month()
    page = client.post("/staff/schedule/series/new/", form(first, last))
    html = page.content.decode()
    assert page.status_code == 200
    assert PAST in field_errors(html, "first_date") and PAST in field_errors(html, "last_date")
    assert "この日程で公開する" not in html and 'name="date"' not in html
    published = client.post("/staff/schedule/series/new/", form(first, last, action="publish"))
    assert published.status_code == 200 and not Series.objects.exists()


def test_a_month_already_begun_publishes_its_coming_dates_and_names_the_past_ones(
    api, client, manager
):
    today = timezone.localdate()
    first, last = today - timedelta(days=6), today + timedelta(days=20)
    client.force_login(manager)
    html = client.post("/staff/schedule/series/new/", form(first, last)).content.decode()
    assert f"{first.month}月{first.day}日" in html and "過ぎた日のため公開しません" in html
    assert "この日程で公開する" in html
    preview = api.post("/api/v1/series/?dry_run=1", pattern(first, last), format="json").json()
    now = timezone.now()
    past = [s["date"] for s in preview["skipped"] if s["reason"] == "past"]
    assert (today - timedelta(days=1)).isoformat() in past and first.isoformat() in past
    for day in preview["dates"]:
        start = timezone.datetime.combine(date.fromisoformat(day), time(10), tzinfo=TOKYO)
        assert start > now
    answer = api.post("/api/v1/series/", pattern(first, last), format="json")
    assert answer.status_code == 201, answer.json()
    assert Session.objects.filter(start__lte=now).count() == 0
    assert Session.objects.count() == len(preview["dates"])


def test_a_past_date_added_by_hand_is_refused(api):
    today = timezone.localdate()
    body = pattern(
        today + timedelta(days=7),
        today + timedelta(days=30),
        include=[(today - timedelta(days=3)).isoformat()],
    )
    answer = api.post("/api/v1/series/", body, format="json")
    assert answer.status_code == 400 and answer.json()["fields"]["include"] == [PAST]
    assert not Session.objects.exists()


def test_a_series_with_no_seat_is_refused_by_the_api_and_on_the_form(api, client, manager):
    first, last = date(2027, 2, 1), date(2027, 2, 28)
    for url in ("/api/v1/series/?dry_run=1", "/api/v1/series/"):
        answer = api.post(url, pattern(first, last, capacity=0), format="json")
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid"
        assert answer.json()["fields"] == {"capacity": [NO_SEAT]}
    client.force_login(manager)
    for action in ("preview", "publish"):
        page = client.post(
            "/staff/schedule/series/new/", form(first, last, capacity="0", action=action)
        )
        html = page.content.decode()
        assert NO_SEAT in field_errors(html, "capacity")
        assert "この日程で公開する" not in html
    assert not Series.objects.exists() and not Session.objects.exists()


def test_changing_a_series_to_no_seat_is_refused_on_the_page_and_by_the_api(api, client, manager):
    series, sessions = january_series(
        ProgramFactory(slug="fureai"), manager.memberships.get().facility, weekdays=[3]
    )
    booked(sessions[-1], "a@example.jp")
    client.force_login(manager)
    page = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {"action": "change", "change-from_date": "2027-01-01", "change-capacity": "0"},
    )
    assert NO_SEAT in field_errors(page.content.decode(), "change-capacity")
    for dry_run in ("?dry_run=1", ""):
        answer = api.patch(
            f"/api/v1/series/{series.pk}/{dry_run}",
            {"from_date": "2027-01-01", "capacity": 0},
            format="json",
        )
        assert answer.status_code == 400 and answer.json()["fields"] == {"capacity": [NO_SEAT]}
    assert set(Session.objects.values_list("capacity", flat=True)) == {15}
    series.refresh_from_db()
    assert series.capacity == 15
