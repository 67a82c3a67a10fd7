"""Turn an outbox row into an email: subject, plain text and HTML bodies, calendar invite.

Templates are written per language (``notifications/<ja|en>/<kind>.txt`` and ``.html``), so the
Japanese emails are written in Japanese rather than translated phrase by phrase. What the
templates show is read from the database when the email is built; the payload only holds what
cannot be read back later (the manage link of the first email, what a session looked like
before staff changed it and why, the session a reminder is about).

Every email about a reservation links to its manage page: the first one with the manage token
(from the payload), every later one with the link token derived from the token's hash
(``booking.manage_links``); a lottery win links straight to the confirm button.

Emails are built a batch at a time (``Renderer``): what the parties of one session share is
formatted and rendered once, and the MIME form is written out directly (``OutboxEmail``).

Payload keys per kind:

- confirmed / waitlisted / applied (first email): ``manage_url`` (removed after sending)
- cancelled: ``had_seat``, ``by_staff``, ``reason``
- session_changed: ``session_id``, ``sequence``, ``changed``, ``before``, ``after``, ``reason``
- session_cancelled: ``session_id``, ``reason``, ``had_seat``
- reminder: ``session_id``, ``offset_hours``, ``start``
- feed_link: ``feed_url``, ``webcal_url``, ``stop_url``; my_reservations: ``link_url`` (removed
  after sending)
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.generator import BytesGenerator
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape

from booking.manage_links import manage_link_url
from booking.models import Reservation, ReservationStatus
from booking.services import waitlist_position
from calendars.invites import reservation_invite
from events.models import Facility, Session
from notifications.models import Notification, NotificationKind
from notifications.services import reservation_sessions

WEEKDAYS = {
    "ja": ["月", "火", "水", "木", "金", "土", "日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

SITE_NAME = {"ja": "子育て支援イベント予約", "en": "Child-care support event booking"}

SUBJECTS: dict[str, dict[str, str]] = {
    "ja": {
        NotificationKind.CONFIRMED: "【予約確定】{title}（{date}）",
        NotificationKind.WAITLISTED: "【キャンセル待ち受付】{title}（{date}）",
        NotificationKind.APPLIED: "【抽選申込受付】{title}（{date}）",
        NotificationKind.PROMOTED: "【予約確定（キャンセル待ちから繰り上げ）】{title}（{date}）",
        NotificationKind.LOTTERY_WON: "【当選のお知らせ】{title}（{date}）",
        NotificationKind.LOTTERY_NOT_DRAWN: "【抽選結果のお知らせ】{title}（{date}）",
        NotificationKind.CANCELLED: "【キャンセル完了】{title}（{date}）",
        NotificationKind.SESSION_CHANGED: "【日時・会場の変更】{title}（{date}）",
        NotificationKind.SESSION_CANCELLED: "【中止のお知らせ】{title}（{date}）",
        NotificationKind.REMINDER: "【{relative}開催】{title}（{date}）",
        NotificationKind.MY_RESERVATIONS: "【ご予約の確認】予約一覧ページのリンク",
        NotificationKind.FEED_LINK: "【カレンダー登録用】わたしの予約カレンダーのリンク",
    },
    "en": {
        NotificationKind.CONFIRMED: "Reservation confirmed: {title} ({date})",
        NotificationKind.WAITLISTED: "On the waiting list: {title} ({date})",
        NotificationKind.APPLIED: "Lottery application received: {title} ({date})",
        NotificationKind.PROMOTED: "A seat is yours: {title} ({date})",
        NotificationKind.LOTTERY_WON: "You won the lottery - please confirm: {title} ({date})",
        NotificationKind.LOTTERY_NOT_DRAWN: "Lottery result: {title} ({date})",
        NotificationKind.CANCELLED: "Reservation cancelled: {title} ({date})",
        NotificationKind.SESSION_CHANGED: "Changed: {title} ({date})",
        NotificationKind.SESSION_CANCELLED: "Cancelled by the organiser: {title} ({date})",
        NotificationKind.REMINDER: "Reminder, {relative}: {title} ({date})",
        NotificationKind.MY_RESERVATIONS: "Your reservations: the link to see them",
        NotificationKind.FEED_LINK: "Your private calendar link",
    },
}

RELATIVE = {
    "ja": {0: "本日", 1: "明日"},
    "en": {0: "today", 1: "tomorrow"},
}
RELATIVE_LATER = {"ja": "近日", "en": "coming up"}

CHANGE_LABELS = {
    "ja": {"time": "日時", "place": "会場", "title": "名称"},
    "en": {"time": "Date and time", "place": "Place", "title": "Title"},
}

INVITE_FILENAMES = {"REQUEST": "invite.ics", "CANCEL": "cancel.ics"}


# --- dates -------------------------------------------------------------------------------


def _lang(language: str) -> str:
    return language if language in WEEKDAYS else "ja"


def format_date(value: datetime, language: str) -> str:
    """Return a date in the reader's style: 2026年12月5日(土) / Sat 5 December 2026."""
    local = timezone.localtime(value)
    wd = WEEKDAYS[_lang(language)][local.weekday()]
    if _lang(language) == "ja":
        return f"{local.year}年{local.month}月{local.day}日({wd})"
    return f"{wd} {local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def format_datetime(value: datetime, language: str) -> str:
    """Return 2026年12月5日(土) 17:00 / Sat 5 December 2026, 17:00."""
    sep = " " if _lang(language) == "ja" else ", "
    return f"{format_date(value, language)}{sep}{timezone.localtime(value):%H:%M}"


