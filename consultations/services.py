"""Writes: book, block, cancel, rebook and close appointments, each in one transaction.

A booking locks the consultation type's row and then the counsellor's, so bookings of one
type are decided one after the other (the per-family limit and the buffer around each slot
are read under those locks); the conditional unique constraint on (counsellor, start) is the
last guard: a second holder of a slot is refused by the database, answered as ``slot_taken``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.services.tokens import generate_code, generate_token, hash_token
from consultations.audit import appointment_action_record
from consultations.emails import (
    notify_appointment_booked,
    notify_appointment_cancelled,
    notify_appointment_changed,
)
from consultations.models import (
    Appointment,
    AppointmentAnswers,
    AppointmentStatus,
    ConsultationActionKind,
    ConsultationMode,
    ConsultationType,
    Counsellor,
)
from consultations.selectors import change_deadline, held_by_family, slot_is_offered
from consultations.topics import topic_stored
from core.errors import AppError, AppValidationError


@dataclass(frozen=True)
class Family:
    """The minimum contact data of a booking, and the questionnaire."""

    name: str
    email: str
    phone: str = ""
    language: str = "ja"
    child_age_months: int | None = None
    topic: str = ""
    free_text: str = ""


def family_from_data(data: Mapping[str, Any], *, language: str = "ja") -> Family:
    """Build the family from a validated booking form or API body."""
    return Family(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        language=language,
        child_age_months=data["child_age_months"],
        topic=data["topic"],
        free_text=data["free_text"],
    )


def _slot_taken() -> AppError:
    return AppError("slot_taken", _("This time has just been taken. Please choose another."))


def _insert(appointment: Appointment) -> Appointment:
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except IntegrityError as exc:
        raise _slot_taken() from exc
    return appointment


def _new_code() -> str:
    while True:
        code = generate_code()
        if not Appointment.objects.filter(code=code).exists():
            return code


@transaction.atomic
def appointment_book(
    *,
    kind: ConsultationType,
    start: datetime,
    family: Family,
    counsellor_id: int | None = None,
    by_staff: bool = False,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> tuple[Appointment, str]:
    """Book a free slot of ``kind`` for a family; return the appointment and its manage token.

    Staff booking for a family who phoned skip the lead time but not the other rules; ``by``,
    the staff member, is named in the audit log.
    """
    now = now or timezone.now()
    ConsultationType.objects.select_for_update().filter(pk=kind.pk).first()
    # The Japanese item, whatever language the family chose it in (consultations.topics).
    topic = topic_stored(kind, family.topic, family.language)
    if topic is None:
        raise AppError("invalid_topic", _("Choose a topic from the list."), status_code=400)
    if phone_missing(kind, family.phone):
        raise AppValidationError({"phone": [PHONE_NEEDED]})
    # A family who phoned may have no email: staff then keep the limit in mind themselves.
    held = 0
    if family.email.strip():
        held = Appointment.objects.filter(
            held_by_family(family.email.strip(), now=now), consultation_type=kind
        ).count()
    if held >= kind.max_held_per_family:
        raise AppError(
            "too_many_held",
            _("You already hold as many consultations of this kind as one family may."),
        )
    lead = not by_staff
    slot = slot_is_offered(kind, start=start, counsellor_id=counsellor_id, now=now, lead=lead)
    if slot is None:
        raise _slot_taken()
    Counsellor.objects.select_for_update().filter(pk=slot.counsellor_id).first()
    # Read again under the counsellor's lock: another type's booking may have taken the time.
    again = slot_is_offered(kind, start=start, counsellor_id=slot.counsellor_id, now=now, lead=lead)
    if again is None:
        raise _slot_taken()
    token = generate_token()
    appointment = _insert(
        Appointment(
            consultation_type=kind,
            counsellor_id=slot.counsellor_id,
            start=slot.start,
            end=slot.end,
            held_until=slot.end + timedelta(minutes=kind.buffer_minutes),
            code=_new_code(),
            token_hash=hash_token(token),
            name=family.name,
            email=family.email.strip(),
            phone=family.phone,
            language=family.language,
            booked_by_staff=by_staff,
        )
    )
    AppointmentAnswers.objects.create(
        appointment=appointment,
        child_age_months=family.child_age_months,
        topic=topic,
        free_text=family.free_text,
    )
    if by is not None:
        appointment_action_record(
            by, ConsultationActionKind.BOOKED, appointment, start=appointment.start
        )
    if appointment.email:
        notify_appointment_booked(appointment, token=token)
    return appointment, token


PHONE_NEEDED = _("Give the phone number we should call for the consultation.")


def phone_needed(kind: ConsultationType) -> bool:
    """A consultation by phone is a call from the counsellor: without a number nobody rings."""
    return kind.mode == ConsultationMode.PHONE


def phone_missing(kind: ConsultationType, phone: str) -> bool:
    return phone_needed(kind) and not phone.strip()


@transaction.atomic
def appointment_block(
    *,
    counsellor: Counsellor,
    start: datetime,
    minutes: int,
    by: AbstractBaseUser | None = None,
) -> Appointment:
    """Hold a counsellor's time so that no family can book it (a meeting, a visit)."""
    Counsellor.objects.select_for_update().filter(pk=counsellor.pk).first()
    end = start + timedelta(minutes=minutes)
    clash = Appointment.objects.filter(
        counsellor=counsellor,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.BLOCKED],
        start__lt=end,
        held_until__gt=start,
    ).exists()
    if clash:
        raise _slot_taken()
    block = _insert(
        Appointment(
            counsellor=counsellor,
            start=start,
            end=end,
            held_until=end,
            status=AppointmentStatus.BLOCKED,
            code=_new_code(),
        )
    )
    if by is not None:
        appointment_action_record(
            by, ConsultationActionKind.BLOCKED, block, start=block.start, end=block.end
        )
    return block


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    by_staff: bool = False,
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel an appointment (or lift a block); the slot is free again at once."""
    now = now or timezone.now()
    if not by_staff and now > change_deadline(appointment):
        raise AppError(
            "cancellation_closed",
            _("It is too late to cancel or change online. Please call the facility."),
        )
    changed = Appointment.objects.filter(
        pk=appointment.pk, status__in=[AppointmentStatus.BOOKED, AppointmentStatus.BLOCKED]
    ).update(status=AppointmentStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=now)
    if not changed:
        raise AppError("not_cancellable", _("This appointment is no longer held."))
    was = appointment.status
    appointment.refresh_from_db()
    if by is not None:
        lifted = was == AppointmentStatus.BLOCKED
        kind = ConsultationActionKind.UNBLOCKED if lifted else ConsultationActionKind.CANCELLED
        appointment_action_record(by, kind, appointment, was=was)
    if appointment.consultation_type_id and appointment.email:
        notify_appointment_cancelled(appointment)
    return appointment


@transaction.atomic
def appointment_rebook(
    *, appointment: Appointment, start: datetime, token: str = "", now: datetime | None = None
) -> Appointment:
    """Move a family's appointment to another free slot of its type, before the deadline.

    The same row (code, manage token, calendar UID) takes the new time with a raised SEQUENCE,
    and the family gets a REQUEST that updates the event; if the new time is gone, nothing
    changes. Locks as a booking does: the type's row, then the counsellor's.
    """
    now = now or timezone.now()
    kind = appointment.consultation_type
    if kind is None:
        raise AppError("not_booked", _("This appointment is not booked."))
    ConsultationType.objects.select_for_update().filter(pk=kind.pk).first()
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.status != AppointmentStatus.BOOKED:
        raise AppError("not_booked", _("This appointment is not booked."))
    if now > change_deadline(current):
        raise AppError(
            "cancellation_closed",
            _("It is too late to cancel or change online. Please call the facility."),
        )
    slot = slot_is_offered(kind, start=start, now=now, ignore_pk=current.pk)
    if slot is None or (slot.start, slot.counsellor_id) == (current.start, current.counsellor_id):
        raise _slot_taken()
    Counsellor.objects.select_for_update().filter(pk=slot.counsellor_id).first()
    again = slot_is_offered(
        kind, start=start, counsellor_id=slot.counsellor_id, now=now, ignore_pk=current.pk
    )
    if again is None:
        raise _slot_taken()
    was = (current.start, current.end)
    try:
        with transaction.atomic():
            Appointment.objects.filter(pk=current.pk).update(
                counsellor_id=slot.counsellor_id,
                start=slot.start,
                end=slot.end,
                held_until=slot.end + timedelta(minutes=kind.buffer_minutes),
                sequence=F("sequence") + 1,
                updated_at=now,
            )
    except IntegrityError as exc:
        raise _slot_taken() from exc
    current.refresh_from_db()
    notify_appointment_changed(current, token=token, was=was)
    return current


@transaction.atomic
def appointment_close(
    *,
    appointment: Appointment,
    status: str,
    note: str = "",
    by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Mark a booked appointment done or a no-show once it has begun, with a private note."""
    now = now or timezone.now()
    if status not in (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW):
        raise AppError("invalid_status", _("Choose done or no-show."), status_code=400)
    if appointment.start > now:
        raise AppError("not_started", _("The consultation has not begun yet."))
    changed = Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).update(
        status=status, updated_at=now
    )
    if not changed:
        raise AppError("not_booked", _("This appointment is not booked."))
    if note:
        AppointmentAnswers.objects.update_or_create(
            appointment=appointment, defaults={"staff_note": note}
        )
    appointment.refresh_from_db()
    if by is not None:
        appointment_action_record(by, ConsultationActionKind.CLOSED, appointment)
    return appointment


@transaction.atomic
def appointment_note(
    *, appointment: Appointment, note: str, by: AbstractBaseUser | None = None
) -> AppointmentAnswers:
    """Keep the counsellor's private note of a consultation that took place (or was missed)."""
    if appointment.status not in (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW):
        raise AppError("not_closed", _("Mark the consultation done or a no-show first."))
    answers, _created = AppointmentAnswers.objects.update_or_create(
        appointment=appointment, defaults={"staff_note": note.strip()}
    )
    if by is not None:  # that a note was written, not what it says: it is the counsellor's
        appointment_action_record(by, ConsultationActionKind.NOTE, appointment)
    return answers
