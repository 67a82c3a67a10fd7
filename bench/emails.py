"""Building outbox emails: the hand-written MIME writer against Django's, in one run.

Set-up (a child process, its own SQLite file var/bench-emails.sqlite3, or
``$BENCH_EMAILS_DATABASE_URL``): 20 sessions starting in 23 hours, 40 parties each booked two
days ago through ``reservation_create`` (a quarter in English), the day-before reminders
written by ``reminders_schedule``, every other party of each session cancelled by the parent:
2,000 real outbox rows (800 confirmations with a REQUEST invite, 800 reminders, 400
cancellations with a CANCEL invite), loaded as the worker loads them.

Measured on the same rows, alternately, best of ``BENCH_EMAILS_REPEAT`` (5) rounds, as the
worker builds them (one ``emails.Renderer`` per batch of 50, then the bytes that go to SMTP):

- hand-written: ``OutboxEmail.message().as_bytes(linesep="\\r\\n")`` (``notifications.mime``);
- Django: ``EmailMultiAlternatives.message(email).as_bytes(linesep="\\r\\n")`` on the same email;
- and the MIME step alone, on emails rendered beforehand.

With ``BENCH_EMAILS_CALLGRIND=1`` the build is also counted in instructions under valgrind
(one child per way on the same database; the difference to a child that only renders).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

from bench.common import ROOT, child_database, run_child, setup_django

SESSIONS, PER_SESSION, BATCH = 20, 40, 50
REPEAT = int(os.environ.get("BENCH_EMAILS_REPEAT", "5"))
TARGET_SAVING = 20.0  # percent a twin of Django must save to be kept (docs/ARCHITECTURE.md)
WAYS = ("hand-written", "django")


def run() -> list[str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="0")
    env["LOG_LEVEL"] = "WARNING"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    child_database(env, "emails", "BENCH_EMAILS_DATABASE_URL")
    return run_child("bench.emails", env, timeout=3600)


def _populate() -> None:
    from datetime import time as clock
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Reservation
    from booking.rules import Contact, Party
    from booking.services import reservation_cancel, reservation_create
    from events.models import Facility, Program, Session
    from notifications.services import reminders_schedule

    now = timezone.now().replace(microsecond=0)
    booked = now - timedelta(days=2)
    facility = Facility.objects.create(
        name="すこやか子育て交流館（りぼんかん）",
        name_en="Sukoyaka Kosodate Koryukan",
        slug="bench-ribbon",
        city="鹿児島市",
        address="鹿児島県鹿児島市山下町15-1",
        email="ribbon@example.jp",
        quiet_hours_start=clock(0),
        quiet_hours_end=clock(0),
    )
    program = Program.objects.create(
        title="親子ふれあい遊び",
        title_en="Parent and child play",
        slug="bench-play",
        what_to_bring="バスタオル、飲み物",
        reminder_offsets=[24],
    )
    to_cancel = []
    for index in range(SESSIONS):
        start = now + timedelta(hours=23, minutes=index)
        session = Session.objects.create(
            program=program,
            facility=facility,
            start=start,
            end=start + timedelta(minutes=90),
            capacity=PER_SESSION * 2,
            registration_opens=booked - timedelta(days=1),
            registration_closes=start - timedelta(hours=1),
            cancellation_deadline=start - timedelta(hours=1),
        )
        for party in range(PER_SESSION):
            english = party % 8 in (0, 1)
            result = reservation_create(
                session=session,
                party=Party(adults=1, children=party % 3),
                contact=Contact(
                    name=f"Parent {index}-{party}" if english else f"保護者 {index}-{party}",
                    email=f"parent{index}-{party}@example.jp",
                ),
                language="en" if english else "ja",
                now=booked,
            )
            if party % 2:
                to_cancel.append(result.reservation)
    Reservation.objects.update(created_at=booked)  # booked before the reminders' time
    reminders_schedule(now=now)
    for reservation in to_cancel:
        reservation_cancel(reservation=reservation, now=now)


def _rows():
    from notifications.claims import with_related
    from notifications.models import Notification

    return list(with_related(Notification.objects.all()).order_by("due_at", "id"))


def _build(rows, way: str | None) -> int:
    """Build every row's email as a worker does; ``way`` None renders without the MIME step."""
    from django.core.mail import EmailMultiAlternatives

    from notifications import emails

    size = 0
    for first in range(0, len(rows), BATCH):
        renderer = emails.Renderer()
        for row in rows[first : first + BATCH]:
            email = renderer.message(row)
            if way == "hand-written":
                size += len(email.message().as_bytes(linesep="\r\n"))
            elif way == "django":
                size += len(EmailMultiAlternatives.message(email).as_bytes(linesep="\r\n"))
    return size