def format_when(start: datetime, end: datetime, language: str) -> str:
    """Return a session's time: 2026年12月5日(土) 10:00-11:30."""
    s, e = timezone.localtime(start), timezone.localtime(end)
    if s.date() == e.date():
        sep = " " if _lang(language) == "ja" else ", "
        return f"{format_date(s, language)}{sep}{s:%H:%M}-{e:%H:%M}"
    return f"{format_datetime(s, language)} - {format_datetime(e, language)}"


def format_short(value: datetime, language: str) -> str:
    """Return a short date for subjects: 12月5日(土) 10:00 / Sat 5 Dec 10:00."""
    local = timezone.localtime(value)
    wd = WEEKDAYS[_lang(language)][local.weekday()]
    if _lang(language) == "ja":
        return f"{local.month}月{local.day}日({wd}) {local:%H:%M}"
    return f"{wd} {local.day} {MONTHS_EN[local.month - 1][:3]} {local:%H:%M}"


# --- context -----------------------------------------------------------------------------


def session_title(session: Session, language: str) -> str:
    if session.title:
        return session.title
    if _lang(language) == "en" and session.program.title_en:
        return session.program.title_en
    return session.program.title


def facility_context(facility: Facility, language: str) -> dict[str, str]:
    name = facility.name_en if _lang(language) == "en" and facility.name_en else facility.name
    return {
        "name": name,
        "address": facility.address,
        "access": facility.access,
        "phone": facility.phone,
        "email": facility.email,
    }


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


def sessions_of(reservation: Reservation) -> list[Session]:
    if reservation.session_id:
        return [reservation.session]  # loaded with select_related by the caller
    return reservation_sessions(reservation)


def build_context(notification: Notification, *, now: datetime | None = None) -> dict[str, Any]:
    """Return everything the templates of a row show."""
    return Renderer().context(notification, now=now or timezone.now())


def change_lines(payload: dict[str, Any], language: str) -> list[dict[str, str]]:
    """Return "before -> after" lines for what staff changed in a session."""
    labels = CHANGE_LABELS[_lang(language)]
    before, after = payload.get("before") or {}, payload.get("after") or {}
    changed = set(payload.get("changed") or [])
    lines = []

    def when(values: dict[str, Any]) -> str:
        return format_when(
            datetime.fromisoformat(values["start"]), datetime.fromisoformat(values["end"]), language
        )

    if changed & {"start", "end"}:
        lines.append({"label": labels["time"], "old": when(before), "new": when(after)})
    if "facility" in changed:
        key = "facility_name_en" if _lang(language) == "en" else "facility_name"

        def place(values: dict[str, Any]) -> str:
            name = values.get(key) or values.get("facility_name", "")
            return f"{name}（{values.get('address', '')}）" if values.get("address") else name

        lines.append({"label": labels["place"], "old": place(before), "new": place(after)})
    if "title" in changed:
        lines.append(
            {
                "label": labels["title"],
                "old": before.get("display_title", ""),
                "new": after.get("display_title", ""),
            }
        )
    return lines


# --- the message -------------------------------------------------------------------------


