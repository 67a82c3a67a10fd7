"""A counsellor's held times never overlap, across consultation types, by the database itself:
an exclusion constraint on PostgreSQL, triggers on SQLite (migration 0002)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from consultations.models import Appointment, AppointmentStatus
from tests.consultations.conftest import at


def held(counsellor, start, minutes, code, status=AppointmentStatus.BOOKED, buffer=0):
    end = start + timedelta(minutes=minutes)
    return Appointment(
        counsellor=counsellor,
        start=start,
        end=end,
        held_until=end + timedelta(minutes=buffer),
        status=status,
        code=code,
    )


def test_an_overlapping_insert_is_refused_by_the_database(counsellor):
    held(counsellor, at(12, 10), 30, "AAA-0001", buffer=10).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        held(counsellor, at(12, 10, 20), 45, "AAA-0002").save()
    # Its buffer holds the time too: 10:30 to 10:40.
    with pytest.raises(IntegrityError), transaction.atomic():
        held(counsellor, at(12, 10, 35), 20, "AAA-0003", status=AppointmentStatus.BLOCKED).save()
    # Right after the buffer, and a cancelled one anywhere, are fine.
    held(counsellor, at(12, 10, 40), 30, "AAA-0004").save()
    held(counsellor, at(12, 10, 10), 30, "AAA-0005", status=AppointmentStatus.CANCELLED).save()
    assert Appointment.objects.count() == 3


def test_an_overlapping_update_is_refused_by_the_database(counsellor, facility):
    held(counsellor, at(12, 10), 30, "BBB-0001").save()
    later = held(counsellor, at(12, 11), 30, "BBB-0002")
    later.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=later.pk).update(
            start=at(12, 10, 15), end=at(12, 10, 45), held_until=at(12, 10, 45)
        )
    # Moving within its own time is not an overlap with itself.
    Appointment.objects.filter(pk=later.pk).update(
        start=at(12, 11, 10), end=at(12, 11, 40), held_until=at(12, 11, 40)
    )
    cancelled = held(counsellor, at(12, 10, 5), 10, "BBB-0003", status="cancelled")
    cancelled.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.BOOKED)


def test_other_counsellors_are_not_concerned(counsellor, facility):
    from consultations.models import Counsellor

    other = Counsellor.objects.create(facility=facility, role="other", display_name="保健師")
    held(counsellor, at(12, 10), 30, "CCC-0001").save()
    held(other, at(12, 10, 10), 30, "CCC-0002").save()
    assert Appointment.objects.count() == 2
