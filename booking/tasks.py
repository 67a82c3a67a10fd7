"""Booking's periodic jobs for Celery beat."""

from celery import shared_task

from booking.privacy import personal_data_purge


@shared_task(name="booking.purge_personal_data")
def purge_personal_data() -> int:
    """Daily: anonymise personal data past the retention period and delete expired "my
    reservations" links (idempotent)."""
    return personal_data_purge()