def invite_method(notification: Notification) -> str | None:
    """Return the iTIP method of the invite attached to a row, or None for no invite."""
    kind = notification.kind
    reservation = notification.reservation
    if reservation is None:
        return None
    if kind in (NotificationKind.CONFIRMED, NotificationKind.PROMOTED):
        return "REQUEST"
    if kind == NotificationKind.SESSION_CHANGED:
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


def _tidy(text: str) -> str:
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
    invite: tuple[str, bytes] | None


def render(notification: Notification, *, now: datetime | None = None) -> Rendered:
    """Render a row's subject, bodies and invite in the row's language."""
    return Renderer().render(notification, now=now)


def sender_address(notification: Notification) -> tuple[str, str]:
    """Return (From, Reply-To): the facility's no-reply sender and its contact address."""
    reservation = notification.reservation
    if reservation is None:
        return _from_header(SITE_NAME["ja"], settings.DEFAULT_FROM_EMAIL), ""
    from notifications.services import reservation_facility

    facility = reservation_facility(reservation)
    address = facility.noreply_email or settings.DEFAULT_FROM_EMAIL
    return _from_header(facility.name, address), facility.email


@lru_cache(maxsize=256)
def _from_header(name: str, address: str) -> str:
    return formataddr((name, address))


def build_message(
    notification: Notification, *, connection=None, now: datetime | None = None
) -> EmailMultiAlternatives:
    """Return the email of a row, ready to send: text, HTML alternative, invite attached."""
    return Renderer().message(notification, connection=connection, now=now)


# --- one batch ---------------------------------------------------------------------------

# The context fields that differ from party to party of one session. A body is rendered once
# per distinct rest of the context, with a marker in place of each of these, and every email
# gets its own values put in (HTML-escaped in the HTML body, as autoescaping would). Templates
# show them as they are ({{ name }}) or test them ({% if manage_url %}); an empty value is
# rendered as it is, since it changes what such a test shows.
HOLES = ("name", "code", "manage_url", "confirm_url")
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use characters: never in real text


def _mark(name: str) -> str:
    return f"{MARK_OPEN}{name}{MARK_CLOSE}"


