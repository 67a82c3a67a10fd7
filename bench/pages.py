"""The parents' sessions list (the home page) with 500 upcoming sessions: requests/s and size.

The measurement runs in a child process with its own Django set-up and a throwaway database:

- database: a SQLite file ``var/bench-pages.sqlite3``, or with ``PAGES_BENCH_DATABASE_URL``
  (e.g. ``postgres://postgres@127.0.0.1:5432/kosodate_pages_bench``) that database, created if
  missing and flushed;
- 500 upcoming sessions over 5 facilities and 8 programmes, some nearly full, some full with a
  waiting list, some by lottery, so that every badge is drawn.

Figures:

- Django test client, in process, one thread: the list page (first page of 20), a filtered
  list, and the floor: ``/api/v1/ping/``, a DRF view that does no database work. The list's
  requests/s are also given as a ratio of the floor's;
- gunicorn (2 sync workers, as deployed) on a free local port, driven by 4 client threads over
  keep-alive connections for a few seconds: the list page and the floor again;
- the list page's size (HTML plus the one stylesheet, uncompressed and gzipped) and its query
  count, which must not depend on the number of sessions.

The page cache is off (``PAGES_CACHE_SECONDS=0``): every request renders the list, as the
first one after the cached copy expires does. Checks: the page (HTML + CSS) is under 100 KB, and
it costs the same queries with 50 and with 500 sessions.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import child_database, run_child, setup_django

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 500
BUDGET_BYTES = 100 * 1024
CLIENT_REQUESTS = 300
HTTP_SECONDS = 4.0
HTTP_THREADS = 4


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_DEBUG"] = "0"
    env["API_THROTTLE"] = "off"
    env["LOG_LEVEL"] = "WARNING"
    env.pop("REDIS_URL", None)
    # Every request renders the page: what the list costs once a second, when its cached copy
    # ends (the rush bench measures the cache itself, PAGES_CACHE_SECONDS).
    env["PAGES_CACHE_SECONDS"] = "0"
    child_database(env, "pages", "PAGES_BENCH_DATABASE_URL")
    return run_child("bench.pages", env, timeout=1200)


# --- child ---------------------------------------------------------------------------------


def _catalogue() -> tuple[list, list]:
    from events.models import Audience, BookingMode, Facility, Program

    facilities = [
        Facility.objects.create(
            name=f"地域子育て支援センター（{name}）",
            name_en=f"Child-care support centre ({name})",
            slug=f"centre-{i}",
            city="鹿児島市",
            address="鹿児島県鹿児島市山下町15-1",
        )
        for i, name in enumerate(["中央", "東", "西", "南", "北"])
    ]
    titles = [
        ("親子ふれあい遊び（0〜1歳）", Audience.PARENTS_AGE_BAND, BookingMode.FIRST_COME),
        ("マタニティ交流会", Audience.EXPECTANT_PARENTS, BookingMode.FIRST_COME),
        ("まつさかスマイルパパ講座", Audience.FATHERS, BookingMode.FIRST_COME),
        ("イクボスセミナー", Audience.MEMBER_MANAGERS, BookingMode.FIRST_COME),
        ("離乳食教室", Audience.ANYONE, BookingMode.FIRST_COME),
        ("ブックスタート", Audience.ANYONE, BookingMode.FIRST_COME),
        ("ベビーマッサージ", Audience.ANYONE, BookingMode.LOTTERY),
        ("しごと相談カフェ", Audience.ANYONE, BookingMode.FIRST_COME),
    ]
    programs = [
        Program.objects.create(title=t, slug=f"program-{i}", audience=a, booking_mode=m)
        for i, (t, a, m) in enumerate(titles)
    ]
    return facilities, programs


def _populate(count: int, facilities: list, programs: list) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Session

    existing = Session.objects.count()
    now = timezone.now().replace(second=0, microsecond=0)
    sessions = []
    for n in range(existing, existing + count):
        start = now + timedelta(days=1 + n // 6, hours=n % 6)
        capacity = 20
        taken = [0, 5, 18, 20][n % 4]
        sessions.append(
            Session(
                program=programs[n % len(programs)],
                facility=facilities[n % len(facilities)],
                start=start,
                end=start + timedelta(minutes=90),
                capacity=capacity,
                seats_taken=taken,
                registration_opens=now - timedelta(days=1),
                registration_closes=start - timedelta(hours=1),
                cancellation_deadline=start - timedelta(hours=1),
            )
        )
    Session.objects.bulk_create(sessions, batch_size=500)


def _client_rate(client, path: str, requests: int) -> float:
    for _ in range(20):
        assert client.get(path).status_code == 200
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(requests // 3):
            client.get(path)
        timings.append((requests // 3) / (time.perf_counter() - started))
    return statistics.median(timings)


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http_rate(port: int, path: str) -> tuple[float, int]:
    """Requests/s for HTTP_SECONDS over keep-alive connections from HTTP_THREADS threads."""
    done = [0] * HTTP_THREADS
    errors = [0] * HTTP_THREADS
    stop = time.monotonic() + HTTP_SECONDS

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers={"Accept-Language": "ja"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(HTTP_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def _gunicorn(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/ping/")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def _child() -> dict:
    setup_django()
    from django.contrib.staticfiles import finders
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets CaptureQueriesContext see queries without DEBUG
    failures: list[str] = []
    lines: list[str] = []
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")

    facilities, programs = _catalogue()
    _populate(SESSIONS // 10, facilities, programs)
    queries_small = _queries(client, "/")
    _populate(SESSIONS - SESSIONS // 10, facilities, programs)
    queries = _queries(client, "/")
    if queries != queries_small:
        failures.append(f"queries grow with sessions: {queries_small} -> {queries}")

    body = client.get("/").content
    css = Path(finders.find("css/site.css")).read_bytes()
    size = len(body) + len(css)
    gz = len(gzip.compress(body)) + len(gzip.compress(css))
    if size >= BUDGET_BYTES:
        failures.append(f"list page weighs {size / 1024:.1f} KB (budget 100 KB)")
    from events.models import Session

    upcoming = Session.objects.count()
    lines.append(
        f"list page with {upcoming} upcoming sessions: {len(body) / 1024:.1f} KB HTML + "
        f"{len(css) / 1024:.1f} KB CSS = {size / 1024:.1f} KB ({gz / 1024:.1f} KB gzipped), "
        f"{queries} queries (same with {SESSIONS // 10} sessions)"
    )

    floor = _client_rate(client, "/api/v1/ping/", CLIENT_REQUESTS)
    listing = _client_rate(client, "/", CLIENT_REQUESTS)
    filtered = _client_rate(client, "/?audience=anyone&has_seats=1", CLIENT_REQUESTS)
    lines.append(
        f"test client, 1 thread: list {listing:.0f} req/s ({listing / floor:.2f} x floor), "
        f"filtered list {filtered:.0f} req/s, floor /api/v1/ping/ {floor:.0f} req/s"
    )

    from django.db import connections

    connections.close_all()
    port = _free_port()
    server = _gunicorn(port)
    try:
        _http_rate(port, "/")  # warm both workers
        floor_http, floor_errors = _http_rate(port, "/api/v1/ping/")
        list_http, list_errors = _http_rate(port, "/")
    finally:
        server.terminate()
        server.wait(10)
    if list_errors or floor_errors:
        failures.append(f"HTTP errors: list {list_errors}, floor {floor_errors}")
    lines.append(
        f"gunicorn 2 workers, {HTTP_THREADS} client threads: list {list_http:.0f} req/s "
        f"({list_http / floor_http:.2f} x floor), floor {floor_http:.0f} req/s"
    )
    return {"lines": lines, "failures": failures}


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_child()))
    else:
        for line in run():
            print(line)
