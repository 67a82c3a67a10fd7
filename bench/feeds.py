"""A facility feed of 2,000 sessions: full render, cached, 304, against icalendar alone.

The measurement runs in a child process with its own Django set-up and database, so that it
does not depend on what other benchmark modules configured in this process:

- database: a throwaway SQLite file ``var/bench-feeds.sqlite3``, or with
  ``FEEDS_BENCH_DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/kosodate_feeds_bench``)
  that database, created if missing and flushed;
- cache: Redis when ``REDIS_URL`` is set, local memory otherwise (as the site).

Figures (median of several runs, through Django's test client, so URL routing, middleware,
the validator query, the session query and the cache are all included):

- full render: the cache emptied before each request;
- cached: the body from the cache (validator query + cache read);
- 304: a matching ``If-None-Match``;
- floor: the same calendar built and serialised with icalendar alone from data already in
  memory; the bench checks that its bytes equal the feed's, so both did the same work.

Targets: full render <= 1.5 x floor; 304 >= 20 x faster than the full render.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import child_database, run_child, setup_django

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 2000
RUNS = 9
FULL_RENDER_MAX_RATIO = 1.5
NOT_MODIFIED_MIN_SPEEDUP = 20.0


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_DEBUG"] = "0"
    # Our own cache keys, so emptying "the cache" never touches what else lives in Redis.
    env["CACHE_KEY_PREFIX"] = f"feeds-bench-{os.getpid()}"
    child_database(env, "feeds", "FEEDS_BENCH_DATABASE_URL")
    return run_child("bench.feeds", env, timeout=1800)


# --- child ---------------------------------------------------------------------------------


def _populate():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from events.models import Facility, Program, Session, SessionStatus

    facility = Facility.objects.create(
        name="すこやか子育て交流館（りぼんかん）",
        slug="ribbon",
        city="鹿児島市",
        address="鹿児島県鹿児島市山下町15-1 みなと大通り別館",
        access="市電「朝日通」電停から徒歩3分。駐車場はありません。",
        phone="099-000-0000",
        latitude=Decimal("31.594300"),
        longitude=Decimal("130.556700"),
    )
    programs = [
        Program.objects.create(
            title=title,
            slug=f"program-{i}",
            what_to_bring="バスタオル、着替え、飲み物、母子健康手帳" if i % 2 else "",
        )
        for i, title in enumerate(
            ["親子ふれあい遊び（0〜1歳）", "マタニティ教室", "離乳食教室", "ブックスタート"]
        )
    ]
    now = timezone.now().replace(second=0, microsecond=0)
    sessions = []
    for i in range(SESSIONS):
        start = now + timedelta(days=i // 4 - 60, hours=i % 4 * 2)
        cancelled = i % 97 == 0
        sessions.append(
            Session(
                program=programs[i % len(programs)],
                facility=facility,
                title="" if i % 3 else f"特別回 第{i}回：季節のおはなし会と手遊び",
                start=start,
                end=start + timedelta(minutes=90),
                capacity=20,
                registration_opens=start - timedelta(days=30),
                registration_closes=start - timedelta(hours=1),
                cancellation_deadline=start - timedelta(hours=1),
                status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
                cancel_reason="講師の都合により中止します。" if cancelled else "",
                sequence=i % 3,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=500)
    return facility


def _floor_data(facility_slug: str) -> tuple[dict, list[dict]]:
    """Read the feed's content into plain Python values (not timed)."""
    from datetime import UTC

    from django.conf import settings
    from django.db.models import Q
    from icalendar import Timezone

    from calendars import feeds
    from events.models import Facility

    facility = Facility.objects.get(slug=facility_slug)
    day = feeds.feed_day()
    sessions = list(feeds.feed_sessions(Q(facility_id=facility.pk), day=day))
    site = settings.SITE_URL
    domain = settings.CALENDAR_UID_DOMAIN
    rows = []
    for s in sessions:
        url = f"{site}/sessions/{s.pk}/"
        parts = []
        if s.status == "cancelled" and s.cancel_reason:
            parts.append(f"中止の理由：{s.cancel_reason}")
        if s.program.what_to_bring:
            parts.append(f"持ち物：{s.program.what_to_bring}")
        if s.facility.access:
            parts.append(f"アクセス：{s.facility.access}")
        parts.append(f"詳細：{url}")
        title = s.title or s.program.title
        rows.append(
            {
                "uid": f"session-{s.pk}@{domain}",
                "updated": s.updated_at.astimezone(UTC).replace(microsecond=0),
                "created": s.created_at.astimezone(UTC).replace(microsecond=0),
                "sequence": s.sequence,
                "start": s.start.astimezone(feeds.calendar.TOKYO),
                "end": s.end.astimezone(feeds.calendar.TOKYO),
                "summary": ("【中止】" + title) if s.status == "cancelled" else title,
                "location": f"{s.facility.name} {s.facility.address}",
                "geo": (float(s.facility.latitude), float(s.facility.longitude)),
                "url": url,
                "description": "\n\n".join(parts),
                "status": "CANCELLED" if s.status == "cancelled" else "CONFIRMED",
            }
        )
    # The VTIMEZONE is constant data, built once like the rows (the site caches it too).
    vtimezone = Timezone()
    vtimezone.add("tzid", "Asia/Tokyo")
    vtimezone.add_component(Timezone.from_tzid("Asia/Tokyo").walk("STANDARD")[0])
    return {"name": facility.name, "vtimezone": vtimezone}, rows


