"""A constant number of SQL queries whatever the size: 500-party rosters, 5,000-session years."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffdesk.selectors import fiscal_year_of
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory
from tests.staff.bulk import course_with_attendance, roster_of, year_of_sessions
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

ROSTER_MAX_QUERIES = 8
REPORT_MAX_QUERIES = 12


def queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return len(ctx.captured_queries), result


@pytest.fixture
def small_and_big(facility_a):
    small = SessionFactory(facility=facility_a, capacity=20)
    big = SessionFactory(facility=facility_a, capacity=1000)
    roster_of(small, 5, seed=2)
    roster_of(big, 500, seed=3)
    return small, big


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sessions/{pk}/roster/",
        "/api/v1/sessions/{pk}/roster/?format=csv",
        "/api/v1/sessions/{pk}/roster/?q=さとう",
    ],
)
def test_roster_api_for_500_parties(api_a, small_and_big, url, django_assert_max_num_queries):
    small, big = small_and_big
    api_a.get(url.format(pk=small.pk))  # warm up caches (content types, translations)
    few, _ = queries(lambda: api_a.get(url.format(pk=small.pk)))
    assert few <= ROSTER_MAX_QUERIES
    with django_assert_max_num_queries(few):
        response = api_a.get(url.format(pk=big.pk))
    assert response.status_code == 200
    if "csv" in url:
        assert response.content.decode("utf-8-sig").count("\r\n") == 501
    elif "q=" not in url:
        body = response.json()
        assert len(body["rows"]) == 500
        # The latest email of each party: its reminder, not yet sent.
        assert {(r["notification"]["kind"], r["notification"]["status"]) for r in body["rows"]} == {
            ("reminder", "pending")
        }


@pytest.mark.parametrize("path", ["/staff/sessions/{pk}/", "/staff/sessions/{pk}/print/"])
def test_roster_page_for_500_parties(manager_a, small_and_big, path, django_assert_max_num_queries):
    small, big = small_and_big
    client = page_client(manager_a)
    client.get(path.format(pk=small.pk))
    few, _ = queries(lambda: client.get(path.format(pk=small.pk)))
    assert few <= ROSTER_MAX_QUERIES + 4  # + the login session and user
    with django_assert_max_num_queries(few):
        response = client.get(path.format(pk=big.pk))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="r-') == (500 if "print" not in path else 0)


def test_course_roster_queries_do_not_grow(api_a, facility_a, django_assert_max_num_queries):
    program = ProgramFactory()
    start = timezone.now().replace(microsecond=0) - timedelta(days=30)
    course = course_with_attendance(facility_a, program, start)
    session = course.sessions.order_by("start").first()
    roster_of(session, 100, seed=4)
    url = f"/api/v1/sessions/{session.pk}/roster/"
    api_a.get(url)
    with django_assert_max_num_queries(ROSTER_MAX_QUERIES):
        body = api_a.get(url).json()
    assert len(body["rows"]) == 102
    assert {r["attendance"] for r in body["rows"] if r["course_reservation"]} == {"attended"}


def test_report_for_5000_sessions(api_a, manager_a, facility_a, django_assert_max_num_queries):
    fy = fiscal_year_of(timezone.localdate()) - 1
    facilities = [facility_a] + [FacilityFactory() for _ in range(4)]
    from events.models import StaffMembership

    for f in facilities[1:]:
        StaffMembership.objects.create(user=manager_a, facility=f, role="viewer")
    programs = [ProgramFactory() for _ in range(6)]
    small = FacilityFactory(slug="small-centre")
    StaffMembership.objects.create(user=manager_a, facility=small, role="viewer")
    year_of_sessions([small], programs[:1], fiscal_year=fy, sessions=20, seed=1)
    made = year_of_sessions(facilities, programs, fiscal_year=fy, sessions=5000, seed=2)
    assert len(made) == 5000
    url = f"/api/v1/staff/report/?fiscal_year={fy}"
    api_a.get(url + "&facility=small-centre")
    few, small_report = queries(lambda: api_a.get(url + "&facility=small-centre"))
    assert few <= REPORT_MAX_QUERIES
    assert small_report.json()["total"]["sessions_held"] == 20
    with django_assert_max_num_queries(few):
        response = api_a.get(url)
    total = response.json()["total"]
    assert total["sessions_held"] + total["sessions_cancelled"] == 5020
    assert total["sessions_cancelled"] == 100
    with django_assert_max_num_queries(few):
        csv_response = api_a.get(url + "&format=csv")
    lines = csv_response.content.decode("utf-8-sig").split("\r\n")
    assert len(lines) - 2 == len(response.json()["rows"]) + 1  # header, rows, total, final ""
    client = page_client(manager_a)
    client.get(f"/staff/report/?fiscal_year={fy}&facility=small-centre")
    few_page, _ = queries(
        lambda: client.get(f"/staff/report/?fiscal_year={fy}&facility=small-centre")
    )
    with django_assert_max_num_queries(few_page):
        page = client.get(f"/staff/report/?fiscal_year={fy}")
    assert page.status_code == 200


def test_today_queries_do_not_grow(api_a, facility_a, django_assert_max_num_queries):
    # A fixed hour of tomorrow: thirty sessions a minute apart must stay on one local day
    # whatever the hour the suite runs at.
    tomorrow = timezone.localtime() + timedelta(days=1)
    start = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    url = f"/api/v1/staff/today/?date={timezone.localdate(start)}"
    s = SessionFactory(facility=facility_a, start=start)
    roster_of(s, 3)
    api_a.get(url)
    few, _ = queries(lambda: api_a.get(url))
    for i in range(30):
        roster_of(
            SessionFactory(facility=facility_a, start=start + timedelta(minutes=i)), 5, seed=i
        )
    with django_assert_max_num_queries(few):
        body = api_a.get(url).json()
    assert len(body) == 31
