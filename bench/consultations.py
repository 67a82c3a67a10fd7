"""Slot search for consultations (issue 24): the free times of a month, as a parent's phone
asks for them, with 1 and with 10 counsellors behind one consultation type.

The measurement runs in a child process with its own Django set-up and database (a throwaway
SQLite file ``var/bench-consultations.sqlite3``, or ``CONSULTATIONS_BENCH_DATABASE_URL``, e.g.
``postgres://postgres@127.0.0.1:5432/kosodate_consultations_bench``).

Through Django's test client (routing, the lead-time window, holidays and closed days, the
counsellors' weekly hours and exceptions, what is already held, serialisation):
``GET /api/v1/consultations/<slug>/slots/?from=…&to=…`` over 31 days, each counsellor with
Tue/Thu/Sat hours and a quarter of their slots already booked. Timed as the median of RUNS,
with its SQL queries. The bench fails when 10 counsellors need more queries than one: a
search must not read per counsellor or per day.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import time as clock
from datetime import timedelta

from bench.common import child_database, run_child, setup_django

RUNS = 7
DAYS = 31
HOURS = {1: [(clock(10), clock(12)), (clock(13), clock(16))], 3: [(clock(10), clock(16))]}
HOURS[5] = [(clock(10), clock(12))]


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_DEBUG"] = "0"
    env["LOG_LEVEL"] = "WARNING"
    child_database(env, "consultations", "CONSULTATIONS_BENCH_DATABASE_URL")
    return run_child("bench.consultations", env, timeout=900)


# --- child ---------------------------------------------------------------------------------


def _consultation(slug: str, counsellors: int) -> tuple[str, int]:
    """A consultation type with ``counsellors`` counsellors; a quarter of their slots held.
    Returns the type's slug and how many appointments were booked."""
    from django.utils import timezone

    from consultations import selectors, services
    from consultations.models import AvailabilityWindow, ConsultationType, Counsellor
    from events.models import Facility

    facility = Facility.objects.create(
        name="すこやか子育て交流館", slug=f"{slug}-hall", city="鹿児島市", address="山下町15-1"
    )
    kind = ConsultationType.objects.create(
        facility=facility,
        slug=slug,
        title="子育てコンシェルジュ相談",
        minutes=45,
        buffer_minutes=15,
        opens_days_ahead=1,
        closes_weeks_ahead=8,
        topics=["子育ての不安", "その他"],
    )
    for n in range(counsellors):
        person = Counsellor.objects.create(facility=facility, display_name=f"相談員{n + 1}")
        for weekday, windows in HOURS.items():
            for start, end in windows:
                AvailabilityWindow.objects.create(
                    counsellor=person, weekday=weekday, start_time=start, end_time=end
                )
        kind.counsellors.add(person)
    first = timezone.localdate() + timedelta(days=2)
    free = selectors.free_slots(kind, first=first, last=first + timedelta(days=DAYS - 1))
    booked = 0
    for day in sorted(free):
        for index, slot in enumerate(free[day]):
            if index % 4 == 0:
                family = services.Family(name="鹿児島 花子", email=f"f{booked}@example.jp")
                services.appointment_book(kind=kind, start=slot.start, family=family)
                booked += 1
    return slug, booked


def _search(api, slug: str) -> tuple[float, int, int]:
    """Seconds, SQL queries and free slots of one month's search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    first = timezone.localdate() + timedelta(days=2)
    last = first + timedelta(days=DAYS - 1)
    url = f"/api/v1/consultations/{slug}/slots/?from={first}&to={last}"
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = api.get(url)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.content[:500]
    return seconds, len(ctx.captured_queries), len(response.json())


def _child() -> dict:
    setup_django()
    from django.test import Client

    api = Client()
    lines, failures, queries = [], [], {}
    for counsellors in (1, 10):
        slug, booked = _consultation(f"bench-concierge-{counsellors}", counsellors)
        _search(api, slug)  # warm up
        results = [_search(api, slug) for _ in range(RUNS)]
        seconds = statistics.median(r[0] for r in results)
        queries[counsellors] = results[0][1]
        lines.append(
            f"a month's slots, {counsellors} counsellor(s), {booked} already booked: "
            f"{results[0][2]} free slots in {seconds * 1000:.1f} ms, {results[0][1]} queries"
        )
    if queries[10] > queries[1]:
        failures.append(f"{queries[10]} queries for 10 counsellors against {queries[1]} for 1")
    lines.append(f"queries 10 counsellors / 1 counsellor: {queries[10]} / {queries[1]}")
    return {"lines": lines, "failures": failures}


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child()))
