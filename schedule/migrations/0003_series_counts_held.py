"""Hold a series' rules in the database: a seat at least, a day of the week, and windows that
close no later than the start on the day itself (what ``schedule.services`` refuses already).

Before the CHECKs, ``repair_series`` mends the rows that would break them. A series row records
the pattern its sessions were published from (and the last change made through it); the
session rows are the truth, and this migration never touches them:

* capacity 0 (published before the service refused it): the capacity of its latest session
  that has a seat, as staff may since have given them seats at the desk; 1 if none has. Its
  sessions keep their capacity, 0 included (closed to bookings, legal for a session), until
  staff change them; nothing opens to bookings by itself.
* no weekday: the weekdays (Japan time) its sessions fall on; the first date's if it has none.
* a same-day registration or cancellation window ending after the start (a later move to an
  earlier time with no session left to move): it ends at the start.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations, models

JAPAN = ZoneInfo("Asia/Tokyo")


def repaired(row: dict[str, Any], sessions: list[tuple[datetime, int]]) -> dict[str, Any]:
    """The values to change on one series row, given its sessions' (start, capacity) in order
    of start; empty when the row breaks no rule."""
    changes: dict[str, Any] = {}
    if row["capacity"] < 1:
        with_seats = [capacity for _, capacity in sessions if capacity >= 1]
        changes["capacity"] = with_seats[-1] if with_seats else 1
    if not row["weekdays"]:
        days = {start.astimezone(JAPAN).isoweekday() for start, _ in sessions}
        first: date = row["first_date"]
        changes["weekdays"] = sorted(days) if days else [first.isoweekday()]
    start: time = row["start_time"]
    for days_field, time_field in (
        ("closes_days_before", "closes_time"),
        ("cancel_days_before", "cancel_time"),
    ):
        if row[days_field] == 0 and row[time_field] > start:
            changes[time_field] = start
    return changes


def repair_series(apps, schema_editor) -> None:
    """Mend the series rows that the CHECKs added next would refuse (see the module's text)."""
    series_model = apps.get_model("schedule", "Series")
    link_model = apps.get_model("schedule", "SeriesSession")
    broken = series_model.objects.filter(
        models.Q(capacity__lt=1)
        | models.Q(weekdays=[])
        | models.Q(closes_days_before=0, closes_time__gt=models.F("start_time"))
        | models.Q(cancel_days_before=0, cancel_time__gt=models.F("start_time"))
    )
    for series in broken:
        links = link_model.objects.filter(series=series).order_by("session__start")
        sessions = list(links.values_list("session__start", "session__capacity"))
        row = {field.attname: getattr(series, field.attname) for field in series._meta.fields}
        changes = repaired(row, sessions)
        if changes:
            series_model.objects.filter(pk=series.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0002_admin_verbose_names"),
    ]

    operations = [
        migrations.RunPython(repair_series, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.CheckConstraint(
                condition=models.Q(("capacity__gte", 1)), name="series_capacity_min"
            ),
        ),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.CheckConstraint(
                condition=models.Q(("weekdays", []), _negated=True), name="series_has_weekdays"
            ),
        ),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("closes_days_before__gt", 0),
                    ("closes_time__lte", models.F("start_time")),
                    _connector="OR",
                ),
                name="series_closes_before_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancel_days_before__gt", 0),
                    ("cancel_time__lte", models.F("start_time")),
                    _connector="OR",
                ),
                name="series_cancel_by_start",
            ),
        ),
    ]
