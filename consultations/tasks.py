"""The consultations' periodic job: write appointment reminders (beat, with the outbox sweep)."""

from celery import shared_task

from consultations.reminders import appointment_reminders_schedule


@shared_task(name="consultations.appointment_reminders", ignore_result=True)
def appointment_reminders() -> int:
    return appointment_reminders_schedule()


@shared_task(name="consultations.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Daily: anonymise appointments past the retention period (as reservations)."""
    from consultations.privacy import appointments_purge

    return appointments_purge()
