"""The rush: C = 100 seats, N = 1000 booking requests from 64 concurrent clients, 3 times.

On PostgreSQL against gunicorn (workers = 2 x cores), then on SQLite against one threaded
gunicorn worker. Each engine gets its own fresh database (PostgreSQL ``kosodate_bench`` on
127.0.0.1:5432, dropped and recreated; SQLite a temporary file), migrated and given one
session per round whose waiting list is off, so that every request beyond the seats is a 409.

Printed for each round: requests/s, p50/p99 latency, confirmed seats and overbooked seats read
from the database (the session's counter and the sum of the confirmed parties), and the
requests/s of GET /api/v1/ping/ (a DRF endpoint with no database work: the floor) measured on
the same server with the same clients, just before and just after that rush. Then the answers
of all rounds, and the verdicts on the median round (BENCH_RUSH_ROUNDS, default 5): the speed
of a shared VM drifts by a third within seconds, and one round alone says more about the drift
than about the code (a round's ratio spread over 0.45-0.65 on one evening; the median of three
still flipped a verdict now and then; five about halve that chance).

The clients are asyncio tasks speaking HTTP/1.1 over plain sockets (one connection per
request, as gunicorn's sync workers close them anyway): a light client leaves the machine's
cores to the server. All traffic goes to 127.0.0.1; servers and databases are removed at the
end, also on failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CAPACITY = 100
REQUESTS = 1000
CLIENTS = 64
WARMUP_REQUESTS = 256
# Each round is a rush on a fresh session between two floor measurements.
ROUNDS = int(os.environ.get("BENCH_RUSH_ROUNDS", "5"))
PG_DSN = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "kosodate_bench"
# Notifications are queued to Redis, as in production; no worker runs during the bench, and
# what was queued is deleted at the end. Without Redis they are sent inside the request
# (embedded mode), which the figures then include.
REDIS_URL = "redis://127.0.0.1:6379/3"
CACHE_PREFIX = "kosodate-bench"
SQLITE_THREADS = 16
REQUEST_TIMEOUT = 60.0
TARGET_RATIO = 0.5
TARGET_P99_MS = 250.0

# Run by `manage.py shell -c` in the server's environment: the rush session and a roomy
# warm-up session of the same programme; prints their ids.
CREATE_SESSIONS = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import Facility, Program, Session

now = timezone.now().replace(microsecond=0)
facility = Facility.objects.create(
    name="すこやか子育て交流館", slug="bench-centre", city="鹿児島市", address="山下町15-1"
)
program = Program.objects.create(
    title="親子ふれあい遊び", slug="bench-play", waitlist_enabled=False, max_adults=2,
    max_children=3,
)

def session(capacity):
    start = now + timedelta(days=7)
    return Session.objects.create(
        program=program, facility=facility, start=start, end=start + timedelta(hours=1),
        capacity=capacity, registration_opens=now - timedelta(days=1),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    ).pk

print(json.dumps({"rush": [session(CAPACITY) for _ in range(ROUNDS)], "warmup": session(100000)}))
"""


@dataclass
class Run:
    """The answers to one batch of requests."""

    statuses: list[int]
    bodies: list[bytes]
    latencies: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.statuses) / self.seconds

    def latency_ms(self, quantile: float) -> float:
        return quantile_ms(self.latencies, quantile)


def quantile_ms(latencies: list[float], quantile: float) -> float:
    ordered = sorted(latencies)
    index = min(len(ordered) - 1, max(0, round(quantile * len(ordered)) - 1))
    return ordered[index] * 1000


# --- HTTP client -------------------------------------------------------------------------


def http_request(method: str, path: str, port: int, body: bytes = b"") -> bytes:
    headers = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Connection: close",
        "Accept: application/json",
    ]
    if body:
        headers += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def _send(port: int, request: bytes) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request)
        await writer.drain()
        response = await reader.read()  # the server closes the connection after answering
    finally:
        writer.close()
    elapsed = time.perf_counter() - started
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body, elapsed


async def _fire(port: int, requests: list[bytes], clients: int) -> Run:
    statuses = [0] * len(requests)
    bodies = [b""] * len(requests)
    latencies = [0.0] * len(requests)
    pending = iter(range(len(requests)))

    async def client() -> None:
        for index in pending:  # shared iterator: each request is sent once
            statuses[index], bodies[index], latencies[index] = await asyncio.wait_for(
                _send(port, requests[index]), REQUEST_TIMEOUT
            )

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Run(statuses, bodies, latencies, time.perf_counter() - started)


def fire(port: int, requests: list[bytes], clients: int = CLIENTS) -> Run:
    """Send the requests from ``clients`` concurrent clients; return the answers in order."""
    return asyncio.run(_fire(port, requests, clients))


