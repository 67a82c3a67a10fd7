"""Series: a month of sessions previewed and published in one request, public holidays and
closed days skipped, later sessions changed or cancelled with their parties kept and told."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from booking.models import Reservation
from events.models import Session, SessionStatus
from notifications.models import Notification, NotificationKind
from schedule.models import ClosedDay, Series
from staffdesk.models import StaffAction
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    api_key,
    staff_user,
)
from tests.schedule.series_setup import booked

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def facility():
    return FacilityFactory(slug="ribbon")


@pytest.fixture
def program():
    return ProgramFactory(slug="fureai", max_adults=3)


@pytest.fixture
def manager_api(facility):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility))}")
    return api


def body(**changes):
    pattern = {
        "program": "fureai",
        "facility": "ribbon",
        "weekdays": [1, 5],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": "2027-01-01",
        "last_date": "2027-01-31",
        "capacity": 15,
    }
    pattern.update(changes)
    return pattern


def preview(api, **changes):
    response = api.post("/api/v1/series/?dry_run=1", body(**changes), format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_issue_example_skips_new_year_and_coming_of_age_day(manager_api, program):
    answer = preview(manager_api)

    assert answer["dates"] == [
        "2027-01-04",
        "2027-01-08",
        "2027-01-15",
        "2027-01-18",
        "2027-01-22",
        "2027-01-25",
        "2027-01-29",
    ]
    assert answer["skipped"] == [
        {"date": "2027-01-01", "reason": "holiday", "name": "元日"},
        {"date": "2027-01-11", "reason": "holiday", "name": "成人の日"},
    ]
    assert not Session.objects.exists() and not Series.objects.exists()


def test_a_substitute_holiday_is_skipped_exactly(manager_api, program):
    # 春分の日 2027-03-21 is a Sunday: Monday 22nd is 振替休日.
    answer = preview(manager_api, weekdays=[1], first_date="2027-03-01", last_date="2027-03-31")
    assert answer["dates"] == ["2027-03-01", "2027-03-08", "2027-03-15", "2027-03-29"]
    assert answer["skipped"] == [{"date": "2027-03-22", "reason": "holiday", "name": "振替休日"}]


def test_the_new_year_closure_and_a_closed_day_staff_added(manager_api, program, facility):
    ClosedDay.objects.create(facility=facility, date=date(2027, 1, 6), name="館内点検")
    answer = preview(
        manager_api,
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        first_date="2026-12-28",
        last_date="2027-01-06",
    )
    assert answer["dates"] == ["2026-12-28", "2027-01-04", "2027-01-05"]
    assert answer["skipped"] == [
        {"date": "2026-12-29", "reason": "closed", "name": "年末年始"},
        {"date": "2026-12-30", "reason": "closed", "name": "年末年始"},
        {"date": "2026-12-31", "reason": "closed", "name": "年末年始"},
        {"date": "2027-01-01", "reason": "holiday", "name": "元日"},
        {"date": "2027-01-02", "reason": "closed", "name": "年末年始"},
        {"date": "2027-01-03", "reason": "closed", "name": "年末年始"},
        {"date": "2027-01-06", "reason": "closed", "name": "館内点検"},
    ]


def test_the_second_wednesday_of_each_month(manager_api, program):
    answer = preview(manager_api, weekdays=[3], nth=[2], last_date="2027-03-31")
    assert answer["dates"] == ["2027-01-13", "2027-02-10", "2027-03-10"]


def test_a_clash_with_another_session_at_the_facility_is_skipped(manager_api, program, facility):
    start = datetime(2027, 1, 8, 10, 30, tzinfo=TOKYO)
    other = SessionFactory(facility=facility, start=start, end=start + timedelta(hours=1))
    answer = preview(manager_api)
    assert {"date": "2027-01-08", "reason": "clash", "name": other.display_title} in answer[
        "skipped"
    ]
    assert "2027-01-08" not in answer["dates"]


def test_staff_untick_and_add_dates_then_publish_in_one_step(manager_api, program, facility):
    response = manager_api.post(
        "/api/v1/series/",
        body(exclude=["2027-01-08"], include=["2027-01-11"], opens_rule="previous_month_first"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    series = Series.objects.get(pk=response.json()["id"])
    sessions = Session.objects.filter(pk__in=response.json()["sessions"]).order_by("start")
    days = [s.start.astimezone(TOKYO).date().isoformat() for s in sessions]
    assert days == [
        "2027-01-04",
        "2027-01-11",
        "2027-01-15",
        "2027-01-18",
        "2027-01-22",
        "2027-01-25",
        "2027-01-29",
    ]
    assert all(s.series_link.series == series for s in sessions)
    first = sessions[0]
    # Registration in Japan time: the 1st of the month before at 9:00, closing the day before.
    assert first.registration_opens == datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    assert first.registration_closes == datetime(2027, 1, 3, 17, 0, tzinfo=TOKYO)
    assert first.cancellation_deadline == datetime(2027, 1, 3, 17, 0, tzinfo=TOKYO)
    assert first.start == datetime(2027, 1, 4, 10, 0, tzinfo=TOKYO)
    assert (first.capacity, first.facility, first.program) == (15, facility, program)
    assert StaffAction.objects.filter(kind="series_publish", facility=facility).count() == 1

    read = manager_api.get(f"/api/v1/series/{series.pk}/").json()
    assert read["sessions"] == sorted(response.json()["sessions"])
    assert read["weekdays"] == [1, 5]


def publish(api, **changes) -> Series:
    response = api.post("/api/v1/series/", body(**changes), format="json")
    assert response.status_code == 201, response.json()
    return Series.objects.get(pk=response.json()["id"])


def test_later_sessions_change_time_with_their_parties_kept_and_told_once(manager_api, program):
    series = publish(manager_api)
    sessions = list(Session.objects.filter(series_link__series=series).order_by("start"))
    early, late = booked(sessions[0], "a@example.jp"), booked(sessions[3], "b@example.jp")
    Notification.objects.all().delete()

    response = manager_api.patch(
        f"/api/v1/series/{series.pk}/",
        {"from_date": "2027-01-18", "start_time": "10:30", "end_time": "11:30", "reason": "講師"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    for session in sessions:
        session.refresh_from_db()
    assert sessions[0].start == datetime(2027, 1, 4, 10, 0, tzinfo=TOKYO)
    assert sessions[3].start == datetime(2027, 1, 18, 10, 30, tzinfo=TOKYO)
    assert sessions[-1].end == datetime(2027, 1, 29, 11, 30, tzinfo=TOKYO)
    assert (
        Reservation.objects.filter(pk__in=[early.reservation.pk, late.reservation.pk])
        .filter(status="confirmed")
        .count()
        == 2
    )
    changed = Notification.objects.filter(kind=NotificationKind.SESSION_CHANGED)
    assert [n.to_email for n in changed] == ["b@example.jp"]
    series.refresh_from_db()
    assert series.start_time.isoformat("minutes") == "10:30"


def test_capacity_below_seats_taken_is_refused_and_nothing_changes(manager_api, program):
    series = publish(manager_api)
    session = Session.objects.filter(series_link__series=series).order_by("start").last()
    for n in range(3):
        booked(session, f"p{n}@example.jp")
    response = manager_api.patch(
        f"/api/v1/series/{series.pk}/", {"from_date": "2027-01-01", "capacity": 2}, format="json"
    )
    assert response.status_code == 400
    assert "capacity" in response.json()["fields"]
    assert set(Session.objects.values_list("capacity", flat=True)) == {15}


def test_cancelling_the_rest_tells_every_party(manager_api, program):
    series = publish(manager_api)
    sessions = list(Session.objects.filter(series_link__series=series).order_by("start"))
    booked(sessions[-1], "c@example.jp")
    response = manager_api.patch(
        f"/api/v1/series/{series.pk}/",
        {"from_date": "2027-01-25", "cancel": True, "reason": "改修工事のため"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    statuses = [s.status for s in Session.objects.filter(pk__in=[s.pk for s in sessions])]
    assert statuses.count(SessionStatus.CANCELLED) == 2
    told = Notification.objects.filter(kind=NotificationKind.SESSION_CANCELLED)
    assert [n.to_email for n in told] == ["c@example.jp"]


def test_another_facilitys_staff_can_neither_publish_nor_see_nor_change(manager_api, program):
    series = publish(manager_api)
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(FacilityFactory()))}")
    assert stranger.post("/api/v1/series/?dry_run=1", body(), format="json").status_code == 403
    assert stranger.post("/api/v1/series/", body(), format="json").status_code == 403
    assert stranger.get(f"/api/v1/series/{series.pk}/").status_code == 404
    change = {"from_date": "2027-01-01", "capacity": 20}
    assert stranger.patch(f"/api/v1/series/{series.pk}/", change, format="json").status_code == 404
    assert APIClient().post("/api/v1/series/", body(), format="json").status_code in (401, 403)
    assert Session.objects.count() == len(series.links.all())


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"end_time": "09:00"}, "end_time"),
        ({"weekdays": []}, "weekdays"),
        ({"last_date": "2028-02-01"}, "last_date"),
        ({"last_date": "2026-12-01"}, "last_date"),
        ({"weekdays": [0]}, "weekdays"),
        ({"weekdays": ["1"]}, "weekdays"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "１０:００"}, "start_time"),
        ({"first_date": "0001-01-01"}, "first_date"),
        ({"program": "nope"}, "program"),
        ({"closes_days_before": 0, "closes_time": "12:00"}, "closes_time"),
    ],
)
def test_bad_patterns_are_400_with_the_field_named(manager_api, program, changes, field):
    for url in ("/api/v1/series/?dry_run=1", "/api/v1/series/"):
        response = manager_api.post(url, body(**changes), format="json")
        assert response.status_code == 400, response.json()
        assert field in response.json()["fields"], response.json()
    assert not Session.objects.exists()
