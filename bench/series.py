"""Publishing a year of sessions from a series (issue 22): one request for ~100, and ~1,000.

The measurement runs in a child process with its own Django set-up and database (a throwaway
SQLite file ``var/bench-series.sqlite3``, or ``SERIES_BENCH_DATABASE_URL``, e.g.
``postgres://postgres@127.0.0.1:5432/kosodate_series_bench``).

Through Django's test client with a manager's token (routing, authentication, validation,
holidays, the clash check, the bulk inserts and the audit row included):

- 100: 年齢別 親子ふれあい遊び every Tuesday and Thursday for a year, one ``POST
  /api/v1/series/`` (holidays and 年末年始 skipped);
- 1,000: three daily series (10:00, 13:00, 15:00) for a year at one facility, one request each.

Each publish is timed (median of RUNS on a fresh facility) with its SQL queries; the preview
(``?dry_run=1``) is timed too. The bench fails when a big series needs more queries per
session than a small one.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta

from bench.common import child_database, run_child, setup_django

RUNS = 3
FIRST = date(2027, 4, 1)
LAST = FIRST.replace(year=FIRST.year + 1) - timedelta(days=1)


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_DEBUG"] = "0"
    env["LOG_LEVEL"] = "WARNING"
    child_database(env, "series", "SERIES_BENCH_DATABASE_URL")
    return run_child("bench.series", env, timeout=1800)


# --- child ---------------------------------------------------------------------------------


def _body(facility: str, weekdays: list[int], start: str, end: str) -> dict:
    return {
        "program": "bench-play",
        "facility": facility,
        "weekdays": weekdays,
        "start_time": start,
        "end_time": end,
        "first_date": FIRST.isoformat(),
        "last_date": LAST.isoformat(),
        "capacity": 15,
        "opens_rule": "previous_month_first",
    }


def _publish(api, bodies: list[dict], dry_run: bool = False) -> tuple[float, int, int]:
    """Seconds, SQL queries and sessions of publishing (or previewing) ``bodies``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v1/series/" + ("?dry_run=1" if dry_run else "")
    sessions = 0
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        for body in bodies:
            response = api.post(url, json.dumps(body), content_type="application/json")
            assert response.status_code == (200 if dry_run else 201), response.content[:500]
            answer = response.json()
            sessions += len(answer["dates"] if dry_run else answer["sessions"])
        seconds = time.perf_counter() - started
    return seconds, len(ctx.captured_queries), sessions


def _child() -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.services import api_token_create
    from events.models import Facility, Program, StaffMembership

    Program.objects.create(title="年齢別 親子ふれあい遊び", slug="bench-play")
    user = get_user_model().objects.create_user(username="bench-staff", password="x")
    token = api_token_create(user=user, label="bench").key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    counter = iter(range(10_000))

    def fresh_facility() -> str:
        slug = f"bench-ribbon-{next(counter)}"
        facility = Facility.objects.create(
            name="すこやか子育て交流館", slug=slug, city="鹿児島市", address="山下町15-1"
        )
        StaffMembership.objects.create(user=user, facility=facility, role="manager")
        return slug

    lines, failures, per_session = [], [], {}
    cases = [
        ("100 (Tue and Thu for a year, 1 request)", [([2, 4], "10:00", "11:00")]),
        (
            "1,000 (every day at 10, 13 and 15 for a year, 3 requests)",
            [
                ([1, 2, 3, 4, 5, 6, 7], "10:00", "11:00"),
                ([1, 2, 3, 4, 5, 6, 7], "13:00", "14:00"),
                ([1, 2, 3, 4, 5, 6, 7], "15:00", "16:00"),
            ],
        ),
    ]
    _publish(api, [_body(fresh_facility(), [1], "10:00", "11:00")])  # warm up
    for name, patterns in cases:
        for dry_run in (True, False):
            results = []
            for _ in range(RUNS):
                slug = fresh_facility()
                bodies = [_body(slug, days, start, end) for days, start, end in patterns]
                results.append(_publish(api, bodies, dry_run=dry_run))
            seconds = statistics.median(r[0] for r in results)
            queries, sessions = results[0][1], results[0][2]
            what = "preview" if dry_run else "publish"
            lines.append(
                f"{what} {name}: {sessions} sessions in {seconds * 1000:.0f} ms "
                f"({seconds / sessions * 1000:.2f} ms a session), {queries} queries "
                f"({queries / sessions:.3f} a session)"
            )
            if not dry_run:
                per_session[name] = queries / sessions
    small, big = per_session.values()
    if big > small:
        failures.append(f"{big:.3f} queries a session for 1,000 against {small:.3f} for 100")
    return {"lines": lines, "failures": failures}


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child()))
