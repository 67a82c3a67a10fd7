"""Personal data of appointments under the reservations' rules (``booking.privacy``): after
PERSONAL_DATA_RETENTION_DAYS past the consultation, or on request, the name, contact,
questionnaire answers and the counsellor's note are removed; the row stays (type, time, status)
so the yearly counts stay right, and its emails lose their address and links. Staff find a
family's appointments by email address or by phone number, as its reservations."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from booking.privacy import (
    ANONYMISED_DOMAIN,
    ERASED_NAME,
    DataSubject,
    PersonalDataHolder,
    personal_data_holder_register,
    phone_matches,
)
from booking.services.tokens import hash_token
from consultations.models import Appointment, AppointmentAnswers, AppointmentStatus
from consultations.services import appointment_cancel
from notifications.models import Notification


@transaction.atomic
def appointment_anonymise(*, appointment: Appointment) -> Appointment:
    """Remove what identifies the family of one appointment, and its emails' addresses."""
    Appointment.objects.filter(pk=appointment.pk).update(
        name=ERASED_NAME,
        email=f"erased-a{appointment.pk}@{ANONYMISED_DOMAIN}",
        phone="",
        token_hash=hash_token(secrets.token_urlsafe(32)),  # the manage link opens nothing
        updated_at=timezone.now(),
    )
    AppointmentAnswers.objects.filter(appointment=appointment).update(
        child_age_months=None, topic="", free_text="", staff_note=""
    )
    Notification.objects.filter(
        kind__startswith="appointment_", payload__appointment_id=appointment.pk
    ).update(to_email=f"erased@{ANONYMISED_DOMAIN}", payload={"appointment_id": appointment.pk})
    appointment.refresh_from_db()
    return appointment


def appointments_of(subject: DataSubject, facility_ids: set[int] | None) -> QuerySet[Appointment]:
    """A family's appointments at the facilities (None: all), by address or by phone number."""
    found = Appointment.objects.exclude(status=AppointmentStatus.BLOCKED)
    if facility_ids is not None:
        found = found.filter(counsellor__facility_id__in=facility_ids)
    if subject.phone:
        return phone_matches(found, subject.phone)
    return found.filter(email__iexact=subject.email)


def appointments_erase(subject: DataSubject, facility_ids: set[int] | None) -> list[str]:
    """Erase what the facilities hold of an address's or a phone number's appointments (a held
    one to come is cancelled first); return their codes."""
    found = appointments_of(subject, facility_ids)
    codes = []
    for appointment in found.order_by("pk"):
        if appointment.status == AppointmentStatus.BOOKED and appointment.start > timezone.now():
            appointment_cancel(appointment=appointment, by_staff=True)
        codes.append(appointment.code)
        appointment_anonymise(appointment=appointment)
    return codes


def appointments_purge(*, now: datetime | None = None) -> int:
    """Anonymise the appointments that ended more than the retention period ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    due = (
        Appointment.objects.filter(end__lt=cutoff)
        .exclude(status=AppointmentStatus.BLOCKED)
        .exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
    )
    count = 0
    for appointment in due.order_by("pk").iterator():
        appointment_anonymise(appointment=appointment)
        count += 1
    return count


def appointments_export(
    subject: DataSubject, facility_ids: set[int] | None, private_facility_ids: set[int] | None
) -> list[dict]:
    """The appointments held for an address or a phone number at the facilities, for a data
    subject's request; the questionnaire's answers and the note only where the reader is a
    manager."""
    found = (
        appointments_of(subject, facility_ids)
        .select_related("consultation_type", "counsellor__facility", "answers")
        .order_by("start", "pk")
    )
    rows = []
    for appointment in found:
        facility = appointment.counsellor.facility
        row = {
            "code": appointment.code,
            "status": appointment.status,
            "consultation": getattr(appointment.consultation_type, "slug", None),
            "facility": facility.slug,
            "start": appointment.start.isoformat(),
            "end": appointment.end.isoformat(),
            "name": appointment.name,
            "email": appointment.email,
            "phone": appointment.phone,
            "language": appointment.language,
            "created_at": appointment.created_at.isoformat(),
        }
        answers = getattr(appointment, "answers", None)
        if answers is not None and (
            private_facility_ids is None or facility.pk in private_facility_ids
        ):
            row["answers"] = {
                "child_age_months": answers.child_age_months,
                "topic": answers.topic,
                "free_text": answers.free_text,
                "staff_note": answers.staff_note,
            }
        rows.append(row)
    return rows


def register() -> None:
    """Export and erase appointments with the reservations (``booking.privacy``)."""
    personal_data_holder_register(
        PersonalDataHolder(
            name="appointments",
            export=appointments_export,
            erase=appointments_erase,
        )
    )
