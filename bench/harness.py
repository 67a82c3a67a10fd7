"""What the rush benchmark drives: an HTTP/1.1 client on asyncio, gunicorn, the databases.

The clients are asyncio tasks speaking HTTP/1.1 over plain sockets (one connection per
request, as gunicorn's sync workers close them anyway): a light client leaves the machine's
cores to the server. All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLIENTS = 64
REQUEST_TIMEOUT = 60.0
PG_DSN = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "kosodate_bench"
# Notifications are queued to Redis, as in production; no worker runs during the bench, and
# what was queued is deleted at the end. Without Redis they are sent inside the request
# (embedded mode), which the figures then include.
REDIS_URL = "redis://127.0.0.1:6379/3"
CACHE_PREFIX = "kosodate-bench"


@dataclass
class Run:
    """The answers to one batch of requests."""

    statuses: list[int]
    bodies: list[bytes]
    latencies: list[float]
    seconds: float
    starts: list[float]  # when each request was sent, in seconds from the start of the run

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


def http_request(
    method: str, path: str, port: int, body: bytes = b"", accept: str = "application/json"
) -> bytes:
    headers = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Connection: close",
        f"Accept: {accept}",
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
    starts = [0.0] * len(requests)
    pending = iter(range(len(requests)))
    started = time.perf_counter()

    async def client() -> None:
        for index in pending:  # shared iterator: each request is sent once
            starts[index] = time.perf_counter() - started
            statuses[index], bodies[index], latencies[index] = await asyncio.wait_for(
                _send(port, requests[index]), REQUEST_TIMEOUT
            )

    await asyncio.gather(*(client() for _ in range(clients)))
    return Run(statuses, bodies, latencies, time.perf_counter() - started, starts)


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


def parties(count: int, prefix: str, sizes: str | None = None) -> list[Party]:
    """Parties of 1 to 5 (adults and children), each with its own email; reproducible. The
    parties' sizes follow ``sizes`` (else ``prefix``): rushes given the same one meet the same
    families, in the same order, under other addresses."""
    rng = random.Random(prefix if sizes is None else sizes)
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


def prepare(env: dict[str, str], script: str) -> dict:
    """Migrate the fresh database and run ``script`` in a shell; return what it printed last,
    as JSON (the ids of the sessions it made)."""
    manage(env, "migrate", "--noinput")
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


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