def _mime_only(emails_built, way: str) -> None:
    from django.core.mail import EmailMultiAlternatives

    for email in emails_built:
        if way == "hand-written":
            email.message().as_bytes(linesep="\r\n")
        else:
            EmailMultiAlternatives.message(email).as_bytes(linesep="\r\n")


def _best(fn, n: int) -> dict[str, float]:
    """Run ``fn(way)`` for each way alternately; return the best microseconds per email."""
    best = dict.fromkeys(WAYS, float("inf"))
    for _ in range(REPEAT):
        for way in WAYS:
            started = time.perf_counter()
            fn(way)
            best[way] = min(best[way], (time.perf_counter() - started) / n * 1e6)
    return best


def _callgrind(n: int) -> list[str]:
    counts = {}
    for way in ("load", "render", *WAYS):
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
            + [sys.executable, "-m", "bench.emails", "--count", way],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        found = re.search(r"Collected : (\d+)", result.stderr)
        if not found:
            raise RuntimeError(f"callgrind gave no count:\n{result.stderr[-2000:]}")
        counts[way] = int(found.group(1))
    build = {way: (counts[way] - counts["load"]) / n for way in ("render", *WAYS)}
    mime = {way: build[way] - build["render"] for way in WAYS}
    saving = 100 * (1 - build["hand-written"] / build["django"])
    return [
        f"callgrind, instructions per email: render {build['render']:,.0f}; build (render +"
        f" MIME) hand-written {build['hand-written']:,.0f}, Django {build['django']:,.0f}:"
        f" the hand-written writer saves {saving:.1f} %; MIME step alone hand-written"
        f" {mime['hand-written']:,.0f}, Django {mime['django']:,.0f}"
        f" ({mime['django'] / mime['hand-written']:.1f}x)"
    ]


def child() -> dict:
    setup_django()
    from notifications import emails

    _populate()
    rows = _rows()
    n = len(rows)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(_kinds(rows).items()))
    for way in WAYS:  # warm every template and cache once
        _build(rows, way)
    full = _best(lambda way: _build(rows, way), n)
    renderer = emails.Renderer()
    built = [renderer.message(row) for row in rows]
    mime = _best(lambda way: _mime_only(built, way), n)
    saving = 100 * (1 - full["hand-written"] / full["django"])
    lines = [
        f"{n} outbox emails ({kinds}), best of {REPEAT} alternating rounds",
        f"build (render + MIME) per email: hand-written {full['hand-written']:.0f} us,"
        f" Django {full['django']:.0f} us: the hand-written writer saves {saving:.1f} %"
        f" (keep it at >= {TARGET_SAVING:.0f} %)",
        f"MIME step alone per email: hand-written {mime['hand-written']:.0f} us,"
        f" Django {mime['django']:.0f} us ({mime['django'] / mime['hand-written']:.1f}x)",
    ]
    if os.environ.get("BENCH_EMAILS_CALLGRIND") == "1":
        lines += _callgrind(n)
    return {"lines": lines, "failures": []}


def _kinds(rows) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        key = f"{row.kind}/{row.reservation.language}"
        found[key] = found.get(key, 0) + 1
    return found


def _count(way: str) -> None:
    """Under callgrind: load the rows the timing run left and build them one way."""
    import django

    django.setup()
    rows = _rows()
    if way != "load":
        _build(rows, None if way == "render" else way)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child()))
    elif sys.argv[1:2] == ["--count"]:
        _count(sys.argv[2])
