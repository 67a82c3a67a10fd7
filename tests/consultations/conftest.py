"""A counsellor with Monday and Tuesday mornings, and 入園相談 (30 minutes + 10 of buffer)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consultations.closures import closed_dates
from consultations.models import Appointment, AvailabilityWindow, ConsultationType, Counsellor
from consultations.selectors import is_public_holiday
from consultations.services import Family, appointment_book
from tests.factories import FacilityFactory

TOKYO = ZoneInfo("Asia/Tokyo")
# Friday 8 January 2027, 09:00 in Japan; Monday the 11th is 成人の日.
NOW = datetime(2027, 1, 8, 9, 0, tzinfo=TOKYO)


def ordinary_tuesday(facility, *, ahead: bool) -> date:
    """A Tuesday (a day the counsellor works) that is neither a holiday nor closed."""
    day = timezone.localdate() + timedelta(days=8 if ahead else -8)
    step = timedelta(days=1 if ahead else -1)
    while day.weekday() != 1 or is_public_holiday(day) or closed_dates([facility.pk], day, day):
        day += step
    return day


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=TOKYO)


def ten(day: date, minute: int = 0) -> datetime:
    """10:MM in Japan on the day: the counsellor's first free hour."""
    return datetime.combine(day, time(10, minute), TOKYO)


def held_on(kind: ConsultationType, day: date, family: Family) -> Appointment:
    """A consultation at 10:00 on a past day, booked by staff for the family two days before it
    (the service refuses a time already gone)."""
    appointment, _token = appointment_book(
        kind=kind, start=ten(day), family=family, by_staff=True, now=ten(day) - timedelta(days=2)
    )
    return appointment


@pytest.fixture
def facility(db):
    return FacilityFactory()


@pytest.fixture
def counsellor(facility):
    counsellor = Counsellor.objects.create(
        facility=facility, role="concierge", display_name="子育てコンシェルジュ"
    )
    for weekday in (0, 1):
        AvailabilityWindow.objects.create(
            counsellor=counsellor, weekday=weekday, start_time=time(10), end_time=time(12)
        )
    return counsellor


@pytest.fixture
def kind(facility, counsellor):
    kind = ConsultationType.objects.create(
        facility=facility,
        slug="nyuen",
        title="入園相談",
        minutes=30,
        buffer_minutes=10,
        opens_days_ahead=1,
        closes_weeks_ahead=4,
        cancel_hours_before=24,
        max_held_per_family=1,
        topics=["入園", "発達", "その他"],
    )
    kind.counsellors.add(counsellor)
    return kind


@pytest.fixture
def tuesday_ahead(kind, facility, settings) -> date:
    """For the API and the pages, which use the real clock: an ordinary Tuesday a week or more
    ahead, inside the type's booking window (eight weeks), with the API's throttles off."""
    settings.API_THROTTLE_ENABLED = False
    kind.closes_weeks_ahead = 8
    kind.save()
    return ordinary_tuesday(facility, ahead=True)


from tests.browser import browser  # noqa: E402, F401  (the Chromium fixture for test_browser.py)
