"""What the series' tests start from: a series published through January 2027, a party
booked as soon as its session opens, and the series page's form filled in for February 2027."""

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


def series_page_form(**changes) -> dict:
    """The staff's 定期開催 form for programme "fureai" at facility "ribbon": Wednesdays of
    February 2027, 13:00-14:00, 10 seats, opening 30 days before at 09:00."""
    return {
        "program": "fureai",
        "facility": "ribbon",
        "weekdays": ["3"],
        "start_time": "13:00",
        "end_time": "14:00",
        "first_date": "2027-02-01",
        "last_date": "2027-02-28",
        "capacity": "10",
        "opens_rule": "days_before",
        "opens_days_before": "30",
        "opens_time": "09:00",
        "closes_days_before": "1",
        "closes_time": "17:00",
    } | changes