def _floor(meta: dict, rows: list[dict]) -> bytes:
    """Build and serialise the same calendar with icalendar alone."""
    from datetime import timedelta

    from icalendar import Calendar, Event, vDuration

    cal = Calendar()
    cal.add("prodid", "-//Kosodate booking//kosodate-booking 1.0//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", meta["name"])
    cal.add("x-wr-timezone", "Asia/Tokyo")
    cal.add("refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    cal.add_component(meta["vtimezone"])
    for row in rows:
        event = Event()
        event.add("uid", row["uid"])
        event.add("dtstamp", row["updated"])
        event.add("created", row["created"])
        event.add("last-modified", row["updated"])
        event.add("sequence", row["sequence"])
        event.add("dtstart", row["start"])
        event.add("dtend", row["end"])
        # The feed says which language each text is in (a feed without ?lang= is Japanese).
        event.add("summary", row["summary"], parameters={"LANGUAGE": "ja"})
        event.add("location", row["location"], parameters={"LANGUAGE": "ja"})
        event.add("geo", row["geo"])
        event.add("url", row["url"])
        event.add("description", row["description"], parameters={"LANGUAGE": "ja"})
        event.add("status", row["status"])
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


def _empty_cache() -> None:
    """Drop this bench's cached bodies (only its own keys when the cache is Redis)."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
            client.delete(key)
    else:
        cache.clear()


def _once(fn) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def child() -> dict:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    facility = _populate()
    url = f"/calendar/facilities/{facility.slug}.ics"
    client = Client()

    def full():
        _empty_cache()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def cached():
        response = client.get(url)
        assert response.status_code == 200
        return response

    def not_modified():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, response.status_code
        return response

    response = full()  # warm imports and connections
    body, etag = response.content, response["ETag"]
    meta, rows = _floor_data(facility.slug)
    same = _floor(meta, rows) == body
    with CaptureQueriesContext(connection) as queries:
        full()
    full_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        not_modified()
    not_modified_queries = len(queries)
    assert cached().content == body

    # Interleaved rounds, so that load from other processes weighs on both sides alike.
    full_times, floor_times, cached_times, not_modified_times = [], [], [], []
    for _ in range(RUNS):
        full_times.append(_once(full))
        floor_times.append(_once(lambda: _floor(meta, rows)))
        cached_times.extend(_once(cached) for _ in range(3))
        not_modified_times.extend(_once(not_modified) for _ in range(3))
    full_time = statistics.median(full_times)
    floor_time = statistics.median(floor_times)
    cached_time = statistics.median(cached_times)
    not_modified_time = statistics.median(not_modified_times)
    ratio = statistics.median(f / g for f, g in zip(full_times, floor_times, strict=True))

    _empty_cache()
    events = body.count(b"BEGIN:VEVENT")
    speedup = full_time / not_modified_time
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    lines = [
        f"facility feed: {events} events, {len(body) / 1024:.0f} KiB, db={engine}, "
        f"cache={backend}, {RUNS} interleaved rounds, medians",
        f"full render (cache empty): {full_time * 1000:.1f} ms ({full_queries} queries)",
        f"cached: {cached_time * 1000:.2f} ms",
        f"304 (If-None-Match): {not_modified_time * 1000:.2f} ms ({not_modified_queries} queries)",
        f"floor (icalendar alone, same bytes: {same}): {floor_time * 1000:.1f} ms",
        f"full render / floor = {ratio:.2f} (median of per-round ratios; "
        f"target <= {FULL_RENDER_MAX_RATIO})",
        f"full render / 304 = {speedup:.0f}x (target >= {NOT_MODIFIED_MIN_SPEEDUP:.0f}x)",
        f"full render / cached = {full_time / cached_time:.0f}x",
    ]
    failures = []
    if events != SESSIONS:  # all within the 90-day window, cancelled ones just now
        failures.append(f"unexpected event count {events}")
    if not same:
        failures.append("floor calendar differs from the feed")
    if ratio > FULL_RENDER_MAX_RATIO:
        failures.append(f"full render is {ratio:.2f} x the floor")
    if speedup < NOT_MODIFIED_MIN_SPEEDUP:
        failures.append(f"304 only {speedup:.1f} x faster than a full render")
    return {"lines": lines, "failures": failures}


if __name__ == "__main__" and "--child" in sys.argv:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(child(), ensure_ascii=False))
