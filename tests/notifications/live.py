"""Real processes for the delivery tests and the benchmark: a Celery worker, a redis-server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUE_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


def database_url(db: dict) -> str:
    """Return a DATABASE_URL for Django's database settings (PostgreSQL)."""
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def broker_of_this_test_process(redis_url: str) -> str:
    """A Redis database of its own for this test process's queues (``make test`` runs two
    xdist workers against one Redis): a worker started by one process must never take the
    other's messages, and a purge must never drop them."""
    parts = urlsplit(redis_url)
    given = int(parts.path.strip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(parts._replace(path=f"/{(given + 8 + worker) % 16}"))


def purge_queue(broker_url: str) -> None:
    """Drop messages a previous run left in the broker (a killed worker's unacked ones too)."""
    client = redis.Redis.from_url(broker_url)
    client.delete(*QUEUE_KEYS)
    client.close()


class Worker:
    """A ``celery worker`` subprocess (prefork) with an embedded beat, in its own group."""

    def __init__(
        self,
        *,
        broker_url: str,
        database_url: str,
        smtp_port: int,
        workdir: Path,
        concurrency: int = 2,
        beat: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.log_path = workdir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "10",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.args = [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"notif-{uuid.uuid4().hex[:8]}@%h",
        ]
        if beat:
            self.args += ["--beat", "--schedule", str(workdir / f"beat-{uuid.uuid4().hex[:6]}")]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Worker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop at the end of a test: the outcome has been checked, so nothing is waited for."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


class RedisServer:
    """A throw-away redis-server on its own port (no persistence), to stop and start at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Make this process's Celery app publish to a real broker instead of running eagerly."""
    from config.celery import app

    # The app reads Django's CELERY_* settings first, so the namespaced keys are the ones to set.
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")
    saved = {key: app.conf[key] for key in keys}

    def reset_pools():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    app.conf["CELERY_TASK_ALWAYS_EAGER"] = False
    app.conf["CELERY_BROKER_URL"] = broker_url
    reset_pools()
    try:
        yield app
    finally:
        reset_pools()
        for key, value in saved.items():
            app.conf[key] = value


def wait_until(condition, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
