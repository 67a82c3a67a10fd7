"""Which days a series falls on, and which of them a facility cannot hold it: pure rules.

Japanese public holidays come from the ``holidays`` package (振替休日 and 国民の休日 included,
named in Japanese, or in English on a page in English); 年末年始 (12/29-1/3) closes every
facility; staff add their own closed days (``ClosedDay``). Times are Asia/Tokyo, whatever the
server's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import get_language, pgettext_lazy

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YEAR_CLOSURE_NAME = pgettext_lazy("closed days", "New Year holidays")
MAX_SPAN_DAYS = 366


@lru_cache(maxsize=32)
def _holidays_of(year: int, language: str) -> dict[date, str]:
    return dict(holidays.Japan(years=year, language=language).items())


def holiday_name(day: date) -> str | None:
    """The name of the public holiday on a day (元日, 成人の日, 振替休日 ...), or None: in
    English on a page in English (Coming of Age Day), else in Japanese, the only other
    language the package names them in that the site speaks."""
    language = "en_US" if (get_language() or "").startswith("en") else "ja"
    return _holidays_of(day.year, language).get(day)


def in_new_year_closure(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def week_of_month(day: date) -> int:
    """1 for the first seven days of a month (the "first Wednesday"), up to 5."""
    return (day.day - 1) // 7 + 1


def pattern_dates(
    weekdays: Iterable[int], nth: Iterable[int], first: date, last: date
) -> list[date]:
    """Every day from ``first`` to ``last`` on one of the ISO ``weekdays``, and, when ``nth`` is
    given, in one of those weeks of its month (``nth=[2]`` with Wednesday: 第2水曜日)."""
    wanted_days, wanted_weeks = set(weekdays), set(nth)
    days = []
    day = first
    while day <= last:
        if day.isoweekday() in wanted_days and (
            not wanted_weeks or week_of_month(day) in wanted_weeks
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def tokyo(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TOKYO)


@dataclass(frozen=True)
class RegistrationRule:
    """When registration opens and closes and cancelling ends, relative to each session."""

    opens_previous_month_first: bool
    opens_days_before: int
    opens_time: time
    closes_days_before: int
    closes_time: time
    cancel_days_before: int
    cancel_time: time

    def windows(self, day: date) -> tuple[datetime, datetime, datetime]:
        """(registration opens, registration closes, cancellation deadline) for a day."""
        if self.opens_previous_month_first:
            month_start = day.replace(day=1)
            opens_day = (month_start - timedelta(days=1)).replace(day=1)
        else:
            opens_day = day - timedelta(days=self.opens_days_before)
        return (
            tokyo(opens_day, self.opens_time),
            tokyo(day - timedelta(days=self.closes_days_before), self.closes_time),
            tokyo(day - timedelta(days=self.cancel_days_before), self.cancel_time),
        )
