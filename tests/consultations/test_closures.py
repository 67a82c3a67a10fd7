"""A facility's closed days and 年末年始 (the schedule's) close its consultations too, through
the reader the schedule registers with the consultations app (which cannot import it)."""

from __future__ import annotations

from datetime import date, datetime

from consultations.closures import READERS
from consultations.selectors import free_slots
from schedule.models import ClosedDay
from tests.consultations.conftest import NOW, TOKYO
from tests.factories import FacilityFactory


def test_the_schedule_registers_its_reader():
    assert "schedule" in READERS


def test_a_closed_day_of_the_facility_has_no_slots(kind, facility):
    ClosedDay.objects.create(facility=facility, date=date(2027, 1, 19), name="館内点検")
    ClosedDay.objects.create(facility=FacilityFactory(), date=date(2027, 1, 18), name="他館")
    slots = free_slots(kind, first=date(2027, 1, 18), last=date(2027, 1, 26), now=NOW)
    assert date(2027, 1, 19) not in slots
    # Another facility's closed day is not this one's.
    assert len(slots[date(2027, 1, 18)]) == 3
    assert len(slots[date(2027, 1, 26)]) == 3


def test_the_new_year_closure_has_no_slots(kind):
    now = datetime(2026, 12, 20, 9, tzinfo=TOKYO)
    slots = free_slots(kind, first=date(2026, 12, 28), last=date(2027, 1, 5), now=now)
    assert sorted(slots) == [date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 5)]


def test_a_week_with_a_holiday_and_a_closed_day(kind, facility):
    # 11 January 2027 is 成人の日; the 12th is closed; the 18th and 19th stay open.
    ClosedDay.objects.create(facility=facility, date=date(2027, 1, 12), name="研修日")
    slots = free_slots(kind, first=date(2027, 1, 11), last=date(2027, 1, 19), now=NOW)
    assert sorted(slots) == [date(2027, 1, 18), date(2027, 1, 19)]