def ping_requests(port: int, count: int) -> list[bytes]:
    return [http_request("GET", "/api/v1/ping/", port)] * count


@dataclass(frozen=True)
class Party:
    email: str
    adults: int
    children: int

    @property
    def seats(self) -> int:
        return self.adults + self.children


def parties(count: int, prefix: str) -> list[Party]:
    """Parties of 1 to 5 (adults and children), each with its own email; reproducible."""
    rng = random.Random(prefix)
    return [
        Party(f"{prefix}-{i}@example.jp", rng.choice([1, 1, 2]), rng.choice([0, 0, 1, 2, 3]))
        for i in range(count)
    ]


def booking_requests(port: int, session_id: int, group: list[Party]) -> list[bytes]:
    return [
        http_request(
            "POST",
            "/api/v1/reservations/",
            port,
            json.dumps(
                {
                    "session": session_id,
                    "name": "山田 花子",
                    "email": party.email,
                    "adults": party.adults,
                    "children": party.children,
                },
                ensure_ascii=False,
            ).encode(),
        )
        for party in group
    ]


# --- servers and databases ---------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time consumed so far by these processes (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def redis_for_notifications(stack: ExitStack, workdir: Path) -> tuple[dict[str, str], str]:
    """Return the environment for notifications, and a line saying where they go."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        mail = workdir / "mail"
        return {"EMAIL_FILE_PATH": str(mail)}, "no Redis: notifications sent in the request"

    def forget_queued() -> None:
        for pattern in ("celery", "_kombu.binding.*", "unacked*", f"{CACHE_PREFIX}:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)

    forget_queued()
    stack.callback(forget_queued)
    env = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": CACHE_PREFIX}
    return env, f"notifications queued to {REDIS_URL} (no worker; deleted afterwards)"


def server_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        API_THROTTLE="off",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def prepare(env: dict[str, str]) -> dict[str, int]:
    """Migrate the fresh database and create the sessions; return their ids."""
    manage(env, "migrate", "--noinput")
    code = CREATE_SESSIONS.replace("CAPACITY", str(CAPACITY)).replace("ROUNDS", str(ROUNDS))
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def start_gunicorn(
    stack: ExitStack, env: dict[str, str], options: list[str], log: Path
) -> tuple[int, int]:
    """Start gunicorn on a free loopback port; stop it when the stack closes.

    Return the port and the process id of the gunicorn master.
    """
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--backlog",
                "2048",
                "--graceful-timeout",
                "5",
                *options,
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers go with it
        )
    stack.callback(stop, process)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-2000:]}")
        try:
            if fire(port, ping_requests(port, 1), 1).statuses == [200]:
                return port, process.pid
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its process group), politely first."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:  # already gone
        pass


def recreate_postgres_database(stack: ExitStack) -> str:
    import psycopg

    def execute(sql: str) -> None:
        with psycopg.connect(f"{PG_DSN}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    execute(f"CREATE DATABASE {PG_DATABASE}")
    stack.callback(execute, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return f"{PG_DSN}/{PG_DATABASE}"


# --- the rush ----------------------------------------------------------------------------


@dataclass
class Seats:
    capacity: int
    seats_taken: int
    confirmed_parties_seats: int
    confirmed_parties: int


SEATS_SQL = (
    "SELECT s.capacity, s.seats_taken,"
    " (SELECT COALESCE(SUM(r.seats), 0) FROM booking_reservation r"
    "  WHERE r.session_id = s.id AND r.status = 'confirmed'),"
    " (SELECT COUNT(*) FROM booking_reservation r"
    "  WHERE r.session_id = s.id AND r.status = 'confirmed')"
    " FROM events_session s WHERE s.id = {}"
)


@dataclass
class Round:
    """One rush on a fresh session, between two floor measurements."""

    lines: list[str]
    ok: bool
    ratio: float
    p99: float
    outcomes: Counter[str]
    latencies: dict[str, list[float]]


@dataclass
class Server:
    """The server under test, and how to read its database and its CPU."""

    port: int
    read_seats: Callable[[int], Seats]
    server_cpu: Callable[[], float]  # seconds used by the web processes so far
    database_cpu: Callable[[], float | None]  # seconds used by their database backends


def rush_round(label: str, number: int, server: Server, session_id: int) -> Round:
    """The floor, the rush on its own session, the floor again; return the round's figures."""
    port = server.port

    def measured(requests: list[bytes]) -> tuple[Run, float, float | None]:
        """Fire; return the run and the server's and database's CPU ms per request."""
        app, database = server.server_cpu(), server.database_cpu()
        result = fire(port, requests)
        server_ms = (server.server_cpu() - app) * 1000 / len(requests)
        database_after = server.database_cpu()
        database_ms = (
            (database_after - database) * 1000 / len(requests)
            if database is not None and database_after is not None
            else None
        )
        return result, server_ms, database_ms

    floor_before, floor_cpu, _ = measured(ping_requests(port, REQUESTS))
    group = parties(REQUESTS, f"rush-{label}-{number}")
    booking, booking_cpu, booking_db_cpu = measured(booking_requests(port, session_id, group))
    floor_after = fire(port, ping_requests(port, REQUESTS))
    for floor in (floor_before, floor_after):
        if set(floor.statuses) != {200}:
            raise RuntimeError(f"ping answered {Counter(floor.statuses)}")

    outcomes: Counter[str] = Counter()
    answered_seats = 0
    latencies: dict[str, list[float]] = {}
    for party, status, body, latency in zip(
        group, booking.statuses, booking.bodies, booking.latencies, strict=True
    ):
        answer = json.loads(body) if body.startswith(b"{") else {}
        outcome = answer.get("status") if status == 201 else answer.get("code")
        outcomes[f"{status} {outcome}"] += 1
        latencies.setdefault(f"{status} {outcome}", []).append(latency)
        if status == 201 and outcome == "confirmed":
            answered_seats += party.seats
    seats = server.read_seats(session_id)
    over_counter = max(0, seats.seats_taken - seats.capacity)
    over_parties = max(0, seats.confirmed_parties_seats - seats.capacity)
    consistent = (
        seats.seats_taken == seats.confirmed_parties_seats == answered_seats
        and outcomes["201 confirmed"] == seats.confirmed_parties
        and set(outcomes) <= {"201 confirmed", "409 session_full"}
    )
    floor = max(floor_before.rate, floor_after.rate)  # the higher floor: the stricter ratio
    ratio = booking.rate / floor
    p99 = booking.latency_ms(0.99)
    name = f"{label} round {number}"
    lines = [
        f"{name}: floor GET /api/v1/ping/ {floor_before.rate:.0f} req/s before the rush, "
        f"{floor_after.rate:.0f} after (p50 {floor_before.latency_ms(0.5):.1f} ms, "
        f"p99 {floor_before.latency_ms(0.99):.1f} ms)",
        f"{name}: rush POST /api/v1/reservations/ {booking.rate:.0f} req/s, "
        f"p50 {booking.latency_ms(0.5):.1f} ms, p99 {p99:.1f} ms; ratio to the higher floor "
        f"{ratio:.2f}",
        f"{name}: CPU per request: app {floor_cpu:.2f} ms for the floor, {booking_cpu:.2f} ms "
        f"for a booking"
        + (f", plus {booking_db_cpu:.2f} ms in PostgreSQL" if booking_db_cpu is not None else ""),
        f"{name}: confirmed seats {seats.seats_taken}/{seats.capacity} "
        f"({seats.confirmed_parties} parties; sum of confirmed parties "
        f"{seats.confirmed_parties_seats}, seats in 201 answers {answered_seats}; "
        f"consistent: {'yes' if consistent else 'NO'}); overbooked seats {over_counter} "
        f"(counter), {over_parties} (confirmed parties)",
    ]
    ok = over_counter == over_parties == 0 and consistent
    return Round(lines, ok, ratio, p99, outcomes, latencies)