class Renderer:
    """Build the emails of one batch of rows; what several of them share is worked out once.

    A batch holds rows in due order, so mostly the parties of one or a few sessions (a
    session's reminders fall due together). Within it each session's titles, dates and facility
    are formatted once, a course's sessions are read once, the bodies are rendered once per
    distinct context (``HOLES``), and the encoded headers are kept. Use one renderer per batch:
    it keeps what the rows of the batch were loaded with.
    """

    def __init__(self) -> None:
        self._course_sessions: dict[int, list[Session]] = {}
        self._parts: dict[tuple, dict[str, Any]] = {}
        # Hashable forms of the lists and dicts the session parts hold, by id: those objects
        # stay alive in self._parts, so an id stands for one of them only.
        self._frozen_parts: dict[int, Any] = {}
        self._bodies: dict[tuple, tuple[str, str, str]] = {}
        self._tz = timezone.get_current_timezone()

    # --- context -------------------------------------------------------------------------

    def sessions_of(self, reservation: Reservation) -> list[Session]:
        """Return a reservation's sessions in time order (a course's read once per batch)."""
        if reservation.session_id:
            return [reservation.session]
        found = self._course_sessions.get(reservation.course_id)
        if found is None:
            found = self._course_sessions[reservation.course_id] = reservation_sessions(reservation)
        return found

    def context(self, notification: Notification, *, now: datetime) -> dict[str, Any]:
        """Return everything the templates of a row show: plain values, no model objects."""
        lang = _lang(notification.language)
        payload = notification.payload or {}
        ctx: dict[str, Any] = {
            "kind": notification.kind,
            "lang": lang,
            "site_name": SITE_NAME[lang],
            "site_url": settings.SITE_URL,
            "my_reservations_url": my_reservations_url(),
            "manage_url": payload.get("manage_url", ""),
            "feed_url": payload.get("feed_url", ""),
            "webcal_url": payload.get("webcal_url", ""),
            "stop_url": payload.get("stop_url", ""),
            "link_url": payload.get("link_url", ""),
        }
        reservation = notification.reservation
        if reservation is None:
            return ctx
        sessions = self.sessions_of(reservation)
        focus = focus_session(notification, sessions)
        first = sessions[0] if sessions else focus
        ctx.update(self._session_parts(reservation, focus, first, sessions, lang))
        if not ctx["manage_url"]:
            # Only the first email can quote the manage token; the others carry the link token.
            ctx["manage_url"] = manage_link_url(reservation.code, reservation.token_hash)
        ctx.update(
            {
                "reservation": True,
                "code": reservation.code,
                "name": reservation.name,
                "adults": reservation.adults,
                "children": reservation.children,
                "childcare": reservation.childcare,
                "cancellation_open": now <= first.cancellation_deadline,
                "confirm_by": format_datetime(reservation.confirm_by, lang)
                if reservation.confirm_by
                else "",
            }
        )
        kind = notification.kind
        if kind in (NotificationKind.WAITLISTED, NotificationKind.LOTTERY_NOT_DRAWN):
            ctx["position"] = waitlist_position(reservation)
        if kind == NotificationKind.LOTTERY_WON:
            ctx["confirm_url"] = manage_link_url(
                reservation.code, reservation.token_hash, fragment="confirm"
            )
        if kind == NotificationKind.REMINDER:
            days = (focus.start.astimezone(self._tz).date() - now.astimezone(self._tz).date()).days
            ctx["relative"] = RELATIVE[lang].get(days, RELATIVE_LATER[lang])
            ctx["days_ahead"] = days
        if kind == NotificationKind.SESSION_CHANGED:
            ctx["changes"] = change_lines(payload, lang)
            ctx["reason"] = payload.get("reason", "")
        if kind in (NotificationKind.SESSION_CANCELLED, NotificationKind.CANCELLED):
            ctx["reason"] = payload.get("reason", "")
            ctx["had_seat"] = bool(payload.get("had_seat"))
            ctx["by_staff"] = bool(payload.get("by_staff"))
        ctx["invite_method"] = invite_method(notification)
        return ctx

    def _session_parts(
        self,
        reservation: Reservation,
        focus: Session,
        first: Session,
        sessions: list[Session],
        lang: str,
    ) -> dict[str, Any]:
        """What the email says about the session(s): the same for every party of a session."""
        key = (lang, reservation.course_id, focus.pk, tuple(s.pk for s in sessions))
        parts = self._parts.get(key)
        if parts is not None:
            return parts
        program = focus.program
        parts = self._parts[key] = {
            "title": reservation.course.title
            if reservation.course_id
            else session_title(focus, lang),
            "session_title": session_title(focus, lang),
            "when": format_when(focus.start, focus.end, lang),
            "start_short": format_short(focus.start, lang),
            "sessions": [
                {
                    "title": session_title(s, lang),
                    "when": format_when(s.start, s.end, lang),
                    "cancelled": s.is_cancelled,
                }
                for s in sessions
            ],
            "is_course": bool(reservation.course_id),
            "facility": facility_context(focus.facility, lang),
            "what_to_bring": program.what_to_bring,
            "cancellation_deadline": format_datetime(first.cancellation_deadline, lang),
            "draw_date": format_datetime(first.registration_closes, lang),
        }
        for value in parts.values():
            if isinstance(value, dict | list):
                self._frozen_parts[id(value)] = _frozen(value)
        return parts

    # --- bodies --------------------------------------------------------------------------

    def render(self, notification: Notification, *, now: datetime | None = None) -> Rendered:
        """Render a row's subject, bodies and invite in the row's language."""
        now = now or timezone.now()
        ctx = self.context(notification, now=now)
        lang = ctx["lang"]
        subject = SUBJECTS[lang][notification.kind].format(
            title=ctx.get("title", ""),
            date=ctx.get("start_short", ""),
            relative=ctx.get("relative", ""),
        )
        ctx["subject"] = subject = " ".join(subject.split())
        text, html = self._bodies_for(f"notifications/{lang}/{notification.kind}", ctx, lang)
        invite = None
        method = ctx.get("invite_method")
        if method:
            invite = (method, reservation_invite(notification.reservation, method=method, now=now))
        return Rendered(subject=subject, text=text, html=html, invite=invite)

    def _bodies_for(self, template: str, ctx: dict[str, Any], lang: str) -> tuple[str, str]:
        holed = dict(ctx)
        values = {}
        for name in HOLES:
            value = ctx.get(name)
            if value:
                holed[name] = _mark(name)
                values[name] = str(value)
        key = self._key(template, holed)
        bodies = self._bodies.get(key) if key is not None else None
        if bodies is None:
            text, html = _render_bodies(template, holed, lang)
            bodies = (text, _tidy(text), html)
            if key is not None:
                self._bodies[key] = bodies
        text, tidy_text, html = bodies
        # Tidying (line ends, blank lines) commutes with putting in values that have no line
        # break and no space at either end; others are put in first and tidied after.
        tidy_first = all(
            v == v.strip() and "\n" not in v and "\r" not in v for v in values.values()
        )
        if tidy_first:
            text = tidy_text
        for name, value in values.items():
            mark = _mark(name)
            text = text.replace(mark, value)
            html = html.replace(mark, escape(value))
        if MARK_OPEN in text or MARK_OPEN in html:
            # A template changed a value on its way out (a filter): render this one whole.
            text, html = _render_bodies(template, ctx, lang)
            tidy_first = False
        return (text if tidy_first else _tidy(text)), html

    def _key(self, template: str, holed: dict[str, Any]) -> tuple | None:
        """Return a hashable form of a context, or None when it holds anything but plain data."""
        items = []
        for name, value in holed.items():
            frozen = self._frozen_parts.get(id(value)) if isinstance(value, dict | list) else None
            if frozen is None:
                frozen = _frozen(value)
                if frozen is None and value is not None:
                    return None
            items.append((name, frozen))
        return (template, tuple(items))

    # --- the message ---------------------------------------------------------------------

    def message(
        self, notification: Notification, *, connection=None, now: datetime | None = None
    ) -> OutboxEmail:
        """Return the email of a row, ready to send: text, HTML alternative, invite attached."""
        rendered = self.render(notification, now=now)
        from_email, reply_to = sender_address(notification)
        message = OutboxEmail(
            subject=rendered.subject,
            body=rendered.text,
            from_email=from_email,
            to=[notification.to_email],
            reply_to=[reply_to] if reply_to else None,
            headers={
                "Message-ID": message_id(notification),
                "Auto-Submitted": "auto-generated",
                "X-Notification-Kind": str(notification.kind),
            },
            connection=connection,
        )
        message.attach_alternative(rendered.html, "text/html")
        if rendered.invite is not None:
            method, ics = rendered.invite
            part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
            part.set_param("method", method)
            part.add_header("Content-Disposition", "attachment", filename=INVITE_FILENAMES[method])
            message.attach(part)
        return message


