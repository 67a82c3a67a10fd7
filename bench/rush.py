"""The 9:00 rush on a popular session, as cities see it: 1000 parties for 100 seats.

Each round, on a fresh session each, from 64 concurrent clients (N = 1000 requests, C = 100
seats), between two measurements of the floor (GET /api/v1/ping/: a DRF view with no
database work):

- closed: the waiting list off, so every party beyond the seats gets 409 ``session_full``;
- open: the waiting list on without a limit, as most programmes have it: ~900 parties join it;
- limited: the waiting list on with a limit of 20 parties: the rest get 409 ``waitlist_full``;
- pages: the parents' reloads of the session's HTML page and of the list (the home page),
  1000 each, served with the page cache (``PAGES_CACHE_SECONDS``, 1 s) and, as the baseline of
  the same run, by a second server on the same database with the cache off;
- staleness: a booking rush and reloads of the session page at once; the last page that still
  offered a seat must have been asked for no later than 2 s after the last seat went.

Printed per round: req/s, p50/p99, time until sold out, confirmed seats and overbooked seats
read from the database, the waiting list's places (1..N, each once, as many as the session's
counter and its rows), and the ratios the targets are on: open / closed req/s (>= 0.5), open
p99 / closed p99 (<= 2), limited / closed req/s (>= 0.9), cached / uncached page req/s (>= 3).
Verdicts are on the median round (BENCH_RUSH_ROUNDS, default 5): the speed of a shared VM
drifts by a third within seconds, and one round says more about the drift than the code.

PostgreSQL (``kosodate_bench`` on 127.0.0.1:5432, dropped and recreated) against gunicorn with
2 sync workers per core, then SQLite (a temporary file) against one threaded worker. Servers
and databases are removed at the end, also on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import (
    CLIENTS,
    Run,
    booking_requests,
    children,
    cpu_seconds,
    fire,
    http_request,
    parties,
    ping_requests,
    prepare,
    recreate_postgres_database,
    redis_for_notifications,
    server_env,
    start_gunicorn,
)
from bench.rush_setup import CAPACITY, STATE_SQL, WAITLIST_LIMIT, State, script

REQUESTS = 1000
WARMUP_REQUESTS = 256
SQLITE_THREADS = 16
TARGETS = {
    "open/closed req/s": (">=", 0.5),
    "open/closed p99": ("<=", 2.0),
    "limited/closed req/s": (">=", 0.9),
    "pages cached/uncached req/s": (">=", 3.0),
    "staleness s": ("<=", 2.0),
}
KINDS = ("closed", "open", "limited")
ALLOWED = {
    "closed": {"201 confirmed", "409 session_full"},
    "open": {"201 confirmed", "201 waitlisted"},
    "limited": {"201 confirmed", "201 waitlisted", "409 waitlist_full"},
}


@dataclass
class Server:
    """A server under test, and how to read its database and its CPU."""

    port: int
    read_state: Callable[[int], State]
    server_cpu: Callable[[], float]
    uncached_port: int  # the same database, PAGES_CACHE_SECONDS=0: the pages' baseline


@dataclass
class Rush:
    kind: str
    rate: float
    p50: float
    p99: float
    sold_out_after: float | None
    ok: bool
    line: str


@dataclass
class Round:
    lines: list[str] = field(default_factory=list)
    ok: bool = True
    figures: dict[str, float] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)


def answers(run: Run) -> list[tuple[int, dict]]:
    return [
        (status, json.loads(body) if body.startswith(b"{") else {})
        for status, body in zip(run.statuses, run.bodies, strict=True)
    ]


def sold_out_after(run: Run) -> float | None:
    """Seconds from the first request to the answer that took the last seat."""
    ends = [
        start + latency
        for (status, body), start, latency in zip(
            answers(run), run.starts, run.latencies, strict=True
        )
        if status == 201 and body.get("status") == "confirmed"
    ]
    return max(ends) if ends else None


def rush(
    server: Server, kind: str, session_id: int, label: str, sizes: str
) -> tuple[Rush, Counter[str]]:
    """Fire 1000 bookings at one session and check what the database holds afterwards. The
    rushes of a round get the same parties (``sizes``): the same number of them is confirmed
    in each, so the rushes differ by the waiting list alone, not by how many bookings the
    party sizes let in (39 against 46 of 1000 in one round, with a seed per rush)."""
    group = parties(REQUESTS, label, sizes)
    run = fire(server.port, booking_requests(server.port, session_id, group))
    outcomes: Counter[str] = Counter()
    seats_answered = 0
    places = []
    for party, (status, body) in zip(group, answers(run), strict=True):
        outcome = body.get("status") if status == 201 else body.get("code")
        outcomes[f"{status} {outcome}"] += 1
        if outcome == "confirmed":
            seats_answered += party.seats
        elif outcome == "waitlisted":
            places.append(body.get("position"))
    state = server.read_state(session_id)
    overbooked = max(0, state.seats_taken - state.capacity) + max(
        0, state.confirmed_parties_seats - state.capacity
    )
    places_exact = sorted(places) == list(range(1, len(places) + 1))
    consistent = (
        state.seats_taken == state.confirmed_parties_seats == seats_answered
        and outcomes["201 confirmed"] == state.confirmed_parties
        and set(outcomes) <= ALLOWED[kind]
        and places_exact
        and state.waitlist_taken == state.waitlisted_parties == len(places)
        and (kind != "limited" or len(places) == WAITLIST_LIMIT)
    )
    soldout = sold_out_after(run)
    result = Rush(
        kind,
        run.rate,
        run.latency_ms(0.5),
        run.latency_ms(0.99),
        soldout,
        overbooked == 0 and consistent,
        f"{kind}: {run.rate:.0f} req/s, p50 {run.latency_ms(0.5):.1f} ms, "
        f"p99 {run.latency_ms(0.99):.1f} ms, sold out after "
        + (f"{soldout:.2f} s" if soldout is not None else "-")
        + f"; seats {state.seats_taken}/{state.capacity}, overbooked {overbooked}; "
        f"waiting list {len(places)} parties, places 1..{len(places)} "
        f"{'exact' if places_exact else 'NOT EXACT'}, counter {state.waitlist_taken}; "
        f"consistent: {'yes' if consistent else 'NO'}",
    )
    return result, outcomes


def page_reads(port: int, session_id: int) -> tuple[Run, Run]:
    """1000 reloads of the session page, then 1000 of the list."""
    accept = "text/html"
    detail = [http_request("GET", f"/sessions/{session_id}/", port, accept=accept)] * REQUESTS
    listing = [http_request("GET", "/", port, accept=accept)] * REQUESTS
    return fire(port, detail), fire(port, listing)


def staleness(server: Server, session_id: int, label: str) -> tuple[float, str]:
    """Book the session full while parents reload its page; return how long after the last
    seat went a page still offered one (0 when none did), and a line."""
    port = server.port
    bookings = booking_requests(port, session_id, parties(REQUESTS, label))
    page = http_request("GET", f"/sessions/{session_id}/", port, accept="text/html")
    mixed = [request for pair in zip(bookings, [page] * REQUESTS, strict=True) for request in pair]
    run = fire(port, mixed)
    soldout = sold_out_after(run)
    offer = f'href="/sessions/{session_id}/reserve/"'.encode()
    late = [
        start - soldout
        for request, start, status, body in zip(
            mixed, run.starts, run.statuses, run.bodies, strict=True
        )
        if request is page
        and status == 200
        and offer in body
        and soldout is not None
        and start > soldout
    ]
    stale = max(late, default=0.0)
    return stale, (
        f"staleness: sold out after {soldout or 0:.2f} s; pages offering a seat after that: "
        f"{len(late)}, the last asked for {stale:.2f} s after the last seat went"
    )


def one_round(server: Server, number: int, sessions: dict, label: str) -> Round:
    result = Round()
    floor_before = fire(server.port, ping_requests(server.port, REQUESTS))
    rushes = {}
    # Each round starts from another rush, so that none always follows the open list's 1000
    # writes (on SQLite, a write-ahead log to check-point; on PostgreSQL, dead rows to vacuum).
    shift = (number - 1) % len(KINDS)
    for kind in KINDS[shift:] + KINDS[:shift]:
        rushes[kind], outcomes = rush(
            server, kind, sessions[kind], f"{label}-{kind}-{number}", f"{label}-{number}"
        )
        result.outcomes.update({f"{kind} {k}": v for k, v in outcomes.items()})
    cached_detail, cached_list = page_reads(server.port, sessions["reads"])
    plain_detail, plain_list = page_reads(server.uncached_port, sessions["reads"])
    stale, stale_line = staleness(server, sessions["reads"], f"{label}-reads-{number}")
    floor_after = fire(server.port, ping_requests(server.port, REQUESTS))
    floor = max(floor_before.rate, floor_after.rate)
    closed, opened, limited = (rushes[kind] for kind in KINDS)
    pages = statistics.mean(
        [cached_detail.rate / plain_detail.rate, cached_list.rate / plain_list.rate]
    )
    result.figures = {
        "open/closed req/s": opened.rate / closed.rate,
        "open/closed p99": opened.p99 / closed.p99,
        "limited/closed req/s": limited.rate / closed.rate,
        "pages cached/uncached req/s": pages,
        "staleness s": stale,
        "closed/floor req/s": closed.rate / floor,
    }
    name = f"{label} round {number}"
    result.lines = [
        f"{name}: floor {floor_before.rate:.0f} req/s before, {floor_after.rate:.0f} after",
        *(f"{name}: {rushes[kind].line}" for kind in KINDS),
        f"{name}: session page {cached_detail.rate:.0f} req/s (p99 "
        f"{cached_detail.latency_ms(0.99):.0f} ms) cached, {plain_detail.rate:.0f} uncached; "
        f"list {cached_list.rate:.0f} req/s (p99 {cached_list.latency_ms(0.99):.0f} ms) cached, "
        f"{plain_list.rate:.0f} uncached",
        f"{name}: {stale_line}",
        f"{name}: ratios "
        + ", ".join(f"{key} {value:.2f}" for key, value in result.figures.items()),
    ]
    pages_ok = all(
        set(run.statuses) == {200} for run in (cached_detail, cached_list, plain_detail, plain_list)
    )
    result.ok = all(r.ok for r in rushes.values()) and pages_ok
    return result


def verdicts(label: str, rounds: list[Round]) -> list[str]:
    lines = []
    for key, (sense, target) in TARGETS.items():
        value = statistics.median(r.figures[key] for r in rounds)
        met = value >= target if sense == ">=" else value <= target
        lines.append(
            f"{label}: {key}, median of {len(rounds)} rounds {value:.2f}  target {sense} "
            f"{target}: {'OK' if met else 'MISSED'}"
        )
    closed_floor = statistics.median(r.figures["closed/floor req/s"] for r in rounds)
    lines.append(f"{label}: closed-list rush / floor req/s, median {closed_floor:.2f}")
    return lines


def rush_all(label: str, server: Server, sessions: dict) -> tuple[list[str], bool]:
    fire(server.port, ping_requests(server.port, WARMUP_REQUESTS))
    warmup = fire(
        server.port,
        booking_requests(server.port, sessions["warmup"], parties(WARMUP_REQUESTS, "w")),
    )
    if set(warmup.statuses) != {201}:
        raise RuntimeError(f"warm-up bookings answered {Counter(warmup.statuses)}")
    rounds = [
        one_round(server, number, ids, label)
        for number, ids in enumerate(sessions["rounds"], start=1)
    ]
    ok = all(r.ok for r in rounds)
    outcomes: Counter[str] = sum((r.outcomes for r in rounds), Counter())
    lines = [line for r in rounds for line in r.lines]
    counted = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
    lines.append(f"{label}: answers in all rounds {counted}")
    lines.append(
        f"{label}: overbooked 0, places exact and counters consistent in every round: "
        f"{'OK' if ok else 'NO'}"
    )
    return lines + verdicts(label, rounds), ok


def servers(
    stack: ExitStack, env: dict[str, str], options: list[str], workdir: Path, name: str
) -> tuple[int, int, int]:
    """The server under test and, on the same database, the baseline with no page cache."""
    port, master = start_gunicorn(stack, env, options, workdir / f"gunicorn-{name}.log")
    uncached_env = {**env, "PAGES_CACHE_SECONDS": "0"}
    uncached, _ = start_gunicorn(
        stack, uncached_env, options, workdir / f"gunicorn-{name}-uncached.log"
    )
    return port, master, uncached


def postgres_rush(stack: ExitStack, workdir: Path, workers: int) -> tuple[list[str], bool]:
    url = recreate_postgres_database(stack)
    notifications, where = redis_for_notifications(stack, workdir)
    env = server_env(DATABASE_URL=url, **notifications)
    sessions = prepare(env, script())
    port, master, uncached = servers(stack, env, ["--workers", str(workers)], workdir, "pg")

    def read_state(session_id: int) -> State:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            return State(*conn.execute(STATE_SQL.format(int(session_id))).fetchone())

    server = Server(port, read_state, lambda: cpu_seconds(children(master)), uncached)
    lines, ok = rush_all("postgresql", server, sessions)
    lines.insert(
        0,
        f"postgresql: gunicorn {workers} sync workers, C={CAPACITY}, N={REQUESTS}, "
        f"{CLIENTS} clients, waiting-list limit {WAITLIST_LIMIT} (limited); {where}",
    )
    return lines, ok


def sqlite_rush(stack: ExitStack, workdir: Path) -> tuple[list[str], bool]:
    path = workdir / "bench.sqlite3"
    notifications, where = redis_for_notifications(stack, workdir)
    env = server_env(SQLITE_PATH=str(path), **notifications)
    sessions = prepare(env, script())
    options = ["--workers", "1", "--worker-class", "gthread", "--threads", str(SQLITE_THREADS)]
    port, master, uncached = servers(stack, env, options, workdir, "sqlite")

    def read_state(session_id: int) -> State:
        with sqlite3.connect(path, timeout=30) as conn:
            return State(*conn.execute(STATE_SQL.format(int(session_id))).fetchone())

    server = Server(port, read_state, lambda: cpu_seconds(children(master)), uncached)
    lines, ok = rush_all("sqlite", server, sessions)
    lines.insert(
        0,
        f"sqlite: gunicorn 1 worker x {SQLITE_THREADS} threads on a temporary file, "
        f"C={CAPACITY}, N={REQUESTS}, {CLIENTS} clients; {where}",
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
            with ExitStack() as engine_stack:  # each engine's servers and database go first
                try:
                    engine_lines, ok = engine(engine_stack)
                except Exception as exc:  # report, and still run the other engine
                    failures.append(f"{name}: {exc.__class__.__name__}: {exc}")
                    continue
            lines += engine_lines
            if not ok:
                failures.append(f"{name}: overbooked, places not exact or inconsistent")
    if failures:
        raise RuntimeError("\n".join(lines + failures))
    return lines
