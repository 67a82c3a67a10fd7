"""When the demo's sessions are held: inside the centres' opening hours, and never on a day the
schedule says a facility is closed (its own closed days and 年末年始, ``schedule.closed_days``)
or on a public holiday, the days a series skips.

A session of the catalogue whose day is closed moves on a week (to the same weekday), and a
course's later sessions move with it, so that a course keeps its four sessions in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from events.models import Facility
from schedule.closed_days import closed_dates
from schedule.days import holiday_name

# 子育て支援センター open 9:00 to 17:00: every demo session starts and ends inside these hours.
OPENS = time(9)
CLOSES = time(17)
# How far a closed day may push a session (weeks) before the demo leaves it out.
MOST_WEEKS_MOVED = 8


class Closures:
    """The closed days of some facilities over a span of days, read in one query."""

    def __init__(self, facilities: Iterable[Facility], first: date, last: date) -> None:
        self.closed = closed_dates([f.pk for f in facilities], first, last)

    def shut(self, facility: Facility, day: date) -> bool:
        return (facility.pk, day) in self.closed or holiday_name(day) is not None


def session_days(specs, anchor: date, facilities: dict[str, Facility]) -> list[date | None]:
    """The day of each ``demo.data.DemoSession`` (its week and weekday from ``anchor``), moved a
    week on while its facility is closed or its programme is held there that day already;
    None for one that found no open day within ``MOST_WEEKS_MOVED`` weeks."""
    specs = list(specs)
    last_week = max((s.week for s in specs), default=0) + MOST_WEEKS_MOVED * 2
    closures = Closures(facilities.values(), anchor, anchor + timedelta(weeks=last_week + 1))
    course_moved: dict[str, int] = {}
    taken: set[tuple[str, str, date]] = set()
    days: list[date | None] = []
    for spec in specs:
        week = spec.week + course_moved.get(spec.course or "", 0)
        day = anchor + timedelta(weeks=week, days=spec.weekday)
        for _tries in range(MOST_WEEKS_MOVED):
            if not closures.shut(facilities[spec.facility], day) and (
                (spec.program, spec.facility, day) not in taken
            ):
                break
            day += timedelta(weeks=1)
        else:
            days.append(None)
            continue
        if spec.course:
            course_moved[spec.course] = (day - anchor).days // 7 - spec.week
        taken.add((spec.program, spec.facility, day))
        days.append(day)
    return days
