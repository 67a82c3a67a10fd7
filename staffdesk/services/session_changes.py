"""A change of a session that reaches every app: the catalogue's row, the waiting list, the
reservations and the parents' emails, in one transaction.

The catalogue (``events``) knows nothing of reservations or emails; this module, above them
all, locks the session, has events change it, then has booking promote or cancel and
notifications tell the parties.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from booking.models import HistoryNote
from booking.services import reservations_cancel_for_session, waitlist_promote
from events import services as catalogue
from events.models import Session
from notifications.services import notify_session_changed, session_snapshot


@transaction.atomic
def session_update(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = "", **values: Any
) -> Session:
    """Change a session; capacity never drops below the seats already taken.

    Parties are told of a change of time, place or title (with staff's ``reason`` when given);
    more capacity promotes the waiting list.
    """
    locked = catalogue.session_lock(session)
    before = session_snapshot(locked)
    if catalogue.session_change(locked, values):
        notify_session_changed(locked, before=before, reason=reason)
    if any(name in values for name in catalogue.CAPACITY_FIELDS):
        waitlist_promote(session=locked, note=HistoryNote.PROMOTED_CAPACITY)
        locked.refresh_from_db()
    return locked


@transaction.atomic
def session_cancel_all(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = ""
) -> Session:
    """Cancel a session and every reservation for it; each party is told."""
    locked = catalogue.session_lock(session)
    if catalogue.session_mark_cancelled(locked, reason=reason):
        reservations_cancel_for_session(session=locked, by=by, reason=reason)
    return locked
