"""Turn an outbox row into an email: subject, plain text and HTML bodies, calendar invite.

Templates are written per language (``notifications/<ja|en>/<kind>.txt`` and ``.html``), so the
Japanese emails are written in Japanese rather than translated phrase by phrase. What the
templates show is read from the database when the email is built; the payload only holds what
cannot be read back later (the manage link of the first email, what a session looked like
before staff changed it, the session a reminder is about).

Payload keys per kind:

- confirmed / waitlisted / applied (first email): ``manage_url`` (removed after sending)
- cancelled: ``had_seat``, ``by_staff``, ``reason``
- session_changed: ``session_id``, ``sequence``, ``changed``, ``before``, ``after``
- session_cancelled: ``session_id``, ``reason``, ``had_seat``
- reminder: ``session_id``, ``offset_hours``, ``start``
- feed_link: ``feed_url``, ``webcal_url``; my_reservations: ``link_url`` (removed after sending)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.mime.text import MIMEText
from email.utils import formataddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from booking.models import Reservation, ReservationStatus
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
    from booking.services import waitlist_position  # late: booking.services imports us

    now = now or timezone.now()
    lang = _lang(notification.language)
    payload = notification.payload or {}
    ctx: dict[str, Any] = {
        "kind": notification.kind,
        "lang": lang,
        "payload": payload,
        "site_name": SITE_NAME[lang],
        "site_url": settings.SITE_URL,
        "my_reservations_url": my_reservations_url(),
        "manage_url": payload.get("manage_url", ""),
        "feed_url": payload.get("feed_url", ""),
        "webcal_url": payload.get("webcal_url", ""),
        "link_url": payload.get("link_url", ""),
    }
    reservation = notification.reservation
    if reservation is None:
        return ctx
    sessions = sessions_of(reservation)
    focus = focus_session(notification, sessions)
    first = sessions[0] if sessions else focus
    program = (focus or first).program
    title = reservation.course.title if reservation.course_id else session_title(focus, lang)
    ctx.update(
        {
            "reservation": reservation,
            "code": reservation.code,
            "name": reservation.name,
            "title": title,
            "session": focus,
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
            "adults": reservation.adults,
            "children": reservation.children,
            "childcare": reservation.childcare,
            "cancellation_deadline": format_datetime(first.cancellation_deadline, lang),
            "cancellation_open": now <= first.cancellation_deadline,
            "confirm_by": format_datetime(reservation.confirm_by, lang)
            if reservation.confirm_by
            else "",
            "draw_date": format_datetime(first.registration_closes, lang),
        }
    )
    if notification.kind in (NotificationKind.WAITLISTED, NotificationKind.LOTTERY_NOT_DRAWN):
        ctx["position"] = waitlist_position(reservation)
    if notification.kind == NotificationKind.REMINDER:
        days = (timezone.localtime(focus.start).date() - timezone.localtime(now).date()).days
        ctx["relative"] = RELATIVE[lang].get(days, RELATIVE_LATER[lang])
        ctx["days_ahead"] = days
    if notification.kind == NotificationKind.SESSION_CHANGED:
        ctx["changes"] = change_lines(payload, lang)
    if notification.kind in (NotificationKind.SESSION_CANCELLED, NotificationKind.CANCELLED):
        ctx["reason"] = payload.get("reason", "")
        ctx["had_seat"] = bool(payload.get("had_seat"))
        ctx["by_staff"] = bool(payload.get("by_staff"))
    ctx["invite_method"] = invite_method(notification)
    return ctx


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
    domain = (
        urlsplit(settings.SITE_URL).hostname
        or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
        or "localhost"
    )
    stamp = notification.created_at.strftime("%Y%m%d%H%M%S") if notification.created_at else "0"
    digest = hashlib.sha256(f"{notification.pk}:{stamp}".encode()).hexdigest()[:12]
    return f"<notification.{notification.pk}.{digest}@{domain}>"


def _tidy(text: str) -> str:
    """Drop the blank lines and trailing spaces that template tags leave in plain text."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    invite: tuple[str, bytes] | None


def render(notification: Notification, *, now: datetime | None = None) -> Rendered:
    """Render a row's subject, bodies and invite in the row's language."""
    ctx = build_context(notification, now=now)
    lang = ctx["lang"]
    subject = SUBJECTS[lang][notification.kind].format(
        title=ctx.get("title", ""),
        date=ctx.get("start_short", ""),
        relative=ctx.get("relative", ""),
    )
    ctx["subject"] = subject = " ".join(subject.split())
    template = f"notifications/{lang}/{notification.kind}"
    with translation.override(lang):
        text = _tidy(render_to_string(f"{template}.txt", ctx))
        html = render_to_string(f"{template}.html", ctx)
    invite = None
    method = ctx.get("invite_method")
    if method:
        from notifications.calendar import reservation_invite

        invite = (method, reservation_invite(notification.reservation, method=method, now=now))
    return Rendered(subject=subject, text=text, html=html, invite=invite)


def sender_address(notification: Notification) -> tuple[str, str]:
    """Return (From, Reply-To): the facility's no-reply sender and its contact address."""
    reservation = notification.reservation
    if reservation is None:
        return formataddr((SITE_NAME["ja"], settings.DEFAULT_FROM_EMAIL)), ""
    from notifications.services import reservation_facility

    facility = reservation_facility(reservation)
    address = facility.noreply_email or settings.DEFAULT_FROM_EMAIL
    return formataddr((facility.name, address)), facility.email


def build_message(
    notification: Notification, *, connection=None, now: datetime | None = None
) -> EmailMultiAlternatives:
    """Return the email of a row, ready to send: text, HTML alternative, invite attached."""
    rendered = render(notification, now=now)
    from_email, reply_to = sender_address(notification)
    message = EmailMultiAlternatives(
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
