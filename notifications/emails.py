"""Turn an outbox row into an email: subject, plain text and HTML bodies, calendar invite.

One template per kind (``notifications/email/<kind>.txt`` and ``.html``) says everything through
the catalogues, so an email comes in the reservation's language, each of the seven the product
speaks (``notifications.wording`` for subjects, dates and the party). What the
templates show is read from the database when the email is built; the payload only holds what
cannot be read back later (the manage link of the first email, what a session looked like
before staff changed it and why, the session a reminder is about).

Every email about a reservation links to its manage page: the first one with the manage token
(from the payload), every later one with the link token derived from the token's hash
(``booking.manage_links``); a lottery win links straight to the confirm button.

Emails are built a batch at a time (``Renderer``): what the parties of one session share is
formatted and rendered once (``notifications.renderer``), and the MIME form is written out
directly (``notifications.mime``).

Payload keys per kind:

- confirmed / waitlisted / applied (first email): ``manage_url`` (removed after sending)
- cancelled: ``had_seat``, ``by_staff``, ``reason``
- session_changed: ``session_id``, ``sequence``, ``changed``, ``before``, ``after``, ``reason``
- session_cancelled: ``session_id``, ``reason``, ``had_seat``
- reminder: ``session_id``, ``offset_hours``, ``start``
- session_notice: ``message`` (staff's words), ``notice`` (the audit log's row), ``session_id``
- feed_link: ``feed_url``, ``webcal_url``, ``stop_url``; my_reservations: ``link_url`` (removed
  after sending)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from booking.models import Reservation
from events.models import Session
from notifications.email_parts import Rendered, focus_session, message_id
from notifications.mime import OutboxEmail, RawMessage
from notifications.models import Notification
from notifications.renderer import Renderer
from notifications.services import reservation_sessions
from notifications.wording import SUBJECTS


def sessions_of(reservation: Reservation) -> list[Session]:
    if reservation.session_id:
        return [reservation.session]  # loaded with select_related by the caller
    return reservation_sessions(reservation)


def build_context(notification: Notification, *, now: datetime | None = None) -> dict[str, Any]:
    """Return everything the templates of a row show."""
    return Renderer().context(notification, now=now or timezone.now())


def render(notification: Notification, *, now: datetime | None = None) -> Rendered:
    """Render a row's subject, bodies and invite in the row's language."""
    return Renderer().render(notification, now=now)


def build_message(
    notification: Notification, *, connection=None, now: datetime | None = None
) -> EmailMultiAlternatives:
    """Return the email of a row, ready to send: text, HTML alternative, invite attached."""
    return Renderer().message(notification, connection=connection, now=now)


# What other modules and the tests use of building an email, in one place.
__all__ = [
    "SUBJECTS",
    "OutboxEmail",
    "RawMessage",
    "Rendered",
    "Renderer",
    "build_context",
    "build_message",
    "focus_session",
    "message_id",
    "render",
    "sessions_of",
]
