"""10,000 due reminders delivered by one Celery worker through Redis to a local SMTP sink.

Set-up (in a child process with its own environment): PostgreSQL database
``kosodate_notif_bench_<pid>`` (created, migrated, dropped at the end; never a test database),
a redis-server of our own on a free port (never the machine's Redis), and an SMTP sink
(aiosmtpd in its own process, counting messages by Message-ID). 100 sessions starting in 22-23
hours, 100 confirmed parties each, booked two days ago; ``reminders_schedule`` writes the 10,000
day-before reminders, all due now.

Measured, on the same rows and the same sink:

- the floor: one process runs the worker's own code without Celery: it loads the rows in
  batches of 50 as the worker does, builds each email with one ``emails.Renderer`` per batch
  and sends it over one SMTP connection with the worker's ``Mailer``; no claims, nothing
  written back;
- Celery: one ``celery worker`` (prefork, concurrency = cores), started beforehand; the clock
  starts when ``deliver_due`` is published (the sweep claims batches of 50 and queues them) and
  stops when the sink holds 10,000 messages and every row is marked sent.

``BENCH_REMINDER_BATCH`` changes the batch size (NOTIFICATIONS_BATCH_SIZE) of both.

Printed: emails/s of both, their ratio (target >= 0.5), duplicates and missing (by
Message-ID, target 0), and >= 200 emails/s for Celery.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import run_child
from bench.smtp_sink import Sink

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Its own database, named per run: the tests and another run of the bench never share it.
PG_DATABASE = f"kosodate_notif_bench_{os.getpid()}"
SESSIONS = int(os.environ.get("BENCH_REMINDER_SESSIONS", "100"))  # smaller for a quick look
PER_SESSION = 100
TOTAL = SESSIONS * PER_SESSION
TARGET_RATIO = 0.5
TARGET_RATE = 200.0
TIMEOUT = float(os.environ.get("BENCH_REMINDER_TIMEOUT", "600"))
BATCH_SIZE = os.environ.get("BENCH_REMINDER_BATCH", "50")  # NOTIFICATIONS_BATCH_SIZE


def run() -> list[str]:
    """Run the measurement in a clean child process and return its report lines."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "EMAIL_PORT", "SQLITE_PATH"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    env["DJANGO_DEBUG"] = "0"
    env["LOG_LEVEL"] = "WARNING"
    return run_child("bench.reminders", env, timeout=TIMEOUT + 300)


# --- CPU accounting ------------------------------------------------------------------------


