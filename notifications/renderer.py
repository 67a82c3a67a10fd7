"""Emails built a batch at a time: what the parties of one session share is formatted and
rendered once, and each party's name, code and links are put in.
"""

from __future__ import annotations

from datetime import datetime
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from booking.manage_links import manage_link_url
from booking.models import Reservation
from booking.services import waitlist_position
from calendars.invites import left_date_invites, reservation_invites
from core.languages import EASY_JAPANESE, html_lang, url_in_language
from core.ruby import html_with_ruby, ruby_plain
from events.models import Session
from events.selectors import text_in
from notifications.email_parts import (
    Rendered,
    focus_session,
    invite_method,
    message_id,
    my_reservations_url,
    sender_address,
    tidy,
)
from notifications.kinds import builder_for
from notifications.mime import OutboxEmail
from notifications.models import Notification, NotificationKind
from notifications.services import reservation_sessions
from notifications.wording import (
    INVITE_FILENAMES,
    MY_RESERVATIONS_NONE,
    attendees_text,
    change_lines,
    email_language,
    facility_context,
    format_datetime,
    format_short,
    format_when,
    needs_text,
    party_text,
    relative_day,
    session_title,
    site_name,
    subject,
)

# The context fields that differ from party to party of one session. A body is rendered once
# per distinct rest of the context, with a marker in place of each of these, and every email
# gets its own values put in (HTML-escaped in the HTML body, as autoescaping would). Templates
# show them as they are ({{ name }}) or test them ({% if manage_url %}); an empty value is
# rendered as it is, since it changes what such a test shows.
HOLES = ("name", "code", "manage_url", "confirm_url")
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use characters: never in real text


CJK = ("ja", EASY_JAPANESE, "zh-hans", "ko")

