"""Days a facility takes no consultations beyond Japan's public holidays.

A facility's own closed days (``schedule.ClosedDay``) and 年末年始 belong to the schedule app,
which sits above this one: this app cannot import it. The schedule registers a reader at
start-up (``ScheduleConfig.ready``), as the consultations app registers its email kinds with
notifications; free slots ask every registered reader once per search (one query, whatever the
range). Without a reader (an installation without the schedule app), only public holidays and a
counsellor's days off close a day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

# reader(facility_ids, first, last) -> {(facility_id, date), ...}
ClosedDatesReader = Callable[[Iterable[int], date, date], set[tuple[int, date]]]

READERS: dict[str, ClosedDatesReader] = {}


def register_closed_dates(name: str, reader: ClosedDatesReader) -> None:
    """Register a reader of closed days under a name (registering again replaces it)."""
    READERS[name] = reader


def closed_dates(facility_ids: Iterable[int], first: date, last: date) -> set[tuple[int, date]]:
    """Return the (facility, date) pairs closed from ``first`` to ``last``, by every reader."""
    ids = sorted(set(facility_ids))
    closed: set[tuple[int, date]] = set()
    if not ids:
        return closed
    for reader in READERS.values():
        closed |= reader(ids, first, last)
    return closed
