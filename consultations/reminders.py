"""Appointment reminders: one email a type's ``reminder_hours`` before each booked appointment,
written ahead by the beat's sweep (``consultations.tasks``) as reservations' reminders are, and
skipped at delivery when the appointment was cancelled or moved since (``reminder_stale``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Max
from django.utils import timezone

from consultations.models import Appointment, AppointmentStatus, ConsultationType
from notifications.models import Notification
from notifications.services import notification_enqueue
from notifications.services.outbox import quiet_hours_end_after

REMINDER = "appointment_reminder"


def reminder_key(appointment: Appointment) -> str:
    # The start is part of the key: a moved appointment gets a reminder for its new time.
    return f"{REMINDER}:{appointment.pk}:{int(appointment.start.timestamp())}"


def appointment_reminders_schedule(*, now: datetime | None = None) -> int:
    """Write the reminders that fall due within the look-ahead; return how many were new.

    Idempotent (one dedupe key per appointment and start). A family who booked after the
    reminder's time gets none, and a reminder that quiet hours would push past the start is
    not written.
    """
    now = now or timezone.now()
    lookahead = timedelta(seconds=settings.NOTIFICATIONS_REMINDER_LOOKAHEAD)
    longest = ConsultationType.objects.aggregate(longest=Max("reminder_hours"))["longest"]
    if not longest:
        return 0
    due = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=now + timedelta(hours=longest) + lookahead,
            consultation_type__reminder_hours__gt=0,
        )
        .exclude(email="")
        .select_related("consultation_type", "counsellor__facility")
        .annotate(hours=F("consultation_type__reminder_hours"))
    )
    keys = {reminder_key(a): a for a in due}
    known = set(
        Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )
    created = 0
    for key, appointment in keys.items():
        send_at = appointment.start - timedelta(hours=appointment.hours)
        if key in known or send_at > now + lookahead or appointment.created_at > send_at:
            continue
        due_at = quiet_hours_end_after(max(send_at, now), appointment.counsellor.facility)
        if due_at >= appointment.start:
            continue
        notification_enqueue(
            kind=REMINDER,
            to_email=appointment.email,
            language=appointment.language,
            payload={"appointment_id": appointment.pk, "start": appointment.start.isoformat()},
            dedupe_key=key,
            due_at=due_at,
        )
        created += 1
    return created


def reminder_stale(notification, now: datetime) -> str:
    """Why a reminder should no longer be sent, or "" (``notifications.kinds``)."""
    appointment = Appointment.objects.filter(pk=notification.payload.get("appointment_id")).first()
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        return "appointment no longer booked"
    given = notification.payload.get("start")
    if not isinstance(given, str) or datetime.fromisoformat(given) != appointment.start:
        return "appointment moved; a reminder for the new time is scheduled"
    if now >= appointment.start:
        return "appointment already started"
    return ""
