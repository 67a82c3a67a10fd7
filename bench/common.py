"""Pieces shared by the benchmark modules and their child processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django() -> None:
    if os.environ.get("DATABASE_URL"):
        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)


def child_database(env: dict[str, str], name: str, url_variable: str) -> None:
    """Point a benchmark child at ``$url_variable``'s database, or at a fresh SQLite file.

    The file is var/bench-<name>.sqlite3, with what an earlier run left of it removed first.
    """
    env.pop("DATABASE_URL", None)
    url = os.environ.get(url_variable, "").strip()
    if url:
        env["DATABASE_URL"] = url
        return
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    for leftover in var.glob(f"bench-{name}.sqlite3*"):
        leftover.unlink()
    env["SQLITE_PATH"] = str(var / f"bench-{name}.sqlite3")


def run_child(module: str, env: dict[str, str], timeout: float) -> list[str]:
    """Run ``python -m <module> --child``; return its report lines, raise on its failures.

    The child prints a JSON report ``{"lines": [...], "failures": [...]}`` as its last line.
    """
    result = subprocess.run(
        [sys.executable, "-m", module, "--child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} child failed:\n{result.stderr[-4000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["failures"]:
        raise AssertionError("; ".join(report["failures"]) + " | " + " | ".join(report["lines"]))
    return report["lines"]
