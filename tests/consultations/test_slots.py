"""Free slots: weekly windows in Japan time, minus holidays, days off, bookings and blocks."""

from __future__ import annotations

from datetime import date, time

from consultations.models import AvailabilityWindow, Counsellor, CounsellorLeave
from consultations.selectors import free_slots
from consultations.services import Family, appointment_block, appointment_book
from tests.consultations.conftest import NOW, at


def starts(slots_by_day, day):
    return [slot.start for slot in slots_by_day.get(day, [])]


def test_slots_follow_the_window_with_the_buffer_in_japan_time(kind):
    slots = free_slots(kind, first=date(2027, 1, 12), last=date(2027, 1, 12), now=NOW)
    assert starts(slots, date(2027, 1, 12)) == [at(12, 10), at(12, 10, 40), at(12, 11, 20)]
    first = slots[date(2027, 1, 12)][0]
    assert first.start.isoformat() == "2027-01-12T10:00:00+09:00"
    assert first.end == at(12, 10, 30)


def test_a_public_holiday_has_no_slots(kind):
    # 11 January 2027 is 成人の日, a Monday the counsellor would otherwise work.
    slots = free_slots(kind, first=date(2027, 1, 11), last=date(2027, 1, 18), now=NOW)
    assert date(2027, 1, 11) not in slots
    assert len(starts(slots, date(2027, 1, 18))) == 3


def test_a_day_off_has_no_slots(kind, counsellor):
    CounsellorLeave.objects.create(counsellor=counsellor, date=date(2027, 1, 19), reason="研修")
    slots = free_slots(kind, first=date(2027, 1, 18), last=date(2027, 1, 19), now=NOW)
    assert date(2027, 1, 19) not in slots
    assert date(2027, 1, 18) in slots


def test_a_booking_takes_its_slot_and_its_buffer(kind):
    appointment_book(
        kind=kind, start=at(12, 10, 40), family=Family("山田 花子", "a@example.jp"), now=NOW
    )
    slots = free_slots(kind, first=date(2027, 1, 12), last=date(2027, 1, 12), now=NOW)
    assert starts(slots, date(2027, 1, 12)) == [at(12, 10), at(12, 11, 20)]


def test_a_block_removes_the_slots_it_overlaps(kind, counsellor):
    appointment_block(counsellor=counsellor, start=at(18, 10, 50), minutes=10)
    slots = free_slots(kind, first=date(2027, 1, 18), last=date(2027, 1, 18), now=NOW)
    assert starts(slots, date(2027, 1, 18)) == [at(18, 10), at(18, 11, 20)]


def test_lead_time_limits_the_range(kind):
    # Opens 1 day ahead (Saturday the 9th) and closes 4 weeks ahead (Friday 5 February).
    slots = free_slots(kind, first=date(2027, 1, 1), last=date(2027, 3, 31), now=NOW)
    assert min(slots) == date(2027, 1, 12)
    assert max(slots) <= date(2027, 2, 5)
    assert max(slots) == date(2027, 2, 2)  # the last Tuesday in range
    none_today = free_slots(kind, first=date(2027, 1, 8), last=date(2027, 1, 8), now=NOW)
    assert none_today == {}


def test_two_counsellors_offer_the_same_time_and_stay_few_queries(
    kind, facility, django_assert_max_num_queries
):
    for n in range(9):
        other = Counsellor.objects.create(
            facility=facility, role="other", display_name=f"保健師{n}"
        )
        AvailabilityWindow.objects.create(
            counsellor=other, weekday=1, start_time=time(10), end_time=time(12)
        )
        kind.counsellors.add(other)
    with django_assert_max_num_queries(5):  # and the closed days
        slots = free_slots(kind, first=date(2027, 1, 9), last=date(2027, 2, 5), now=NOW)
    assert len(starts(slots, date(2027, 1, 12))) == 30
