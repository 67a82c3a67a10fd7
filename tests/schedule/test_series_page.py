"""The staff page of one series: its sessions with seats, "change this and later" and "cancel
the rest" through the same services as the API (parties kept and told once), managers only."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events.models import Session, SessionStatus, StaffRole
from notifications.models import Notification, NotificationKind
from tests.factories import FacilityFactory, ProgramFactory, staff_user
from tests.schedule.series_setup import booked, january_series

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def series_with_parties():
    facility = FacilityFactory(slug="ribbon")
    program = ProgramFactory(slug="fureai", title="親子ふれあい遊び", max_adults=3)
    manager = staff_user(facility)
    series, sessions = january_series(program, facility, weekdays=[1, 5], by=manager)
    booked(sessions[0], "early@example.jp")
    for n in range(3):
        booked(sessions[-1], f"late{n}@example.jp")
    Notification.objects.all().delete()
    return series, sessions, manager


def test_the_page_lists_the_sessions_with_seats_and_the_month_links_to_it(
    client, series_with_parties
):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    page = client.get(f"/staff/schedule/series/{series.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1月4日（月）" in text and "1/15" in text and "3/15" in text
    month = client.get("/staff/schedule/?facility=ribbon&month=2027-01").content.decode()
    assert f'href="/staff/schedule/series/{series.pk}/"' in month


def test_changing_later_sessions_keeps_parties_and_tells_them_once(client, series_with_parties):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    answer = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {
            "action": "change",
            "change-from_date": "2027-01-18",
            "change-start_time": "13:00",
            "change-end_time": "14:00",
            "change-reason": "講師の都合",
            "confirm": "1",  # after the preview of the emails
        },
    )
    assert answer.status_code == 302
    first, last = Session.objects.get(pk=sessions[0].pk), Session.objects.get(pk=sessions[-1].pk)
    assert first.start == datetime(2027, 1, 4, 10, tzinfo=TOKYO)  # before the day: kept
    assert last.start == datetime(2027, 1, 29, 13, tzinfo=TOKYO)
    assert last.end == datetime(2027, 1, 29, 14, tzinfo=TOKYO)
    assert last.seats_taken == 3
    told = Notification.objects.filter(kind=NotificationKind.SESSION_CHANGED)
    assert sorted(n.to_email for n in told) == [f"late{n}@example.jp" for n in range(3)]


def test_capacity_below_seats_taken_is_refused_on_the_page(client, series_with_parties):
    series, _sessions, manager = series_with_parties
    client.force_login(manager)
    page = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {"action": "change", "change-from_date": "2027-01-01", "change-capacity": "2"},
    )
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
    assert set(Session.objects.values_list("capacity", flat=True)) == {15}
    assert not Notification.objects.exists()


def test_cancelling_the_rest_tells_every_party(client, series_with_parties):
    series, sessions, manager = series_with_parties
    client.force_login(manager)
    answer = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {
            "action": "cancel",
            "cancel-from_date": "2027-01-25",
            "cancel-reason": "改修工事のため",
            "confirm": "1",  # after the preview of the emails
        },
    )
    assert answer.status_code == 302
    cancelled = Session.objects.filter(status=SessionStatus.CANCELLED)
    assert cancelled.count() == 2
    told = Notification.objects.filter(kind=NotificationKind.SESSION_CANCELLED)
    assert sorted(n.to_email for n in told) == [f"late{n}@example.jp" for n in range(3)]


def test_viewers_read_only_and_other_facilities_get_not_found(client, series_with_parties):
    series, _sessions, _manager = series_with_parties
    url = f"/staff/schedule/series/{series.pk}/"
    viewer = staff_user(series.facility, StaffRole.VIEWER, username="viewer")
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert 'value="cancel"' not in client.get(url).content.decode()
    assert (
        client.post(
            url, {"action": "cancel", "cancel-from_date": "2027-01-01", "cancel-reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(staff_user(FacilityFactory(slug="elsewhere")))
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"action": "cancel", "cancel-from_date": "2027-01-01", "cancel-reason": "x"}
        ).status_code
        == 404
    )
    assert not Session.objects.filter(status=SessionStatus.CANCELLED).exists()


def test_viewers_month_view_offers_no_action_they_cannot_take(client, series_with_parties):
    series, _sessions, manager = series_with_parties
    month = "/staff/schedule/?facility=ribbon&month=2027-01"
    client.force_login(staff_user(series.facility, StaffRole.VIEWER, username="month-viewer"))
    seen = client.get(month).content.decode()
    assert "/staff/schedule/copy/" not in seen and "/staff/schedule/series/new/" not in seen
    assert "/facilities/ribbon/calendar/" in seen
    client.force_login(manager)
    managed = client.get(month).content.decode()
    assert "/staff/schedule/copy/" in managed and "/staff/schedule/closed-days/" in managed
