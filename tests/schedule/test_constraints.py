"""A series' rules held by the database (schedule/0003): a seat at least, a weekday, windows
no later than the start on the day itself; the repair of the rows made before; and the counts
of the catalogue's sessions and programmes, refused by the database as by the services."""

from __future__ import annotations

from datetime import date, datetime, time
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from events.models import Program, Session
from schedule.models import Series
from schedule.services import SeriesPattern, series_publish
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user

TOKYO = ZoneInfo("Asia/Tokyo")
MIGRATION = import_module("schedule.migrations.0003_series_counts_held")
BEFORE, AFTER = ("schedule", "0002_admin_verbose_names"), ("schedule", "0003_series_counts_held")


def a_series(**changes) -> tuple[Series, list[Session]]:
    """Mondays and Fridays of January 2027 at 10:00, 15 seats, closing at 09:30 that day."""
    values = {
        "program": ProgramFactory(),
        "facility": FacilityFactory(),
        "weekdays": [1, 5],
        "start_time": time(10),
        "end_time": time(11),
        "first_date": date(2027, 1, 1),
        "last_date": date(2027, 1, 31),
        "capacity": 15,
        "closes_days_before": 0,
        "closes_time": time(9, 30),
    }
    values.update(changes)
    return series_publish(SeriesPattern(**values))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"capacity": 0},
        {"weekdays": []},
        {"closes_days_before": 0, "closes_time": time(10, 30)},
        {"cancel_days_before": 0, "cancel_time": time(10, 1)},
    ],
)
def test_the_database_refuses_a_series_that_breaks_a_rule(values):
    series, _ = a_series()
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.filter(pk=series.pk).update(**values)


@pytest.mark.django_db
def test_the_database_takes_a_series_at_the_edge_of_its_rules():
    series, _ = a_series()
    Series.objects.filter(pk=series.pk).update(
        capacity=1, closes_time=time(10), cancel_days_before=0, cancel_time=time(10)
    )
    series.refresh_from_db()
    assert (series.capacity, series.closes_time, series.cancel_time) == (1, time(10), time(10))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, values",
    [
        (Session, {"capacity": -1}),
        (Session, {"capacity": 2, "seats_taken": 3}),
        (Session, {"children_capacity": 1, "children_taken": 2}),
        (Session, {"waitlist_limit": -1}),
        (Session, {"waitlist_taken": -1}),
        (Program, {"max_adults": 0}),
        (Program, {"max_children": -1}),
        (Program, {"waitlist_limit": -1}),
    ],
)
def test_the_database_refuses_a_session_or_programme_count_out_of_bounds(model, values):
    session = SessionFactory(capacity=5)
    row = session if model is Session else session.program
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**values)


@pytest.mark.django_db
@pytest.mark.parametrize("from_date", ["2027-01-01", "2027-02-01"])
def test_a_move_before_the_same_day_close_is_refused_with_400_before_the_database(from_date):
    """Moving to 09:00 a series whose registration closes at 09:30 that day is refused on the
    start, whether sessions are left to move (January) or none is (February)."""
    series, sessions = a_series()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(series.facility))}")
    answer = api.patch(
        f"/api/v1/series/{series.pk}/",
        {"from_date": from_date, "start_time": "09:00", "end_time": "10:00"},
        format="json",
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == "invalid"
    assert list(answer.json()["fields"]) == ["start_time"]
    series.refresh_from_db()
    assert series.start_time == time(10)
    assert {s.start.astimezone(TOKYO).hour for s in Session.objects.all()} == {10}


def tokyo(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), TOKYO)


ROW = {
    "capacity": 15,
    "weekdays": [3],
    "first_date": date(2027, 1, 1),
    "start_time": time(10),
    "closes_days_before": 1,
    "closes_time": time(17),
    "cancel_days_before": 1,
    "cancel_time": time(17),
}


@pytest.mark.parametrize(
    "changes, sessions, expected",
    [
        ({}, [], {}),
        # No seat: its latest session's seats if staff gave it some, else 1.
        ({"capacity": 0}, [(tokyo(date(2027, 1, 6), 10), 0)], {"capacity": 1}),
        ({"capacity": 0}, [], {"capacity": 1}),
        (
            {"capacity": 0},
            [(tokyo(date(2027, 1, 6), 10), 8), (tokyo(date(2027, 1, 13), 10), 0)],
            {"capacity": 8},
        ),
        # No weekday: the days its sessions fall on in Japan (00:30 JST is the day before in
        # UTC), else its first date's.
        (
            {"weekdays": []},
            [(tokyo(date(2027, 1, 6), 0).replace(minute=30).astimezone(ZoneInfo("UTC")), 5)],
            {"weekdays": [3]},
        ),
        ({"weekdays": []}, [], {"weekdays": [5]}),
        # Same-day windows ending after the start end at the start; the day before is fine.
        (
            {"closes_days_before": 0, "closes_time": time(11), "cancel_days_before": 0},
            [],
            {"closes_time": time(10), "cancel_time": time(10)},
        ),
        ({"cancel_days_before": 0, "cancel_time": time(10)}, [], {}),
    ],
)
def test_the_repair_mends_only_what_breaks_a_rule(changes, sessions, expected):
    assert MIGRATION.repaired({**ROW, **changes}, sessions) == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_old_rows_then_holds_the_rules():
    """Back at schedule/0002 a series could hold no seat; migrating mends it and leaves its
    sessions as they were (a capacity of 0 stays: staff open a session to bookings)."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        old_series, old_link = (old.get_model("schedule", n) for n in ("Series", "SeriesSession"))
        program, facility = ProgramFactory(), FacilityFactory()
        times = {f"{n}_time": time(17) for n in ("opens", "closes", "cancel")}
        rows = {
            name: old_series.objects.create(
                program_id=program.pk,
                facility_id=facility.pk,
                weekdays=[3],
                start_time=time(10),
                end_time=time(11),
                first_date=date(2027, 1, 1),
                last_date=date(2027, 1, 31),
                capacity=capacity,
                **times,
            )
            for name, capacity in (("closed", 0), ("given_seats", 0), ("fine", 12))
        }
        for name, capacities in (("closed", [0, 0]), ("given_seats", [6, 0])):
            for week, capacity in enumerate(capacities):
                start = tokyo(date(2027, 1, 6 + 7 * week), 10)
                session = SessionFactory(
                    program=program, facility=facility, start=start, capacity=capacity
                )
                old_link.objects.create(series_id=rows[name].pk, session_id=session.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([AFTER])
    capacities = dict(Series.objects.values_list("pk", "capacity"))
    assert [capacities[rows[n].pk] for n in ("closed", "given_seats", "fine")] == [1, 6, 12]
    assert sorted(Session.objects.values_list("capacity", flat=True)) == [0, 0, 0, 6]
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.filter(pk=rows["fine"].pk).update(capacity=0)
