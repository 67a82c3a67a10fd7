"""What a rush round runs on: its sessions, made by `manage.py shell -c` in the server's
environment, and the database's account of a session afterwards."""

from __future__ import annotations

import os
from dataclasses import dataclass

CAPACITY = 100
WAITLIST_LIMIT = 20
ROUNDS = int(os.environ.get("BENCH_RUSH_ROUNDS", "5"))

# Run by `manage.py shell -c` in the server's environment: per round one session of each
# kind and one for the page reads, and a roomy warm-up session; prints their ids.
CREATE_SESSIONS = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import Facility, Program, Session

now = timezone.now().replace(microsecond=0)
facility = Facility.objects.create(
    name="すこやか子育て交流館", slug="bench-centre", city="鹿児島市", address="山下町15-1"
)

def program(slug, **rules):
    return Program.objects.create(
        title="親子ふれあい遊び", slug=slug, max_adults=2, max_children=3, **rules
    )

programs = {
    "closed": program("bench-closed", waitlist_enabled=False),
    "open": program("bench-open", waitlist_enabled=True),
    "limited": program("bench-limited", waitlist_enabled=True, waitlist_limit=LIMIT),
}

def session(program, capacity):
    start = now + timedelta(days=7)
    return Session.objects.create(
        program=program, facility=facility, start=start, end=start + timedelta(hours=1),
        capacity=capacity, registration_opens=now - timedelta(days=1),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    ).pk

rounds = [
    {
        **{kind: session(programs[kind], CAPACITY) for kind in programs},
        "reads": session(programs["closed"], CAPACITY),
    }
    for _ in range(ROUNDS)
]
print(json.dumps({"rounds": rounds, "warmup": session(programs["open"], 100000)}))
"""

# The session's counters and its parties, read from the database after a rush.
STATE_SQL = (
    "SELECT s.capacity, s.seats_taken, s.waitlist_taken,"
    " (SELECT COALESCE(SUM(r.seats), 0) FROM booking_reservation r"
    "  WHERE r.session_id = s.id AND r.status = 'confirmed'),"
    " (SELECT COUNT(*) FROM booking_reservation r"
    "  WHERE r.session_id = s.id AND r.status = 'confirmed'),"
    " (SELECT COUNT(*) FROM booking_reservation r"
    "  WHERE r.session_id = s.id AND r.status = 'waitlisted')"
    " FROM events_session s WHERE s.id = {}"
)


@dataclass
class State:
    capacity: int
    seats_taken: int
    waitlist_taken: int
    confirmed_parties_seats: int
    confirmed_parties: int
    waitlisted_parties: int


def script() -> str:
    return (
        CREATE_SESSIONS.replace("CAPACITY", str(CAPACITY))
        .replace("ROUNDS", str(ROUNDS))
        .replace("LIMIT", str(WAITLIST_LIMIT))
    )