# Fonts an HTML email asks for, by language (mail clients drop stylesheets: inline only).
FONT_FAMILIES = {
    "ja": "'Hiragino Sans','Noto Sans JP','Yu Gothic',Meiryo,sans-serif",
    "ja-easy": "'Hiragino Sans','Noto Sans JP','Yu Gothic',Meiryo,sans-serif",
    "zh-hans": "'PingFang SC','Noto Sans SC','Microsoft YaHei',sans-serif",
    "ko": "'Apple SD Gothic Neo','Noto Sans KR','Malgun Gothic',sans-serif",
    "en": "'Helvetica Neue',Arial,'Noto Sans JP',sans-serif",
    "pt-br": "'Helvetica Neue',Arial,'Noto Sans JP',sans-serif",
    "vi": "'Helvetica Neue',Arial,'Noto Sans','Noto Sans JP',sans-serif",
}


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
        lang = email_language(notification.language)
        payload = notification.payload or {}
        ctx: dict[str, Any] = {
            "kind": notification.kind,
            "lang": lang,
            "html_lang": html_lang(lang),
            "font_family": FONT_FAMILIES.get(lang, FONT_FAMILIES["ja"]),
            "site_name": site_name(lang),
            # Between two sentences: none after 。, a space in the languages that space them.
            "gap": "" if lang in ("ja", EASY_JAPANESE, "zh-hans") else " ",
            "rule": "――――――――――――――――――――" if lang in CJK else "--",
            # Links to pages open in the email's language (``?lang=``), whatever the browser.
            "site_url": url_in_language(f"{settings.SITE_URL}/", lang),
            "my_reservations_url": url_in_language(my_reservations_url(), lang),
            "manage_url": url_in_language(payload.get("manage_url", ""), lang),
            "feed_url": payload.get("feed_url", ""),
            "webcal_url": payload.get("webcal_url", ""),
            "stop_url": url_in_language(payload.get("stop_url", ""), lang),
            "link_url": url_in_language(payload.get("link_url", ""), lang),
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
            link = manage_link_url(reservation.code, reservation.token_hash)
            ctx["manage_url"] = url_in_language(link, lang)
        ctx.update(
            {
                "reservation": True,
                "code": reservation.code,
                # A lottery application is not a reservation until a place is won.
                "applied": reservation.status == "applied",
                "name": reservation.name,
                "adults": reservation.adults,
                "children": reservation.children,
                "childcare": reservation.childcare,
                "party": party_text(
                    reservation.adults, reservation.children, reservation.childcare, lang
                ),
                "needs": needs_text(reservation, lang),
                # A member company books for its managers: what the desk and the roster name.
                "company": reservation.company,
                "attendees": attendees_text(reservation.attendee_names, lang),
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
            link = manage_link_url(reservation.code, reservation.token_hash, fragment="confirm")
            ctx["confirm_url"] = url_in_language(link, lang)
        if kind == NotificationKind.REMINDER:
            days = (focus.start.astimezone(self._tz).date() - now.astimezone(self._tz).date()).days
            ctx["relative"] = relative_day(days, lang)
            ctx["days_ahead"] = days
        if kind == NotificationKind.PARTY_CHANGED:
            before = payload.get("before") or {}
            ctx["before_adults"] = before.get("adults", 0)
            ctx["before_children"] = before.get("children", 0)
            ctx["before_childcare"] = before.get("childcare", 0)
            ctx["by_staff"] = bool(payload.get("by_staff"))
            ctx["before_party"] = party_text(
                ctx["before_adults"], ctx["before_children"], ctx["before_childcare"], lang
            )
        if kind in (NotificationKind.SESSION_CHANGED, NotificationKind.MOVED):
            ctx["changes"] = change_lines(payload, lang)
            ctx["by_staff"] = bool(payload.get("by_staff"))
            ctx["from_waiting"] = bool(payload.get("from_waiting"))
            ctx["reason"] = payload.get("reason", "")
        if kind == NotificationKind.SESSION_NOTICE:
            ctx["message"] = payload.get("message", "")
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
            "what_to_bring": text_in(program, "what_to_bring", lang),
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
        build = builder_for(notification.kind)
        if build is not None:  # a kind a higher app renders (notifications.kinds)
            return build(notification, now)
        ctx = self.context(notification, now=now)
        lang = ctx["lang"]
        kind = notification.kind
        if kind == NotificationKind.MY_RESERVATIONS and not ctx.get("link_url"):
            kind = MY_RESERVATIONS_NONE
        title = subject(
            kind,
            lang,
            title=ctx.get("title", ""),
            date=ctx.get("start_short", ""),
            relative=ctx.get("relative", ""),
        )
        ctx["subject"] = title = plain_text(title, lang)
        text, html = self._bodies_for(f"notifications/email/{notification.kind}", ctx, lang)
        invites = []
        method = ctx.get("invite_method")
        if method:
            # Staff-entered text (titles, what to bring) in the reservation's language too.
            with translation.override(lang):
                invites = [
                    (method, ics)
                    for ics in reservation_invites(notification.reservation, method=method, now=now)
                ]
        if kind == NotificationKind.MOVED and not ctx.get("from_waiting"):
            left = (notification.payload or {}).get("from_session_id")
            with translation.override(lang):
                invites += left_date_invites(notification.reservation, left, now=now)
        return Rendered(subject=title, text=text, html=html, invites=invites)

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
            text, html = render_bodies(template, holed, lang)
            bodies = (text, tidy(text), html)
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
            text, html = render_bodies(template, ctx, lang)
            tidy_first = False
        return (text if tidy_first else tidy(text)), html

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
        for n, (method, ics) in enumerate(rendered.invites, start=1):
            part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
            part.set_param("method", method)
            filename = INVITE_FILENAMES[method]
            if sum(m == method for m, _ in rendered.invites) > 1:  # invite-1.ics ... a course
                filename = filename.replace(".ics", f"-{n}.ics")
            part.add_header("Content-Disposition", "attachment", filename=filename)
            message.attach(part)
        return message


def render_bodies(template: str, ctx: dict[str, Any], lang: str) -> tuple[str, str]:
    """Render a kind's plain text and HTML in a language; やさしい日本語's ふりがな as
    漢字(かんじ) in the text and as <ruby> in the HTML (``core.ruby``)."""
    with translation.override(lang):
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    if lang == EASY_JAPANESE:
        return ruby_plain(text), html_with_ruby(html)
    return text, html


def plain_text(text: str, lang: str) -> str:
    """A line for a header (a subject): ふりがな in brackets, spaces folded."""
    text = " ".join(text.split())
    return ruby_plain(text) if lang == EASY_JAPANESE else text


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
