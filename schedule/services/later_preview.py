"""What changing or cancelling the later sessions of a series would do, shown to staff before
they confirm it: how many sessions, how many parties are emailed, and the email.

The staff desk's trial (``staffdesk.services.trial_change``) makes the change for real inside
a transaction that is rolled back, as for a session's move: the counts and the email are
exactly those the change would produce, the email's manage link a placeholder, and nothing is
kept, queued or recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from events.models import Session
from notifications.models import NotificationKind
from schedule.models import Series
from schedule.services.later import series_cancel_rest, series_change_later
from staffdesk.services import trial_change


@dataclass(frozen=True)
class LaterPreview:
    sessions: int  # how many sessions change or are cancelled
    parties: int  # how many parties are emailed about it
    subject: str
    text: str  # the first one, as its party will read it


def trial(series: Series, change: Callable[[], list[Session]], kind: str) -> LaterPreview:
    """Run ``change`` and roll it back; return what it did and the first email of ``kind``."""
    tried = trial_change(change, kind)
    # The trial changed the series' row and refreshed the object: read it back as it is.
    series.refresh_from_db()
    return LaterPreview(
        sessions=len(tried.outcome), parties=tried.parties, subject=tried.subject, text=tried.text
    )


def series_change_preview(series: Series, **changes: Any) -> LaterPreview:
    """What ``series_change_later`` would do with the same arguments (raises the same errors)."""
    return trial(
        series,
        lambda: series_change_later(series, **changes),
        NotificationKind.SESSION_CHANGED,
    )


def series_cancel_preview(
    series: Series, *, from_date: date, reason: str, by: AbstractBaseUser | None = None
) -> LaterPreview:
    """What ``series_cancel_rest`` would do (raises the same errors)."""
    return trial(
        series,
        lambda: series_cancel_rest(series, from_date=from_date, reason=reason, by=by),
        NotificationKind.SESSION_CANCELLED,
    )
