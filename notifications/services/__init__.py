"""Writes to the notification outbox: one row per email, in the transaction that causes it.

Modules: ``outbox`` (rows, hand-over, retries), ``reservations`` (the email of each event),
``reminders``. The names below are the app's public service API.

A row is the promise that an email will go out; Celery only makes it go out sooner. Rows that
are due now are handed to a worker once the transaction commits; everything else (quiet
hours, reminders, retries, rows whose hand-over was lost) is picked up by the periodic sweep in
``notifications.tasks.deliver_due``.

The manage link with its token is a bearer credential (only its hash is stored on the
reservation). It is written into the payload of the first email of a reservation only, because
the raw token exists only while the reservation is being created, and it is removed from the
row as soon as that email is sent or given up (``scrub_payload``). Later emails link to the
manage page with a link token derived from the stored hash when the email is built
(``booking.manage_links``), so nothing secret is written for them.
"""

from notifications.services.outbox import (
    QUIET_KINDS,
    SECRET_PAYLOAD_KEYS,
    kick_on_commit,
    notification_enqueue,
    notification_kick_if_due,
    notification_retry,
    notification_row,
    quiet_hours_end_after,
    scrub_payload,
)
from notifications.services.reminders import (
    reminder_key,
    reminder_offsets,
    reminders_schedule,
)
from notifications.services.reservations import (
    CHANGE_FIELDS,
    CREATED_KINDS,
    NOTICE_SEAT_STATUSES,
    NOTICE_STATUSES,
    NOTICE_WAITING_STATUSES,
    notify_cancelled,
    notify_lottery_result,
    notify_moved,
    notify_party_changed,
    notify_promoted,
    notify_reservation_created,
    notify_session_cancelled,
    notify_session_changed,
    notify_session_notice,
    notify_win_confirmed,
    reservation_dedupe_key,
    reservation_facility,
    reservation_sessions,
    session_snapshot,
)

__all__ = [
    "CHANGE_FIELDS",
    "CREATED_KINDS",
    "NOTICE_SEAT_STATUSES",
    "NOTICE_STATUSES",
    "NOTICE_WAITING_STATUSES",
    "QUIET_KINDS",
    "SECRET_PAYLOAD_KEYS",
    "kick_on_commit",
    "notification_enqueue",
    "notification_kick_if_due",
    "notification_retry",
    "notification_row",
    "notify_cancelled",
    "notify_lottery_result",
    "notify_moved",
    "notify_party_changed",
    "notify_promoted",
    "notify_reservation_created",
    "notify_session_cancelled",
    "notify_session_changed",
    "notify_session_notice",
    "notify_win_confirmed",
    "quiet_hours_end_after",
    "reminder_key",
    "reminder_offsets",
    "reminders_schedule",
    "reservation_dedupe_key",
    "reservation_facility",
    "reservation_sessions",
    "scrub_payload",
    "session_snapshot",
]
