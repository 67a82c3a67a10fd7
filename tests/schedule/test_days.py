"""The pure rules of a series: which days a pattern falls on, which are holidays or closed,
and registration windows computed in Japan time whatever the server's time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from schedule.days import (
    RegistrationRule,
    holiday_name,
    in_new_year_closure,
    pattern_dates,
    week_of_month,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    "day, name",
    [
        (date(2027, 1, 1), "元日"),
        (date(2027, 1, 11), "成人の日"),
        (date(2026, 5, 6), "振替休日"),  # 憲法記念日 fell on a Sunday
        (date(2027, 3, 22), "振替休日"),  # 春分の日 fell on a Sunday
        (date(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
        (date(2027, 1, 12), None),
    ],
)
def test_public_holidays_have_their_japanese_names(day, name):
    assert holiday_name(day) == name


def test_the_new_year_closure_runs_from_29_december_to_3_january():
    closed = [
        d
        for d in pattern_dates(range(1, 8), [], date(2026, 12, 27), date(2027, 1, 5))
        if in_new_year_closure(d)
    ]
    assert closed == [date(2026, 12, d) for d in (29, 30, 31)] + [
        date(2027, 1, d) for d in (1, 2, 3)
    ]


def test_nth_weekday_patterns():
    # The second and fourth Saturday of each month, over a quarter.
    days = pattern_dates([6], [2, 4], date(2027, 1, 1), date(2027, 3, 31))
    assert days == [
        date(2027, 1, 9),
        date(2027, 1, 23),
        date(2027, 2, 13),
        date(2027, 2, 27),
        date(2027, 3, 13),
        date(2027, 3, 27),
    ]
    assert [week_of_month(date(2027, 3, d)) for d in (1, 7, 8, 29, 31)] == [1, 1, 2, 5, 5]


@pytest.mark.parametrize("server_zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo"])
def test_registration_windows_are_in_japan_time_whatever_the_server_zone(settings, server_zone):
    settings.TIME_ZONE = server_zone
    rule = RegistrationRule(
        opens_previous_month_first=False,
        opens_days_before=14,
        opens_time=time(9),
        closes_days_before=1,
        closes_time=time(17),
        cancel_days_before=1,
        cancel_time=time(17),
    )
    opens, closes, deadline = rule.windows(date(2027, 1, 4))
    assert opens == datetime(2026, 12, 21, 9, tzinfo=TOKYO)
    assert opens.astimezone(ZoneInfo("UTC")) == datetime(2026, 12, 21, 0, tzinfo=ZoneInfo("UTC"))
    assert closes == deadline == datetime(2027, 1, 3, 17, tzinfo=TOKYO)
    monthly = RegistrationRule(True, 0, time(9), 1, time(17), 1, time(17))
    # A session in January opens on 1 December at 9:00 (Japan), across the year.
    assert monthly.windows(date(2027, 1, 31))[0] == datetime(2026, 12, 1, 9, tzinfo=TOKYO)
    assert monthly.windows(date(2027, 3, 1))[0] == datetime(2027, 2, 1, 9, tzinfo=TOKYO)
