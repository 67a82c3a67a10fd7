"""What a session move would send, shown to staff before they confirm it (issue 21, item 10).

The move is made for real inside a transaction that is then rolled back: the parties counted
and the email shown are exactly those ``session_move`` would produce (same rules, same
template, the first party's language), and nothing is kept, queued or recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from events.models import Facility, Session
from notifications.emails import render
from notifications.models import Notification, NotificationKind
from staffdesk.services.sessions import session_move


@dataclass(frozen=True)
class MovePreview:
    parties: int  # how many emails the move sends
    subject: str
    text: str  # the first one, as its party will read it


class RolledBack(Exception):
    """Raised inside the preview's transaction so that nothing of the trial move stays."""


def session_move_preview(
    *,
    session: Session,
    by: AbstractBaseUser,
    start: datetime,
    end: datetime,
    facility: Facility | None,
    reason: str,
    message: str = "",
) -> MovePreview:
    """Return how many parties a move would email and the text of the email (raises the same
    errors as ``session_move``)."""
    result: MovePreview | None = None
    try:
        with transaction.atomic():
            last = Notification.objects.aggregate(last=Max("id"))["last"] or 0
            session_move(
                session=session,
                by=by,
                start=start,
                end=end,
                facility=facility,
                reason=reason,
                message=message,
            )
            sent = list(
                Notification.objects.filter(
                    id__gt=last, kind=NotificationKind.SESSION_CHANGED
                ).select_related("reservation__session__facility", "reservation__course__facility")
            )
            first = render(sent[0]) if sent else None
            result = MovePreview(
                parties=len(sent),
                subject=first.subject if first else "",
                text=first.text if first else "",
            )
            raise RolledBack
    except RolledBack:
        pass
    assert result is not None
    return result
