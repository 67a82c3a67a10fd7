"""The default database from the environment: DATABASE_URL, else the embedded SQLite file."""

import os
from pathlib import Path

import dj_database_url

from .environment import env_bool

# Django's SQLite with PostgreSQL's integer ranges (core/backends/sqlite3).
SQLITE_ENGINE = "core.backends.sqlite3"


def database_from_env(default_sqlite: Path) -> dict:
    """Build the default database from DATABASE_URL, or a local SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    else:
        config = {
            "ENGINE": SQLITE_ENGINE,
            "NAME": os.environ.get("SQLITE_PATH", str(default_sqlite)),
        }
    if config["ENGINE"] in {"django.db.backends.sqlite3", SQLITE_ENGINE}:
        config["ENGINE"] = SQLITE_ENGINE
        # IMMEDIATE takes the write lock at BEGIN, so two booking transactions can never both
        # read "one seat left" and then both write; WAL lets readers go on meanwhile.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    elif "postgresql" in config["ENGINE"]:
        # Parameters bound by the server, not quoted into the SQL by Python; psycopg then
        # prepares a statement the connection has run five times, so PostgreSQL stops parsing
        # and planning the booking path's few statements on every request.
        # DATABASE_PREPARED_STATEMENTS=off for a pooler that cannot keep them (PgBouncer in
        # transaction mode before 1.21).
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config
