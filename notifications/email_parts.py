"""The parts of an email that every kind shares: the sender, its Message-ID, the focus session,
the invite's method, the "my reservations" link; and ``Rendered``, an email's texts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.utils import formataddr
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override

from booking.models import ReservationStatus
from core.ruby import ruby_removed
from events.models import Session
from notifications.models import Notification, NotificationKind
from notifications.services import reservation_facility
from notifications.wording import email_language, site_name


def my_reservations_url() -> str:
    """Return the page where a parent asks for a fresh link to their reservations."""
    return settings.SITE_URL + _my_reservations_path(settings.ROOT_URLCONF)


@lru_cache(maxsize=8)
def _my_reservations_path(urlconf: str) -> str:
    # reverse() costs milliseconds here, on every email of a batch: the path never changes.
    for name in ("my-reservations", "my_reservations"):
        try:
            return reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            continue
    return "/"


def focus_session(notification: Notification, sessions: list[Session]) -> Session | None:
    """Return the session an email is about: the one named in the payload, else the first."""
    wanted = notification.payload.get("session_id")
    reservation = notification.reservation
    if wanted and reservation is not None and reservation.session_id == wanted:
        return reservation.session
    for session in sessions:
        if session.pk == wanted:
            return session
    if wanted:
        found = Session.objects.select_related("program", "facility").filter(pk=wanted).first()
        if found is not None:
            return found
    return sessions[0] if sessions else None


def invite_method(notification: Notification) -> str | None:
    """Return the iTIP method of the invite attached to a row, or None for no invite."""
    kind = notification.kind
    reservation = notification.reservation
    if reservation is None:
        return None
    if kind in (NotificationKind.CONFIRMED, NotificationKind.PROMOTED):
        return "REQUEST"
    if kind in (
        NotificationKind.SESSION_CHANGED,
        NotificationKind.PARTY_CHANGED,
        NotificationKind.MOVED,
    ):
        return "REQUEST" if reservation.status == ReservationStatus.CONFIRMED else None
    if kind in (NotificationKind.CANCELLED, NotificationKind.SESSION_CANCELLED):
        return "CANCEL" if notification.payload.get("had_seat") else None
    return None


def message_id(notification: Notification) -> str:
    """Return the Message-ID of a row: the same on every attempt, so a resend is recognisable."""
    stamp = notification.created_at.strftime("%Y%m%d%H%M%S") if notification.created_at else "0"
    digest = hashlib.sha256(f"{notification.pk}:{stamp}".encode()).hexdigest()[:12]
    domain = _message_id_domain(settings.SITE_URL, settings.DEFAULT_FROM_EMAIL)
    return f"<notification.{notification.pk}.{digest}@{domain}>"


@lru_cache(maxsize=8)
def _message_id_domain(site_url: str, from_email: str) -> str:
    return urlsplit(site_url).hostname or from_email.rpartition("@")[2] or "localhost"


def tidy(text: str) -> str:
    """Drop the blank lines and trailing spaces that template tags leave in plain text."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    return BLANK_LINES.sub("\n\n", text) + "\n"


BLANK_LINES = re.compile(r"\n{3,}")


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    # One (method, iCalendar) per session: a course's sessions are separate iTIP objects.
    invites: list[tuple[str, bytes]]


def sender_address(notification: Notification) -> tuple[str, str]:
    """Return (From, Reply-To): the facility's no-reply sender and its contact address."""
    reservation = notification.reservation
    # A header holds no <ruby>: the やさしい日本語 name goes without its readings.
    if reservation is None:
        name = ruby_removed(site_name(notification.language))
        return _from_header(name, settings.DEFAULT_FROM_EMAIL), ""
    facility = reservation_facility(reservation)
    address = facility.noreply_email or settings.DEFAULT_FROM_EMAIL
    # The facility as the email's body names it (Support centre 2 in English, not 子育て...).
    with override(email_language(notification.language)):
        name = ruby_removed(facility.name)
    return _from_header(name, address), facility.email


@lru_cache(maxsize=256)
def _from_header(name: str, address: str) -> str:
    return formataddr((name, address))
