"""What the staff service tests read back: the notifications queued for each reservation and
the audit log's entries for a session."""

from __future__ import annotations

from notifications.models import Notification
from staffdesk.models import StaffAction


def kinds_for(reservations) -> dict[str, list[str]]:
    """The notification kinds queued for each reservation code, oldest first."""
    out = {}
    for r in reservations:
        out[r.code] = list(
            Notification.objects.filter(reservation=r).order_by("id").values_list("kind", flat=True)
        )
    return out


def actions(session, kind=None):
    qs = StaffAction.objects.filter(session=session).order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)
