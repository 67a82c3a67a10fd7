"""A family's consultations in "my reservations" (``booking.other_bookings``): listed with the
parents' reservations, each opening its appointment page with the list's key, which the page
takes as it takes the manage token (``consultations.views.APPOINTMENT``)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import pgettext

from booking.links import my_reservations_email
from booking.other_bookings import OtherBooking, booking_lister_register
from consultations.models import Appointment
from consultations.selectors import CODE_PATTERN, held_by_family

KEY = "me"  # the query parameter "my reservations" opens a reservation's page with


def upcoming(email: str, key: str, now: datetime) -> list[OtherBooking]:
    appointments = (
        Appointment.objects.filter(held_by_family(email, now=now))
        .exclude(consultation_type=None)
        .select_related("consultation_type", "counsellor__facility")
        .order_by("start")
    )
    return [
        OtherBooking(
            kind=pgettext("my reservations", "Consultation"),
            subject=appointment.consultation_type,
            start=appointment.start,
            end=appointment.end,
            facility=appointment.counsellor.facility,
            code=appointment.code,
            url=reverse("appointment-page", kwargs={"code": appointment.code})
            + f"?{urlencode({KEY: key})}",
        )
        for appointment in appointments
    ]


def appointment_by_code_and_key(code: str, key: str | None) -> Appointment | None:
    """The appointment of an address's "my reservations" key; None for any other pair."""
    if not CODE_PATTERN.fullmatch(code):
        return None
    email = my_reservations_email(key)
    if email is None:
        return None
    return (
        Appointment.objects.select_related("consultation_type", "counsellor__facility")
        .filter(code=code, email__iexact=email)
        .first()
    )


def register() -> None:
    booking_lister_register("consultations", upcoming)
