"""Changing or cancelling the rest of a series emails every party: the page first shows what
will happen (sessions, parties emailed, the email as the first party reads it) and nothing is
done or sent until staff confirm; the API answers the same with ``?dry_run=1``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Session, SessionStatus
from notifications.models import Notification, NotificationKind
from schedule.models import SeriesSession
from staffdesk.models import StaffAction
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    api_key,
    staff_user,
)
from tests.schedule.series_setup import booked, january_series

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def series_with_parties():
    """Mondays and Fridays of January 2027; one party on the 4th, three on the 29th."""
    facility = FacilityFactory(slug="ribbon", no_quiet_hours=True)
    program = ProgramFactory(slug="fureai", title="親子ふれあい遊び", max_adults=3)
    manager = staff_user(facility)
    series, sessions = january_series(program, facility, weekdays=[1, 5], by=manager)
    booked(sessions[0], "early@example.jp")
    for n in range(3):
        booked(sessions[-1], f"late{n}@example.jp")
    Notification.objects.all().delete()
    StaffAction.objects.all().delete()
    return series, sessions, manager


def nothing_happened(sessions) -> None:
    assert not Notification.objects.exists()
    assert not StaffAction.objects.exists()
    assert not Session.objects.filter(status=SessionStatus.CANCELLED).exists()
    assert {s.start for s in Session.objects.all()} == {s.start for s in sessions}


CANCEL = {"action": "cancel", "cancel-from_date": "2027-01-25", "cancel-reason": "改修工事のため"}
CHANGE = {
    "action": "change",
    "change-from_date": "2027-01-18",
    "change-start_time": "14:00",
    "change-end_time": "15:00",
    "change-capacity": "12",
    "change-reason": "講師の都合のため",
}


def test_cancelling_the_rest_shows_the_sessions_parties_and_email_before_confirming(
    client, series_with_parties
):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    url = f"/staff/schedule/series/{series.pk}/"

    page = client.post(url, CANCEL)

    html = page.content.decode()
    assert page.status_code == 200
    assert "2回分の開催を中止します。3組にメールを送ります" in html
    assert "送信されるメール（1組目の例）" in html and "改修工事のため" in html
    assert 'name="confirm" value="1"' in html and "中止してメールを送る" in html
    nothing_happened(sessions)

    done = client.post(url, {**CANCEL, "confirm": "1"})

    assert done.status_code == 302
    assert Session.objects.filter(status=SessionStatus.CANCELLED).count() == 2
    told = Notification.objects.filter(kind=NotificationKind.SESSION_CANCELLED)
    assert sorted(n.to_email for n in told) == [f"late{n}@example.jp" for n in range(3)]
    assert "開催回を2件中止しました。" in client.get(url).content.decode()


def test_changing_the_time_shows_the_email_first_and_keeps_the_series_until_confirmed(
    client, series_with_parties
):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    url = f"/staff/schedule/series/{series.pk}/"

    page = client.post(url, CHANGE)

    html = page.content.decode()
    assert "4回分の開催を変更します。3組にメールを送ります" in html
    assert "14:00" in html and "講師の都合のため" in html
    assert "変更してメールを送る" in html
    # The email shown leads to a placeholder, never to a party's working manage link.
    assert "?token=XXXXXXXX" in html
    assert re.search(r"/manage/[A-Z0-9-]+/\?token=(?!XXXXXXXX)", html) is None
    nothing_happened(sessions)
    series.refresh_from_db()
    assert (series.start_time.hour, series.capacity) == (10, 15)

    assert client.post(url, {**CHANGE, "confirm": "1"}).status_code == 302
    last = Session.objects.get(pk=sessions[-1].pk)
    assert (last.start, last.capacity) == (datetime(2027, 1, 29, 14, tzinfo=TOKYO), 12)
    assert Notification.objects.filter(kind=NotificationKind.SESSION_CHANGED).count() == 3


def test_a_refused_change_shows_the_reason_and_no_confirm_button(client, series_with_parties):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    page = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {"action": "change", "change-from_date": "2027-01-01", "change-capacity": "2"},
    )
    html = page.content.decode()
    assert 'role="alert"' in html and 'name="confirm"' not in html
    nothing_happened(sessions)


def test_the_api_answers_what_would_happen_with_dry_run(series_with_parties):
    series, sessions, manager = series_with_parties
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}", HTTP_ACCEPT_LANGUAGE="ja")
    answer = api.patch(
        f"/api/v1/series/{series.pk}/?dry_run=1",
        {"from_date": "2027-01-25", "cancel": True, "reason": "改修工事のため"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["sessions"], body["parties"]) == (2, 3)
    assert "改修工事のため" in body["text"] and body["subject"]
    nothing_happened(sessions)


def test_a_session_already_held_is_neither_cancelled_nor_its_parties_emailed(
    series_with_parties,
):
    series, sessions, manager = series_with_parties
    start = timezone.now() - timedelta(days=2)
    held = SessionFactory(
        program=series.program,
        facility=series.facility,
        start=start,
        end=start + timedelta(hours=1),
        registration_opens=start - timedelta(days=30),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    )
    SeriesSession.objects.create(series=series, session=held)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    answer = api.patch(
        f"/api/v1/series/{series.pk}/",
        {"from_date": timezone.localdate(start).isoformat(), "cancel": True, "reason": "工事"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    held.refresh_from_db()
    assert held.status == SessionStatus.SCHEDULED
    assert Session.objects.filter(status=SessionStatus.CANCELLED).count() == len(sessions)
