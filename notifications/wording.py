"""What an email says in each language: subjects, dates and times, a change's before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from events.models import Facility, Session
from events.selectors import text_in
from notifications.models import NotificationKind

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


# The name the pages carry in their header (the "Child-care events" msgid), so a parent sees
# one name for the site on pages and in emails.
SITE_NAME = {"ja": "子育てイベント予約", "en": "Child-care events"}


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
        NotificationKind.PARTY_CHANGED: "【参加人数の変更】{title}（{date}）",
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
        NotificationKind.PARTY_CHANGED: "Party changed: {title} ({date})",
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


def email_language(language: str) -> str:
    """The language an email is written in: English or Japanese (the default)."""
    return language if language in WEEKDAYS else "ja"


def format_date(value: datetime, language: str) -> str:
    """Return a date in the reader's style: 2026年12月5日(土) / Sat 5 December 2026."""
    local = timezone.localtime(value)
    wd = WEEKDAYS[email_language(language)][local.weekday()]
    if email_language(language) == "ja":
        return f"{local.year}年{local.month}月{local.day}日({wd})"
    return f"{wd} {local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def format_datetime(value: datetime, language: str) -> str:
    """Return 2026年12月5日(土) 17:00 / Sat 5 December 2026, 17:00."""
    sep = " " if email_language(language) == "ja" else ", "
    return f"{format_date(value, language)}{sep}{timezone.localtime(value):%H:%M}"


def format_when(start: datetime, end: datetime, language: str) -> str:
    """Return a session's time as the pages write it: 2026年12月5日(土) 10:00〜11:30."""
    s, e = timezone.localtime(start), timezone.localtime(end)
    mark = "〜" if email_language(language) == "ja" else "–"
    if s.date() == e.date():
        sep = " " if email_language(language) == "ja" else ", "
        return f"{format_date(s, language)}{sep}{s:%H:%M}{mark}{e:%H:%M}"
    return f"{format_datetime(s, language)}{mark}{format_datetime(e, language)}"


def format_short(value: datetime, language: str) -> str:
    """Return a short date for subjects: 12月5日(土) 10:00 / Sat 5 Dec 10:00."""
    local = timezone.localtime(value)
    wd = WEEKDAYS[email_language(language)][local.weekday()]
    if email_language(language) == "ja":
        return f"{local.month}月{local.day}日({wd}) {local:%H:%M}"
    return f"{wd} {local.day} {MONTHS_EN[local.month - 1][:3]} {local:%H:%M}"


def session_title(session: Session, language: str) -> str:
    if session.title:
        return session.title
    return text_in(session.program, "title", email_language(language))


def facility_context(facility: Facility, language: str) -> dict[str, str]:
    language = email_language(language)
    return {
        "name": text_in(facility, "name", language),
        "address": text_in(facility, "address", language),
        "access": text_in(facility, "access", language),
        "phone": facility.phone,
        "email": facility.email,
    }


def change_lines(payload: dict[str, Any], language: str) -> list[dict[str, str]]:
    """Return "before -> after" lines for what staff changed in a session."""
    labels = CHANGE_LABELS[email_language(language)]
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
        key = "facility_name_en" if email_language(language) == "en" else "facility_name"

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