def rush(label: str, server: Server, sessions: dict) -> tuple[list[str], bool, float, float]:
    """Warm up, then one round per rush session; return the lines, and the median figures.

    The machine's speed drifts between measurements (the floor alone moves by a third from
    one second to the next on a shared VM), so each rush is compared with the floors measured
    just before and after it, and the verdict is on the median round; every round is printed.
    """
    port = server.port
    fire(port, ping_requests(port, WARMUP_REQUESTS))
    warmup = fire(port, booking_requests(port, sessions["warmup"], parties(WARMUP_REQUESTS, "w")))
    if set(warmup.statuses) != {201}:
        raise RuntimeError(f"warm-up bookings answered {Counter(warmup.statuses)}")
    rounds = [
        rush_round(label, number, server, session_id)
        for number, session_id in enumerate(sessions["rush"], start=1)
    ]
    outcomes: Counter[str] = sum((r.outcomes for r in rounds), Counter())
    latencies: dict[str, list[float]] = {}
    for r in rounds:
        for kind, values in r.latencies.items():
            latencies.setdefault(kind, []).extend(values)
    ok = all(r.ok for r in rounds)
    lines = [line for r in rounds for line in r.lines]
    lines += [
        f"{label}: answers in all rounds "
        + ", ".join(
            f"{k}: {v} (p50 {quantile_ms(latencies[k], 0.5):.0f} ms, "
            f"p99 {quantile_ms(latencies[k], 0.99):.0f} ms)"
            for k, v in sorted(outcomes.items())
        ),
        f"{label}: overbooked seats in every round 0, and every round consistent: "
        f"{'OK' if ok else 'NO'}",
    ]
    ratio = statistics.median(r.ratio for r in rounds)
    p99 = statistics.median(r.p99 for r in rounds)
    return lines, ok, ratio, p99


