"""The demo's monthly programme, published as staff publish it: through series.

Next month and the one after: 年齢別 親子ふれあい遊び every Monday and Thursday at 親子つどいの
広場 東 (registration on the 1st of the month before at 9:00), and ブックスタート on the second
Wednesday at りぼんかん. Any two months hold a public holiday or 年末年始 but June's, so the
preview's skipped days show in the staff's month view and on the printed calendar. Loading
again finds each series by its programme, facility and first day and publishes nothing.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from demo.history import desk_user
from events.models import Facility, Program
from schedule.models import OpensRule, Series
from schedule.services import SeriesPattern, series_publish

DEMO_SERIES = [
    # program, facility, ISO weekdays, weeks of the month, start, end, capacity, children
    ("fureai-0-1", "tsudoi-higashi", [1, 4], [], time(10, 30), time(11, 30), 10, 10),
    ("bookstart", "ribbonkan", [3], [2], time(10), time(10, 45), 15, None),
]


def first_of_next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


@transaction.atomic
def demo_series_load(today: date | None = None) -> dict[str, int]:
    """Publish the demo's series for the next two months; return the rows created."""
    today = today or timezone.localdate()
    first = first_of_next_month(today)
    last = first_of_next_month(first_of_next_month(first)) - timedelta(days=1)
    programs = {p.slug: p for p in Program.objects.filter(slug__in={s[0] for s in DEMO_SERIES})}
    facilities = {f.slug: f for f in Facility.objects.filter(slug__in={s[1] for s in DEMO_SERIES})}
    created = {"series": 0, "series_sessions": 0}
    by = desk_user()
    for slug, facility, weekdays, nth, start, end, capacity, children in DEMO_SERIES:
        if slug not in programs or facility not in facilities:
            continue
        if Series.objects.filter(
            program=programs[slug], facility=facilities[facility], first_date=first
        ).exists():
            continue
        pattern = SeriesPattern(
            program=programs[slug],
            facility=facilities[facility],
            weekdays=weekdays,
            nth=nth,
            start_time=start,
            end_time=end,
            first_date=first,
            last_date=last,
            capacity=capacity,
            children_capacity=children,
            opens_rule=OpensRule.PREVIOUS_MONTH_FIRST,
            opens_time=time(9),
        )
        _series, sessions = series_publish(pattern, by=by)
        created["series"] += 1
        created["series_sessions"] += len(sessions)
    return created
