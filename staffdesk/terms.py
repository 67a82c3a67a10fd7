"""The desk's glossary: one word for one state, on the counter, the rows, the CSV and the print.

A party that came is 出席 (Attended) and one that did not is 欠席 (No-show) everywhere; before
the door it is 未受付 (Not yet), and 受付する (Check in) is the action, not a state. A message
that was not sent because the party gave no address reads メールなし, not 送信なし (which reads
as a failure); one no longer needed when its turn came (the reservation cancelled, the session
started) reads 送信不要, never メールなし beside the party's address. Pages show these in the
request's language; the CSV files, the facility's own export in Japanese whatever the page's
language, take the Japanese of the same words through ``in_japanese`` (their column headers
are the pages' column words: docs/glossary.md).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booking.addresses import receives_email
from booking.models import Need, ReservationStatus
from events.models import SessionStatus
from notifications.models import Notification, NotificationKind, NotificationStatus

ATTENDED = _("Attended")
NO_SHOW = _("No-show")
NOT_YET = _("Not yet")

# "expected": a party holding a seat that has not come through the door yet (未受付).
ATTENDANCE = {"attended": ATTENDED, "no_show": NO_SHOW, "expected": NOT_YET}
RESERVATION_STATUS = dict(ReservationStatus.choices)
# A session's own state: 開催予定, or 中止 once the facility called it off.
SESSION_STATUS = dict(SessionStatus.choices)
NEEDS = dict(Need.choices)
NOTIFICATION_KIND = dict(NotificationKind.choices)
NO_EMAIL = pgettext_lazy("email", "No email address")
NOTIFICATION_STATUS = {
    "pending": _("Pending"),
    "sending": _("Sending"),
    "sent": _("Sent"),
    "failed": _("Failed"),
    "skipped": pgettext_lazy("email", "Not needed"),
}
# Where a party's booking came from, marked on the roster and its print (none for the web).
SOURCE = {"walk_in": _("walk-in"), "phone": _("Phone booking")}
# Those who come, where the programme asks their names (the one who books may not come): 参加者
# beside the party's name on the pages (the CSV's column is 参加者氏名).
ATTENDEES = pgettext_lazy("desk", "Those who come")


def term(terms: dict, key: str) -> str:
    """The word for ``key`` in the active language (the key itself when it has none)."""
    return str(terms.get(key, key)) if key else ""


def sending_term(notification: Notification) -> str:
    """How an email went, in the active language: one not sent reads メールなし where there was
    no address to send it to (a phone booking, an erased party), else 送信不要."""
    if notification.status == NotificationStatus.SKIPPED and not receives_email(
        notification.to_email
    ):
        return str(NO_EMAIL)
    return term(NOTIFICATION_STATUS, notification.status)


def in_japanese(terms: dict, key: str) -> str:
    """The word for ``key`` in Japanese, whatever the request's language (CSV cells)."""
    with translation.override("ja"):
        return term(terms, key)


def percent(rate: float | None) -> str:
    """A rate as the report's page and CSV write it under 充足率（%）: 0.6667 -> "66.7"."""
    return "" if rate is None else f"{rate * 100:.1f}"
