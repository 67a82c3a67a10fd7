"""Booking rules: one holder per slot (the database says so too), the per-family limit, the
change deadline, rebooking, closing, and who may read the questionnaire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from consultations.models import Appointment, AppointmentStatus
from consultations.selectors import can_read_answers, free_slots
from consultations.services import (
    Family,
    appointment_book,
    appointment_cancel,
    appointment_close,
    appointment_rebook,
)
from core.errors import AppError
from events.models import StaffRole
from tests.consultations.conftest import NOW, at
from tests.factories import FacilityFactory, staff_user

HANAKO = Family(
    "山田 花子", "hanako@example.jp", child_age_months=14, topic="入園", free_text="保育園"
)


def test_the_database_refuses_a_second_holder_of_a_slot(kind, counsellor):
    first, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    twin = Appointment(
        counsellor=counsellor,
        consultation_type=kind,
        start=first.start,
        end=first.end,
        held_until=first.held_until,
        code="ZZZ-9999",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # A cancelled appointment no longer holds its slot.
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.CANCELLED)
    twin.save()


def test_a_taken_slot_is_refused_as_slot_taken(kind):
    appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    other = Family("佐藤 太郎", "taro@example.jp")
    with pytest.raises(AppError) as refused:
        appointment_book(kind=kind, start=at(12, 10), family=other, now=NOW)
    assert refused.value.code == "slot_taken"
    assert refused.value.status_code == 409
    # Inside the buffer of the booked slot too.
    with pytest.raises(AppError):
        appointment_book(kind=kind, start=at(12, 10, 20), family=other, now=NOW)


def test_a_family_holds_at_most_the_types_limit(kind):
    appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    with pytest.raises(AppError) as refused:
        appointment_book(kind=kind, start=at(18, 10), family=HANAKO, now=NOW)
    assert refused.value.code == "too_many_held"


def test_a_topic_outside_the_list_is_refused(kind):
    family = Family("山田 花子", "hanako@example.jp", topic="株式投資")
    with pytest.raises(AppError) as refused:
        appointment_book(kind=kind, start=at(12, 10), family=family, now=NOW)
    assert refused.value.status_code == 400


def test_cancel_frees_the_slot_before_the_deadline_only(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    late = at(12, 10) - timedelta(hours=23)
    with pytest.raises(AppError) as refused:
        appointment_cancel(appointment=appointment, now=late)
    assert refused.value.code == "cancellation_closed"
    appointment_cancel(appointment=appointment, now=NOW)
    again, _ = appointment_book(
        kind=kind, start=at(12, 10), family=Family("佐藤", "s@example.jp"), now=NOW
    )
    assert again.status == AppointmentStatus.BOOKED


def test_staff_may_cancel_after_the_deadline(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    appointment_cancel(appointment=appointment, by_staff=True, now=at(12, 9))
    assert appointment.status == AppointmentStatus.CANCELLED


def test_rebook_moves_the_appointment_and_keeps_the_answers(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    moved = appointment_rebook(appointment=appointment, start=at(18, 11, 20), now=NOW)
    assert moved.start == at(18, 11, 20)
    assert moved.held_until == at(18, 12)
    assert moved.answers.topic == "入園"
    # The same row moved: its code and its token stay, the old time is free again.
    assert moved.pk == appointment.pk and moved.code == appointment.code
    assert moved.status == AppointmentStatus.BOOKED and moved.sequence == 1
    assert at(12, 10) in [
        s.start
        for s in free_slots(kind, first=at(12, 0).date(), last=at(12, 0).date(), now=NOW)[
            at(12, 0).date()
        ]
    ]


def test_a_failed_rebook_keeps_the_old_appointment(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    appointment_book(kind=kind, start=at(18, 10), family=Family("佐藤", "s@example.jp"), now=NOW)
    with pytest.raises(AppError):
        appointment_rebook(appointment=appointment, start=at(18, 10), now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_close_marks_done_with_a_private_note(kind):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    with pytest.raises(AppError):
        appointment_close(appointment=appointment, status="done", now=NOW)
    appointment_close(appointment=appointment, status="done", note="次回は発達相談", now=at(12, 11))
    assert appointment.status == AppointmentStatus.DONE
    assert appointment.answers.staff_note == "次回は発達相談"


def test_answers_are_read_by_the_counsellor_and_managers_only(kind, counsellor, facility):
    appointment, _token = appointment_book(kind=kind, start=at(12, 10), family=HANAKO, now=NOW)
    manager = staff_user(facility, StaffRole.MANAGER)
    viewer = staff_user(facility, StaffRole.VIEWER)
    elsewhere = staff_user(FacilityFactory(), StaffRole.MANAGER)
    own = staff_user(FacilityFactory(), StaffRole.VIEWER, username="concierge")
    counsellor.user = own
    counsellor.save()
    appointment.refresh_from_db()
    assert can_read_answers(manager, appointment)
    assert can_read_answers(own, appointment)
    assert not can_read_answers(viewer, appointment)
    assert not can_read_answers(elsewhere, appointment)
