"""What the series' tests start from: a series published through January 2027, and a party
booked as soon as its session opens."""

from __future__ import annotations

from datetime import date, time, timedelta

from schedule.services import SeriesPattern, series_publish
from tests.factories import book


def booked(session, email):
    return book(session, email=email, now=session.registration_opens + timedelta(minutes=1))


def january_series(program, facility, *, weekdays, by=None):
    """Publish a 10:00-11:00 series of 15 seats on ``weekdays`` through January 2027."""
    return series_publish(
        SeriesPattern(
            program=program,
            facility=facility,
            weekdays=list(weekdays),
            start_time=time(10),
            end_time=time(11),
            first_date=date(2027, 1, 1),
            last_date=date(2027, 1, 31),
            capacity=15,
        ),
        by=by,
    )