def postgres_rush(stack: ExitStack, workdir: Path, workers: int) -> tuple[list[str], bool]:
    url = recreate_postgres_database(stack)
    notifications, where = redis_for_notifications(stack, workdir)
    # Persistent connections as the production settings keep them, unless the run says
    # otherwise (BENCH_CONN_MAX_AGE=0 shows what a connection per request costs).
    if "BENCH_CONN_MAX_AGE" in os.environ:
        notifications["CONN_MAX_AGE"] = os.environ["BENCH_CONN_MAX_AGE"]
    env = server_env(DATABASE_URL=url, **notifications)
    conn_max_age = env.get("CONN_MAX_AGE", "production default")
    sessions = prepare(env)
    options = ["--workers", str(workers)]
    port, master = start_gunicorn(stack, env, options, workdir / "gunicorn-pg.log")

    def read_seats(session_id: int) -> Seats:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            return Seats(*conn.execute(SEATS_SQL.format(int(session_id))).fetchone())

    def database_cpu() -> float | None:
        """CPU of the server's PostgreSQL backends (known only with persistent connections)."""
        import psycopg

        if conn_max_age == "0":
            return None
        with psycopg.connect(url, connect_timeout=5) as conn:
            pids = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (PG_DATABASE,),
            ).fetchall()
        return cpu_seconds([pid for (pid,) in pids])

    label = "postgresql"
    lines, ok, ratio, p99 = rush(
        label,
        Server(port, read_seats, lambda: cpu_seconds(children(master)), database_cpu),
        sessions,
    )
    lines.insert(
        0,
        f"{label}: gunicorn {workers} sync workers ({workers // 2} cores), C={CAPACITY}, "
        f"N={REQUESTS}, {CLIENTS} concurrent clients, CONN_MAX_AGE={conn_max_age}; "
        f"{where}",
    )
    lines += [
        f"{label}: ratio booking/floor, median of {ROUNDS} rounds {ratio:.2f}  "
        f"target >= {TARGET_RATIO}: {'OK' if ratio >= TARGET_RATIO else 'MISSED'}",
        f"{label}: p99, median of {ROUNDS} rounds {p99:.1f} ms  target < {TARGET_P99_MS:.0f} ms: "
        f"{'OK' if p99 < TARGET_P99_MS else 'MISSED'}",
    ]
    return lines, ok


def sqlite_rush(stack: ExitStack, workdir: Path) -> tuple[list[str], bool]:
    path = workdir / "bench.sqlite3"
    notifications, where = redis_for_notifications(stack, workdir)
    env = server_env(SQLITE_PATH=str(path), **notifications)
    sessions = prepare(env)
    options = ["--workers", "1", "--worker-class", "gthread", "--threads", str(SQLITE_THREADS)]
    port, master = start_gunicorn(stack, env, options, workdir / "gunicorn-sqlite.log")

    def read_seats(session_id: int) -> Seats:
        with sqlite3.connect(path, timeout=30) as conn:
            return Seats(*conn.execute(SEATS_SQL.format(int(session_id))).fetchone())

    label = "sqlite"
    lines, ok, ratio, p99 = rush(
        label,
        Server(port, read_seats, lambda: cpu_seconds(children(master)), lambda: None),
        sessions,
    )
    lines.insert(
        0,
        f"{label}: gunicorn 1 worker x {SQLITE_THREADS} threads on a temporary file, "
        f"C={CAPACITY}, N={REQUESTS}, {CLIENTS} concurrent clients; {where}",
    )
    lines.append(
        f"{label}: ratio booking/floor, median of {ROUNDS} rounds {ratio:.2f}, "
        f"p99 {p99:.1f} ms (no target)"
    )
    return lines, ok


def run() -> list[str]:
    cores = len(os.sched_getaffinity(0))
    lines: list[str] = []
    failures: list[str] = []
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="kosodate-bench-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        for name, engine in (
            ("postgresql", lambda s: postgres_rush(s, workdir, 2 * cores)),
            ("sqlite", lambda s: sqlite_rush(s, workdir)),
        ):
            with ExitStack() as engine_stack:  # each engine's server and database go first
                try:
                    engine_lines, ok = engine(engine_stack)
                except Exception as exc:  # report, and still run the other engine
                    failures.append(f"{name}: {exc.__class__.__name__}: {exc}")
                    continue
            lines += engine_lines
            if not ok:
                failures.append(f"{name}: overbooked or inconsistent")
    if failures:
        raise RuntimeError("\n".join(lines + failures))
    return lines
