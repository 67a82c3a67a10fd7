"""What "my reservations" lists besides reservations: what other apps book by email address
(consultations' appointments). The apps above booking register their lister at start-up, as
booking cannot import them (``booking.privacy``'s holders do the same for personal data).

A lister gives an address's bookings still to come, each with the URL of its page opened by
the "my reservations" key (``booking.links``), which that app's page accepts as a credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from events.models import Facility


@dataclass(frozen=True)
class OtherBooking:
    kind: str  # what it is, in the page's language (個別相談)
    subject: Model  # what was booked, with its translated ``title`` (入園相談)
    start: datetime
    end: datetime
    facility: Facility
    code: str
    url: str


# (email address, the list's key, now) -> the address's bookings still to come
Lister = Callable[[str, str, datetime], list[OtherBooking]]
LISTERS: dict[str, Lister] = {}


def booking_lister_register(name: str, lister: Lister) -> None:
    LISTERS[name] = lister


def other_bookings_for_email(*, email: str, key: str, now: datetime) -> list[OtherBooking]:
    """Every registered app's bookings of an address still to come, the soonest first."""
    found = [booking for lister in LISTERS.values() for booking in lister(email, key, now)]
    return sorted(found, key=lambda booking: booking.start)
