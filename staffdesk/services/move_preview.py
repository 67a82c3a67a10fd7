"""What a change to sessions would send, shown to staff before they confirm it: a session's
move (issue 21, item 10) here, and the later sessions of a series (``schedule``) through
``trial_change``.

The change is made for real inside a transaction that is then rolled back: the parties counted
and the email shown are exactly those the change would produce (same rules, same refusals,
same template, the first party's language), and nothing is kept, queued or recorded.

The email shown holds a placeholder where the party's manage link goes: a preview is read
by staff, screenshotted and printed, and must never show a parent's working credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from events.models import Facility, Session
from notifications.emails import render
from notifications.models import Notification, NotificationKind
from staffdesk.services.sessions import session_move


@dataclass(frozen=True)
class MovePreview:
    parties: int  # how many emails of the change's kind it sends
    subject: str
    text: str  # the first one, as its party will read it
    outcome: Any = None  # what the change itself returned


# Shown instead of a link token: visibly not one, and opening nothing.
PLACEHOLDER_TOKEN = "XXXXXXXX"


def placeholder_manage_url(code: str) -> str:
    """The manage link of a preview: the page's address with a placeholder for the token."""
    path = reverse("reservation-manage", kwargs={"code": code})
    return f"{settings.SITE_URL}{path}?token={PLACEHOLDER_TOKEN}"


class RolledBack(Exception):
    """Raised inside the preview's transaction so that nothing of the trial change stays."""


def trial_change(change: Callable[[], Any], kind: str) -> MovePreview:
    """Run ``change`` (raising what it raises) and roll it back; return how many emails of
    ``kind`` it queued and the first of them, with a placeholder for the manage link."""
    result: MovePreview | None = None
    try:
        with transaction.atomic():
            last = Notification.objects.aggregate(last=Max("id"))["last"] or 0
            outcome = change()
            sent = list(
                Notification.objects.filter(id__gt=last, kind=kind)
                .select_related("reservation__session__facility", "reservation__course__facility")
                .order_by("id")
            )
            if sent:
                # In memory only (the row is rolled back anyway): the renderer quotes a
                # payload's manage_url instead of deriving the party's link token.
                shown = sent[0]
                shown.payload = {
                    **(shown.payload or {}),
                    "manage_url": placeholder_manage_url(shown.reservation.code),
                }
            first = render(sent[0]) if sent else None
            result = MovePreview(
                parties=len(sent),
                subject=first.subject if first else "",
                text=first.text if first else "",
                outcome=outcome,
            )
            raise RolledBack
    except RolledBack:
        pass
    assert result is not None
    return result


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
    return trial_change(
        lambda: session_move(
            session=session,
            by=by,
            start=start,
            end=end,
            facility=facility,
            reason=reason,
            message=message,
        ),
        NotificationKind.SESSION_CHANGED,
    )
