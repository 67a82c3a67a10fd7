"""A parent's bookings of every kind, for the tests of private feeds and their links."""

import pytest

from events.models import BookingMode
from tests.calendars.feed_requests import days_from_now
from tests.factories import ProgramFactory, SessionFactory, book


@pytest.fixture
def parent_bookings(facility):
    """hanako@ has a seat, a waiting-list place and a lottery application; taro@ has a seat."""
    program = ProgramFactory(title="親子ふれあい遊び")
    seat = SessionFactory(facility=facility, program=program, start=days_from_now(3))
    full = SessionFactory(facility=facility, program=program, start=days_from_now(4), capacity=1)
    lottery_program = ProgramFactory(title="離乳食教室", booking_mode=BookingMode.LOTTERY)
    lottery = SessionFactory(
        facility=facility,
        program=lottery_program,
        start=days_from_now(20),
        registration_closes=days_from_now(10),
    )
    others = SessionFactory(facility=facility, program=program, start=days_from_now(6))
    book(full, email="someone@example.jp", name="先着 さん")
    mine = {
        "seat": book(seat, email="hanako@example.jp").reservation,
        "waitlisted": book(full, email="hanako@example.jp").reservation,
        "applied": book(lottery, email="Hanako@Example.jp").reservation,
    }
    book(others, email="taro@example.jp", name="田中 太郎")
    assert [r.status for r in mine.values()] == ["confirmed", "waitlisted", "applied"]
    return mine, others
