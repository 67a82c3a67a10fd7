"""What the desk role's tests share: the day's sessions and parties a desk member works with,
a party's status as the database has it, and what a refused request must leave as it was.

The ``desk_a`` and ``day`` fixtures that build them are in conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.models import Reservation
from events.models import Session
from schedule.models import Series
from staffdesk.models import StaffAction


@dataclass
class Day:
    started: Session  # began half an hour ago: check-in, no-shows, walk-ins
    future: Session  # next week: phone bookings, cancel, capacity, the party page
    waiting: Session  # full, a party waiting and a seat given back for the promotion
    lottery: Session  # lottery applications open
    first: Reservation  # two parties of the started session
    second: Reservation
    future_party: Reservation
    waiter: Reservation


def status_of(reservation: Reservation) -> str:
    return Reservation.objects.get(pk=reservation.pk).status


def snapshot():
    """What a refused request must leave as it was: reservations, sessions, series, the log."""
    return (
        sorted(Reservation.objects.values_list("code", "status", "session_id", "adults")),
        sorted(
            Session.objects.values_list(
                "pk", "start", "capacity", "seats_taken", "status", "sequence"
            )
        ),
        Series.objects.count(),
        StaffAction.objects.exclude(kind="export").count(),
    )
