"""Staff tools at size: a roster of 500 parties (page, API, CSV), a year of 5,000 sessions, and
the search for a reservation among their 15,500 parties (one found, and a family name found in
1,500 of which 30 are shown).

The measurement runs in a child process with its own Django set-up and database, so that it
does not depend on what other benchmark modules configured in this process:

- database: a throwaway SQLite file ``var/bench-staff.sqlite3``, or with
  ``STAFF_BENCH_DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/kosodate_staff_bench``)
  that database, created if missing and flushed.

Every figure is the median of several requests through Django's test client (URL routing,
middleware, authentication, permission checks and rendering included), with the number of SQL
queries the request ran. The floor is GET /api/v1/ping/ (DRF with no database work) on the
same client. The bench fails when a big roster or a big year needs more queries than a small
one: the query count must not grow with the data.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import child_database, run_child, setup_django

ROOT = Path(__file__).resolve().parent.parent
PARTIES = 500
SESSIONS = 5000
RUNS = 7


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_DEBUG"] = "0"
    child_database(env, "staff", "STAFF_BENCH_DATABASE_URL")
    return run_child("bench.staff", env, timeout=1800)


# --- child ---------------------------------------------------------------------------------


def _populate() -> dict:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.services import api_token_create
    from events.models import Facility, Program, Session, StaffMembership
    from staffdesk.selectors import fiscal_year_of
    from tests.staff.bulk import roster_of, year_of_sessions

    facilities = [
        Facility.objects.create(
            name=name, slug=f"bench-{i}", city="鹿児島市", address="鹿児島県鹿児島市山下町15-1"
        )
        for i, name in enumerate(
            ["すこやか子育て交流館", "親子つどいの広場 東", "親子つどいの広場 西", "児童センター"]
        )
    ]
    small_facility = Facility.objects.create(
        name="地域子育て支援センター", slug="bench-small", city="鹿児島市", address="山下町"
    )
    programs = [
        Program.objects.create(title=title, slug=f"bench-program-{i}")
        for i, title in enumerate(
            [
                "親子ふれあい遊び",
                "マタニティ教室",
                "離乳食教室",
                "ブックスタート",
                "しごと相談カフェ",
            ]
        )
    ]
    user = get_user_model().objects.create_user(username="bench-staff", password="x")
    for f in [*facilities, small_facility]:
        StaffMembership.objects.create(user=user, facility=f, role="manager")
    token = api_token_create(user=user, label="bench").key
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)

    def session(capacity: int) -> Session:
        return Session.objects.create(
            program=programs[0],
            facility=facilities[0],
            start=start,
            end=start + timedelta(hours=2),
            capacity=capacity,
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )

    small, big = session(20), session(2000)
    roster_of(small, 5, seed=1)
    roster_of(big, PARTIES, seed=2)
    fy = fiscal_year_of(timezone.localdate()) - 1
    year_of_sessions([small_facility], programs[:1], fiscal_year=fy, sessions=20, seed=3)
    year_of_sessions(facilities, programs, fiscal_year=fy, sessions=SESSIONS, seed=4)
    from booking.models import Reservation

    return {
        "user": user,
        "token": token,
        "small": small.pk,
        "big": big.pk,
        "fy": fy,
        "parties": Reservation.objects.count(),
        "one_email": Reservation.objects.filter(email__startswith="y-").first().email,
    }


def _measure(call) -> tuple[float, int]:
    """Median seconds of ``call`` over RUNS, and the SQL queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        call()
    return statistics.median(times), len(ctx.captured_queries)


def _child() -> dict:
    setup_django()
    from django.test import Client

    data = _populate()
    api = Client(HTTP_AUTHORIZATION=f"Token {data['token']}")
    page = Client()
    page.force_login(data["user"])
    fy = data["fy"]
    floor, _ = _measure(lambda: api.get("/api/v1/ping/"))
    lines = [f"floor GET /api/v1/ping/: {floor * 1000:.1f} ms"]
    failures = []
    cases = [
        ("roster API", api, "/api/v1/sessions/{pk}/roster/", "session"),
        ("roster CSV", api, "/api/v1/sessions/{pk}/roster/?format=csv", "session"),
        ("roster page", page, "/staff/sessions/{pk}/", "session"),
        ("print page", page, "/staff/sessions/{pk}/print/", "session"),
        ("report API", api, f"/api/v1/staff/report/?fiscal_year={fy}{{facility}}", "year"),
        (
            "report CSV",
            api,
            f"/api/v1/staff/report/?fiscal_year={fy}&format=csv{{facility}}",
            "year",
        ),
        ("report page", page, f"/staff/report/?fiscal_year={fy}{{facility}}", "year"),
        ("search API", api, "/api/v1/staff/reservations/?q={q}", "search"),
        ("search page", page, "/staff/reservations/?q={q}", "search"),
    ]
    for name, client, url, kind in cases:
        if kind == "session":
            small_url, big_url = url.format(pk=data["small"]), url.format(pk=data["big"])
            size = f"{PARTIES} parties"
        elif kind == "search":
            # One party by its email address, and a family name every tenth party has.
            small_url, big_url = url.format(q=data["one_email"]), url.format(q="佐藤")
            size = f"{data['parties']} parties"
        else:
            small_url, big_url = (
                url.format(facility="&facility=bench-small"),
                url.format(facility=""),
            )
            size = f"{SESSIONS} sessions"
        _, small_queries = _measure(lambda u=small_url, c=client: c.get(u))
        seconds, queries = _measure(lambda u=big_url, c=client: c.get(u))
        lines.append(
            f"{name} ({size}): {seconds * 1000:.0f} ms = {seconds / floor:.0f} x floor, "
            f"{queries} queries (small: {small_queries})"
        )
        if queries > small_queries:
            failures.append(f"{name}: {queries} queries for {size}, {small_queries} when small")
    return {"lines": lines, "failures": failures}


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child()))
