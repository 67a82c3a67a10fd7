"""The schedule's writes, one module per concern; the names below are its public API.

- ``publishing``: a series' pattern, its preview (dates made, dates left out and why) and its
  publication in one transaction
- ``later``: this and later sessions of a series changed (time, capacity) or cancelled, through
  the staff desk's session services (parties kept and told)
- ``later_preview``: what such a change or cancellation would do (sessions, parties emailed,
  the email), shown to staff before they confirm it
"""

from schedule.services.later import (
    later_sessions,
    moved_clashes,
    series_cancel_rest,
    series_change_later,
)
from schedule.services.later_preview import (
    LaterPreview,
    series_cancel_preview,
    series_change_preview,
)
from schedule.services.publishing import (
    Preview,
    SeriesPattern,
    Skipped,
    facility_lock,
    pattern_errors,
    series_preview,
    series_publish,
)

__all__ = [
    "LaterPreview",
    "Preview",
    "SeriesPattern",
    "Skipped",
    "facility_lock",
    "later_sessions",
    "moved_clashes",
    "pattern_errors",
    "series_cancel_preview",
    "series_cancel_rest",
    "series_change_later",
    "series_change_preview",
    "series_preview",
    "series_publish",
]
