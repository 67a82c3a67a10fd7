"""What the permission tests share: the secret party of facility A, the world's sessions, the
roles that try every endpoint and page, and what a refused request must leave as it was.

The ``world`` and ``users`` fixtures that build them are in conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from booking.models import Reservation
from events.models import Session
from staffdesk.models import StaffAction

SECRET_NAME = "秘密 花子"  # a party of facility A: must never show up for anybody else
SECRET_EMAIL = "secret-parent@example.jp"


@dataclass
class World:
    started: Session  # began 30 minutes ago: check-in, no-shows, walk-ins
    future: Session  # next week: move, cancel, capacity
    waiting: Session  # full, with a waitlisted party and one seat given back
    lottery: Session  # lottery applications open
    party_code: str
    waiting_code: str


def in_a_week():
    return (timezone.now() + timedelta(days=9)).replace(microsecond=0)


def snapshot():
    return (
        sorted(Reservation.objects.values_list("code", "status", "session_id", "course_id")),
        sorted(
            Session.objects.values_list(
                "pk", "start", "facility_id", "capacity", "seats_taken", "status", "sequence"
            )
        ),
        StaffAction.objects.filter(kind__in=["check_in", "walk_in", "session_move"]).count(),
        StaffAction.objects.exclude(kind="export").count(),
    )


ROLES = ["anonymous", "manager_b", "no_facility", "viewer_a", "manager_a", "superuser"]
