"""The consultations' periodic job: write appointment reminders (beat, with the outbox sweep)."""

from celery import shared_task

from consultations.reminders import appointment_reminders_schedule


@shared_task(name="consultations.appointment_reminders", ignore_result=True)
def appointment_reminders() -> int:
    return appointment_reminders_schedule()