def cpu_seconds(*, pgid: int | None = None, pid: int | None = None) -> float:
    """CPU time used so far by a process group (a worker and its pool) or by one process."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        this_pid = int(stat.parent.name)
        # fields[0] is the state; pgrp is field 5 of stat, utime/stime fields 14/15.
        if (pgid is not None and int(fields[2]) == pgid) or this_pid == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- child ---------------------------------------------------------------------------------


def _recreate_database() -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return f"{PG_SERVER}/{PG_DATABASE}"


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def _create_reservations() -> None:
    """100 sessions in 23 h, each with 100 confirmed parties booked two days ago."""
    from datetime import time as clock
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Reservation, ReservationStatus
    from booking.services import generate_code, generate_token, hash_token
    from events.models import Facility, Program, Session

    now = timezone.now().replace(microsecond=0)
    facility = Facility.objects.create(
        name="すこやか子育て交流館（りぼんかん）",
        name_en="Sukoyaka Kosodate Koryukan",
        slug="bench-ribbon",
        city="鹿児島市",
        address="鹿児島県鹿児島市山下町15-1",
        phone="099-000-0000",
        email="ribbon@example.jp",
        # No quiet hours: the bench must not depend on the hour at which it runs.
        quiet_hours_start=clock(0),
        quiet_hours_end=clock(0),
    )
    program = Program.objects.create(
        title="親子ふれあい遊び", slug="bench-play", what_to_bring="バスタオル、飲み物"
    )
    codes: set[str] = set()
    booked = now - timedelta(days=2)
    token_hash = hash_token(generate_token())
    rows = []
    for index in range(SESSIONS):
        start = now + timedelta(hours=22, seconds=30 * index)  # every reminder is due now
        session = Session.objects.create(
            program=program,
            facility=facility,
            start=start,
            end=start + timedelta(minutes=90),
            capacity=PER_SESSION,
            registration_opens=booked - timedelta(days=1),
            registration_closes=start - timedelta(hours=1),
            cancellation_deadline=start - timedelta(hours=1),
        )
        for party in range(PER_SESSION):
            code = generate_code()
            while code in codes:
                code = generate_code()
            codes.add(code)
            rows.append(
                Reservation(
                    session=session,
                    code=code,
                    token_hash=token_hash,
                    status=ReservationStatus.CONFIRMED,
                    adults=1,
                    seats=1,
                    name=f"保護者 {index}-{party}",
                    email=f"parent{index}-{party}@example.jp",
                    language="ja" if party % 4 else "en",
                )
            )
        Session.objects.filter(pk=session.pk).update(seats_taken=PER_SESSION)
    Reservation.objects.bulk_create(rows, batch_size=2000)
    Reservation.objects.update(created_at=booked)


def _floor(sink: Sink) -> tuple[int, float]:
    """Render and send every due reminder in this process, over one SMTP connection.

    The same code as the worker's: rows in batches of NOTIFICATIONS_BATCH_SIZE, one renderer
    per batch, the same Mailer; only the claims, the marks and Celery are left out.
    """
    from django.conf import settings

    from notifications import emails
    from notifications.claims import with_related
    from notifications.delivery import Mailer
    from notifications.models import Notification

    started = time.perf_counter()
    reminders = Notification.objects.filter(kind="reminder")
    ids = list(reminders.order_by("due_at", "id").values_list("pk", flat=True))
    size = settings.NOTIFICATIONS_BATCH_SIZE
    sent = 0
    with Mailer() as mailer:
        for first in range(0, len(ids), size):
            batch = reminders.filter(pk__in=ids[first : first + size])
            renderer = emails.Renderer()
            for row in with_related(batch).order_by("due_at", "id"):
                mailer.send(renderer.message(row))
                sent += 1
    elapsed = time.perf_counter() - started
    deadline = time.monotonic() + 30
    while sink.ask("count") < sent and time.monotonic() < deadline:
        time.sleep(0.05)
    return sent, elapsed


def child() -> dict:
    from tests.notifications.live import RedisServer, Worker, purge_queue
    from tests.notifications.smtp_sink import free_port

    lines: list[str] = []
    failures: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    redis_server = RedisServer(free_port())
    smtp_port = free_port()
    sink = worker = None
    try:
        redis_server.start()
        sink = Sink(smtp_port)
        os.environ.update(
            DATABASE_URL=_recreate_database(),
            REDIS_URL=redis_server.url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            NOTIFICATIONS_BATCH_SIZE=BATCH_SIZE,
            CACHE_KEY_PREFIX=f"reminders-bench-{os.getpid()}",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from notifications import emails
        from notifications.models import Notification
        from notifications.services import reminders_schedule
        from notifications.tasks import deliver_due

        call_command("migrate", verbosity=0)
        _create_reservations()
        started = time.perf_counter()
        written = reminders_schedule()
        first_run = time.perf_counter() - started
        started = time.perf_counter()
        again = reminders_schedule()
        lines.append(
            f"reminders_schedule: {written} reminders written in {first_run:.2f}s; "
            f"the next sweep writes {again} in {time.perf_counter() - started:.2f}s"
        )
        due_now = Notification.objects.filter(kind="reminder", due_at__lte=timezone.now())
        if written != TOTAL or due_now.count() != TOTAL:
            failures.append(f"expected {TOTAL} due reminders, got {due_now.count()}/{written}")

        lines.append(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        sink_cpu, own_cpu = cpu_seconds(pid=sink.process.pid), time.process_time()
        sent, floor_seconds = _floor(sink)
        floor_rate = sent / floor_seconds
        floor_received = sink.ask("count")
        lines.append(
            f"floor (render + send in one process, one SMTP connection, no Celery): "
            f"{sent} emails in {floor_seconds:.2f}s = {floor_rate:.0f} emails/s "
            f"(sink received {floor_received}); CPU per email: "
            f"{(time.process_time() - own_cpu) / sent * 1000:.1f} ms sender + "
            f"{(cpu_seconds(pid=sink.process.pid) - sink_cpu) / sent * 1000:.1f} ms SMTP sink"
        )
        sink.ask("reset")

        cores = os.cpu_count() or 1
        purge_queue(redis_server.url)
        worker = Worker(
            broker_url=redis_server.url,
            database_url=os.environ["DATABASE_URL"],
            smtp_port=smtp_port,
            workdir=workdir,
            concurrency=cores,
            beat=False,
            env={"NOTIFICATIONS_BATCH_SIZE": BATCH_SIZE, "LOG_LEVEL": "WARNING"},
        ).start(timeout=60)
        rows = list(Notification.objects.filter(kind="reminder"))
        expected = {emails.message_id(row) for row in rows}
        worker_cpu = cpu_seconds(pgid=worker.process.pid)
        sink_cpu = cpu_seconds(pid=sink.process.pid)
        started = time.perf_counter()
        deliver_due.delay()
        last_sweep = time.monotonic()
        deadline = time.monotonic() + TIMEOUT
        done = False
        while time.monotonic() < deadline:
            if (
                sink.ask("count") >= TOTAL
                and not Notification.objects.exclude(status="sent").exists()
            ):
                done = True
                break
            if time.monotonic() - last_sweep > 30:  # what beat would do; idempotent
                deliver_due.delay()
                last_sweep = time.monotonic()
            time.sleep(0.1)
        celery_seconds = time.perf_counter() - started
        worker_cpu = cpu_seconds(pgid=worker.process.pid) - worker_cpu
        sink_cpu = cpu_seconds(pid=sink.process.pid) - sink_cpu
        time.sleep(2)  # anything sent twice would arrive now
        received = Counter(sink.ask("ids"))
        duplicates = sum(count - 1 for count in received.values() if count > 1)
        missing = len(expected - set(received))
        celery_rate = TOTAL / celery_seconds if done else 0.0
        ratio = celery_rate / floor_rate if floor_rate else 0.0
        lines.append(
            f"celery (1 worker, prefork concurrency={cores}, own redis-server, PostgreSQL): "
            f"{sum(received.values())} emails in {celery_seconds:.2f}s = "
            f"{celery_rate:.0f} emails/s; duplicates={duplicates} missing={missing}; "
            f"CPU per email: {worker_cpu / TOTAL * 1000:.1f} ms worker + "
            f"{sink_cpu / TOTAL * 1000:.1f} ms SMTP sink; load average after: "
            f"{os.getloadavg()[0]:.1f}"
        )
        lines.append(
            f"ratio celery/floor = {ratio:.2f} (target >= {TARGET_RATIO}); "
            f"emails/s target >= {TARGET_RATE:.0f}"
        )
        if not done:
            failures.append(f"not all {TOTAL} reminders delivered within {TIMEOUT:.0f}s")
            states = Counter(Notification.objects.values_list("status", flat=True))
            lines.append(f"rows by status: {dict(states)}; worker log: {worker.log()[-1500:]}")
        if duplicates or missing:
            failures.append(f"duplicates={duplicates} missing={missing}")
        if ratio < TARGET_RATIO:
            failures.append(f"ratio {ratio:.2f} < {TARGET_RATIO}")
        if celery_rate < TARGET_RATE:
            failures.append(f"{celery_rate:.0f} emails/s < {TARGET_RATE:.0f}")
    finally:
        if worker is not None:
            worker.stop()
        if sink is not None:
            sink.stop()
        redis_server.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        _drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
    return {"lines": lines, "failures": failures}


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(child()))
    else:
        for line in run():
            print(line)
