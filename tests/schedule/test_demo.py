"""The demo's monthly programme is published through series, around real holidays."""

from __future__ import annotations

from datetime import date

import pytest

from demo.load import load_demo
from demo.series import demo_series_load
from events.models import Session
from schedule.days import holiday_name, in_new_year_closure, pattern_dates
from schedule.models import Series

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_two_months_through_series_skipping_holidays_and_once_only():
    today = date(2026, 12, 5)
    load_demo(today=today)
    created = demo_series_load(today=today)
    assert created["series"] == 2
    weekly = Series.objects.get(program__slug="fureai-0-1", facility__slug="tsudoi-higashi")
    assert (weekly.first_date, weekly.last_date) == (date(2027, 1, 1), date(2027, 2, 28))
    days = sorted(s.start.date() for s in Session.objects.filter(series_link__series=weekly))
    pattern = pattern_dates([1, 4], [], weekly.first_date, weekly.last_date)
    # 成人の日 (Monday 11 January) and 建国記念の日 (Thursday 11 February) are left out.
    assert date(2027, 1, 11) in pattern and date(2027, 1, 11) not in days
    assert date(2027, 2, 11) in pattern and date(2027, 2, 11) not in days
    assert days == [d for d in pattern if not holiday_name(d) and not in_new_year_closure(d)]
    bookstart = Series.objects.get(program__slug="bookstart")
    assert sorted(
        s.start.date() for s in Session.objects.filter(series_link__series=bookstart)
    ) == [
        date(2027, 1, 13),
        date(2027, 2, 10),
    ]
    assert demo_series_load(today=today) == {"series": 0, "series_sessions": 0}
