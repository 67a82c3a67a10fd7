"""The demo's consultation appointments, booked and run through the consultations' own services:
the eight weeks behind today marked done or no-show (the yearly report of consultations shows
figures, not zeros), and a few booked for the two weeks ahead (the counsellors' days and the
search find families). Their confirmations are kept in the outbox, not sent: the families are
made up.

Idempotent like the rest of the demo: nothing is booked once a demo family holds an appointment.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from consultations.models import Appointment, AppointmentStatus, ConsultationType
from consultations.selectors import free_slots
from consultations.services import Family, appointment_book, appointment_close
from core.errors import AppError
from demo.consultations import TYPES
from demo.data import DEMO_NAMES
from demo.load import tokyo_time
from notifications.models import Notification, NotificationStatus

# The demo families' addresses: by their prefix the demo finds its own (made once, never sent).
DEMO_EMAIL_PREFIX = "consult-"
DEMO_EMAIL = DEMO_EMAIL_PREFIX + "{n}@example.jp"
WEEKS_BACK = 8
WEEKS_AHEAD = 2
# Every fifth family did not come: the report shows no-shows too.
NO_SHOW_EVERY = 5


@transaction.atomic
def demo_appointments_load(today: date | None = None) -> int:
    """Book the demo families' appointments once; return how many were booked."""
    today = today or timezone.localdate()
    kinds = list(ConsultationType.objects.filter(slug__in=[t["slug"] for t in TYPES]))
    if not kinds or Appointment.objects.filter(email__startswith=DEMO_EMAIL_PREFIX).exists():
        return 0
    booked = 0
    for weeks in range(-WEEKS_BACK, WEEKS_AHEAD):
        first = today + timedelta(weeks=weeks)
        for kind in kinds:
            # Booked by staff the evening before the week (a family who phoned).
            now = tokyo_time(first - timedelta(days=1), time(18))
            days = free_slots(
                kind, first=first, last=first + timedelta(days=6), now=now, lead=False
            )
            for day in sorted(days)[:2]:  # two families a week for each kind
                appointment = _book(kind, days[day][0].start, booked, now)
                if appointment is None:
                    continue
                booked += 1
                if appointment.end < timezone.now():
                    status = (
                        AppointmentStatus.NO_SHOW
                        if booked % NO_SHOW_EVERY == 0
                        else AppointmentStatus.DONE
                    )
                    appointment_close(appointment=appointment, status=status, now=appointment.end)
    Notification.objects.filter(
        to_email__startswith=DEMO_EMAIL_PREFIX, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.SKIPPED, last_error="demo data: not sent")
    return booked


def _book(kind: ConsultationType, start, n: int, now) -> Appointment | None:
    name, _kana = DEMO_NAMES[n % len(DEMO_NAMES)]
    family = Family(
        name=name,
        email=DEMO_EMAIL.format(n=n),
        phone=f"090-0000-{n:04d}",
        child_age_months=6 + (n * 5) % 40,
        topic=kind.topics[n % len(kind.topics)],
    )
    try:
        appointment, _token = appointment_book(
            kind=kind, start=start, family=family, by_staff=True, now=now
        )
    except AppError:  # a rule of the type refuses it (its weeks ahead): the demo books fewer
        return None
    return appointment