def _render_bodies(template: str, ctx: dict[str, Any], lang: str) -> tuple[str, str]:
    with translation.override(lang):
        return (
            render_to_string(f"{template}.txt", ctx),
            render_to_string(f"{template}.html", ctx),
        )


def _frozen(value):
    """Return a hashable copy of a context (dicts, lists and scalars); None if it holds
    anything else, which is then rendered without the cache."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None and item is not None:
                return None
            items.append((key, frozen))
        return ("dict", tuple(items))
    if isinstance(value, list | tuple):
        items = []
        for item in value:
            frozen = _frozen(item)
            if frozen is None and item is not None:
                return None
            items.append(frozen)
        return ("list", tuple(items))
    return None


# --- MIME, written out directly ------------------------------------------------------------


class OutboxEmail(EmailMultiAlternatives):
    """An email whose MIME form is written out directly rather than by the email package.

    ``message()`` gives the same bytes as Django's (the same headers, folded the same way, the
    same parts and transfer encodings; only the random boundary differs) at a fraction of the
    cost: headers shared by many emails (subject, sender) are encoded once per process, and
    the bodies are written as they are instead of being parsed back into lines. An email of
    another shape (cc, attachments that are not MIME parts, lines over 998 bytes, a charset
    other than UTF-8, non-ASCII addresses) is left to Django.
    """

    def message(self):
        data = _write_mime(self)
        return super().message() if data is None else RawMessage(data)


class RawMessage:
    """A message already written out: what the mail backends read from ``message()``."""

    def __init__(self, data: bytes) -> None:
        self.data = data  # "\n" line ends

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\n" else self.data.replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "surrogateescape")

    def get_charset(self):
        return None

    def parsed(self) -> Message:
        return message_from_bytes(self.data)

    def __getitem__(self, name: str):
        return self.parsed()[name]

    def __getattr__(self, name: str):
        # Anything else a caller may want from a message: read it from the parsed form.
        if name.startswith("__") or name == "data":
            raise AttributeError(name)
        return getattr(self.parsed(), name)


NEWLINES = re.compile(r"\r\n|\r|\n")
TEXT_PART_HEADERS = {
    (subtype, cte): (
        f'Content-Type: text/{subtype}; charset="utf-8"\nMIME-Version: 1.0\n'
        f"Content-Transfer-Encoding: {cte}\n\n"
    ).encode()
    for subtype in ("plain", "html")
    for cte in ("7bit", "8bit")
}
HANDLED_HEADERS = {"from", "to", "cc", "reply-to", "date", "subject"}


def _write_mime(email: EmailMultiAlternatives) -> bytes | None:
    """Return the MIME form of an email as Django would write it, or None to leave it to Django.

    Mirrors ``EmailMultiAlternatives.message()`` and the email package's generator for the
    shape this module sends: a text body, text alternatives, MIME parts as attachments.
    """
    encoding = email.encoding or settings.DEFAULT_CHARSET
    if encoding.lower() not in ("utf-8", "utf8") or email.cc or not email.body:
        return None
    if any(not mimetype.startswith("text/") for _content, mimetype in email.alternatives):
        return None
    if not email.alternatives or any(not isinstance(a, MIMEBase) for a in email.attachments):
        return None
    if any(name.lower() in HANDLED_HEADERS for name in email.extra_headers):
        return None
    parts = [_text_part(email.body, "plain")]
    for content, mimetype in email.alternatives:
        part = _text_part(content, mimetype.partition("/")[2])
        if part is None:
            return None
        parts.append(part)
    if parts[0] is None:
        return None
    body = _multipart("alternative", parts)
    if email.attachments:
        body = _multipart("mixed", [body, *(_mime_part(a) for a in email.attachments)])
    content_type, body = body
    head = [content_type, b"MIME-Version: 1.0\n", _header("Subject", str(email.subject))]
    head.append(_header("From", str(email.from_email)))
    if email.to:
        head.append(_header("To", ", ".join(str(v) for v in email.to)))
    if email.reply_to:
        head.append(_header("Reply-To", ", ".join(str(v) for v in email.reply_to)))
    head.append(_header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in (name.lower() for name in email.extra_headers):
        head.append(_header("Message-ID", make_msgid(domain=DNS_NAME)))
    for name, value in email.extra_headers.items():
        head.append(_header(name, str(value)))
    head.append(b"\n")
    head.append(body)
    return b"".join(head)


def _text_part(content: str, subtype: str) -> bytes | None:
    """A text part as Django writes it (UTF-8, 8bit or 7bit), or None for lines too long."""
    if "\r" in content:
        content = NEWLINES.sub("\n", content)
    data = content.encode("utf-8")
    if len(data) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
        # A line of 249 characters or fewer is 996 bytes at most.
        len(line) > 249 and len(line.encode()) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in content.splitlines()
    ):
        return None  # Django switches to quoted-printable
    header = TEXT_PART_HEADERS.get((subtype, "7bit" if data.isascii() else "8bit"))
    if header is None:
        return None
    return header + data


def _mime_part(part: MIMEBase) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(part, linesep="\n")
    return out.getvalue()


def _multipart(subtype: str, parts: list[bytes | tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    """Return (Content-Type header, body) of a multipart, as the generator writes them."""
    bodies = []
    for part in parts:
        if isinstance(part, tuple):  # a nested multipart: its headers, then its body
            content_type, inner = part
            part = content_type + b"MIME-Version: 1.0\n\n" + inner
        bodies.append(part)
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        marker = f"--{boundary}".encode()
        if not any(marker in body for body in bodies):
            break
    separator = b"\n" + marker + b"\n"
    before, after = _multipart_header(subtype)
    content_type = before + boundary.encode() + after
    body = marker + b"\n" + separator.join(bodies) + b"\n" + marker + b"--\n"
    return content_type, body


@lru_cache(maxsize=8)
def _multipart_header(subtype: str) -> tuple[bytes, bytes]:
    # Every boundary has the same length and characters, so the header folds the same way.
    placeholder = "=" * 15 + "0" * 19 + "=="
    folded = compat32.fold_binary("Content-Type", f'multipart/{subtype}; boundary="{placeholder}"')
    before, after = folded.split(placeholder.encode())
    return before, after


def _header(name: str, value: str) -> bytes:
    if len(value) < 60 and value.isascii() and value.isprintable() and "  " not in value:
        if name.lower() != "subject":
            return f"{name}: {value}\n".encode()
    return _folded_header(name, value)


@lru_cache(maxsize=1024)
def _folded_header(name: str, value: str) -> bytes:
    # The sender and the subjects repeat over a batch: encode each once.
    return compat32.fold_binary(*forbid_multi_line_headers(name, value, "utf-8"))
