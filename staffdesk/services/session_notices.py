"""A notice from the facility to the parties of a session (お知らせ): what to bring after all,
the parking closed that day, a thing left behind; the session itself unchanged.

Staff's words go as typed, inside an email in each party's language (the session, the party
and the link to the reservation page around them). A party without an email address (booked
by phone or at the door) is listed for staff to call. The notice is one row of the audit log,
and each email's key names that row, so one notice is sent to a party once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.addresses import receives_email
from booking.models import Reservation
from core.errors import AppError, AppValidationError
from events import services as catalogue
from events.models import Session
from notifications.services import (
    NOTICE_SEAT_STATUSES,
    NOTICE_WAITING_STATUSES,
    notify_session_notice,
)
from staffdesk.models import StaffActionKind
from staffdesk.services.audit import record

NOTICE_MAX_LENGTH = 2000
NOTHING_TO_SEND = _("No party of this session can be sent a notice.")


@dataclass(frozen=True)
class NoticeResult:
    emailed: int
    without_email: list[Reservation]  # to be told by phone


def notice_parties(session: Session, *, include_waiting: bool = False) -> list[Reservation]:
    """The parties a notice about ``session`` reaches, in the roster's order: those with a
    seat, and with ``include_waiting`` those on the waiting list or in the lottery too. For a
    course's session, the course's parties."""
    statuses = NOTICE_SEAT_STATUSES + (NOTICE_WAITING_STATUSES if include_waiting else ())
    target = Q(course_id=session.course_id) if session.course_id else Q(session=session)
    return list(
        Reservation.objects.filter(target, status__in=statuses)
        .select_related("session__facility", "course__facility")
        .order_by("name_kana", "name", "id")
    )


@transaction.atomic
def session_notice_send(
    *,
    session: Session,
    by: AbstractBaseUser,
    message: str,
    include_waiting: bool = False,
    now: datetime | None = None,
) -> NoticeResult:
    """Email staff's ``message`` to the parties of ``session`` (see ``notice_parties``).

    Refused: an empty or overlong message (400 on ``message``), a cancelled session (its
    parties were told when it was cancelled), and a session with no party to tell (409
    ``nothing_to_send``).
    """
    message = "\n".join(line.rstrip() for line in (message or "").strip().splitlines())
    if not message:
        raise AppValidationError({"message": [_("Write the notice.")]})
    if len(message) > NOTICE_MAX_LENGTH:
        raise AppValidationError(
            {"message": [_("Keep the notice to %(max)s characters.") % {"max": NOTICE_MAX_LENGTH}]}
        )
    locked = catalogue.session_lock(session)
    if locked.is_cancelled:
        raise AppError("session_cancelled")
    parties = notice_parties(locked, include_waiting=include_waiting)
    if not parties:
        raise AppError("nothing_to_send", NOTHING_TO_SEND)
    emailed = [party for party in parties if receives_email(party.email)]
    without_email = [party for party in parties if not receives_email(party.email)]
    action = record(
        by=by,
        kind=StaffActionKind.SESSION_NOTICE,
        session=locked,
        after={
            "message": message,
            "include_waiting": include_waiting,
            "emailed": len(emailed),
            "without_email": [party.code for party in without_email],
        },
    )
    notify_session_notice(emailed, session=locked, message=message, notice_id=action.pk, now=now)
    return NoticeResult(emailed=len(emailed), without_email=without_email)
