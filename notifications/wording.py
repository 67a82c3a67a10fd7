"""What an email says beyond its templates, in the reservation's language: subjects, dates and
times (``core.dates``), the party, a change's before and after. Every word goes through the
catalogues (``locale/``), so an email reads in each of the product's languages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext, ngettext, override, pgettext

from core import dates
from core.languages import listed, supported_language
from events.maps import facility_map_link
from events.models import Facility, Session
from events.selectors import text_in
from notifications.models import NotificationKind


def site_name(language: str) -> str:
    """The name the pages carry in their header, so a parent sees one name for the site."""
    with override(email_language(language)):
        return gettext("Child-care events")


MY_RESERVATIONS_NONE = "my_reservations_none"
# Subjects: the reservation's title and the session's short date are put in.
SUBJECTS: dict[str, Any] = {
    NotificationKind.CONFIRMED: lambda: gettext("Reservation confirmed: %(title)s (%(date)s)"),
    NotificationKind.WAITLISTED: lambda: gettext("On the waiting list: %(title)s (%(date)s)"),
    NotificationKind.APPLIED: lambda: gettext("Lottery application received: %(title)s (%(date)s)"),
    NotificationKind.PROMOTED: lambda: gettext("A seat is yours: %(title)s (%(date)s)"),
    NotificationKind.LOTTERY_WON: lambda: gettext(
        "You won the lottery - please confirm: %(title)s (%(date)s)"
    ),
    NotificationKind.LOTTERY_NOT_DRAWN: lambda: gettext("Lottery result: %(title)s (%(date)s)"),
    NotificationKind.CANCELLED: lambda: gettext("Reservation cancelled: %(title)s (%(date)s)"),
    NotificationKind.SESSION_CHANGED: lambda: gettext("Changed: %(title)s (%(date)s)"),
    NotificationKind.PARTY_CHANGED: lambda: gettext("Party changed: %(title)s (%(date)s)"),
    NotificationKind.MOVED: lambda: gettext("Date changed: %(title)s (%(date)s)"),
    NotificationKind.SESSION_CANCELLED: lambda: gettext(
        "Cancelled by the organiser: %(title)s (%(date)s)"
    ),
    NotificationKind.REMINDER: lambda: gettext("Reminder, %(relative)s: %(title)s (%(date)s)"),
    NotificationKind.MY_RESERVATIONS: lambda: gettext("Your reservations: the link to see them"),
    # The same email when the address holds none: its subject promises no link.
    MY_RESERVATIONS_NONE: lambda: gettext("Your reservations: none with this email address"),
    NotificationKind.FEED_LINK: lambda: gettext("Your private calendar link"),
    NotificationKind.SESSION_NOTICE: lambda: gettext("Notice: %(title)s (%(date)s)"),
}


INVITE_FILENAMES = {"REQUEST": "invite.ics", "CANCEL": "cancel.ics"}


def email_language(language: str | None) -> str:
    """The language an email is written in: the reservation's, if the product speaks it."""
    return supported_language(language)


def subject(kind: str, language: str, **values: str) -> str:
    with override(email_language(language)):
        return " ".join((SUBJECTS[kind]() % values).split())


def relative_day(days: int, language: str) -> str:
    """today / tomorrow / coming up, for a reminder."""
    with override(email_language(language)):
        if days == 0:
            return pgettext("reminder", "today")
        if days == 1:
            return pgettext("reminder", "tomorrow")
        return pgettext("reminder", "coming up")


def needs_text(reservation, language: str) -> str:
    """What the family asked the facility to prepare, read back in the email's language."""
    with override(email_language(language)):
        return reservation.needs_text()


def attendees_text(names: list[str], language: str) -> str:
    """The names of those who come, as the language lists them: 鹿児島 一郎、薩摩 次郎."""
    with override(email_language(language)):
        return listed(names)


def party_text(adults: int, children: int, childcare: int, language: str) -> str:
    """Return a party as the language says it: 大人2人、子ども1人（うち託児1人）."""
    with override(email_language(language)):
        parts = [ngettext("%(n)s adult", "%(n)s adults", adults) % {"n": adults}]
        if children:
            parts.append(ngettext("%(n)s child", "%(n)s children", children) % {"n": children})
        text = listed(parts)
        if childcare:
            text += gettext(" (%(n)s in childcare)") % {"n": childcare}
        return text


def format_date(value: datetime, language: str) -> str:
    """Return a date in the reader's style: 2026年12月5日（土） / Sat 5 December 2026."""
    return dates.format_day(value, email_language(language), style="day_long")


def format_datetime(value: datetime, language: str) -> str:
    """Return 2026年12月5日（土）17:00 / Sat 5 December 2026, 17:00."""
    return dates.format_day_time(value, email_language(language), style="day_long")


def format_when(start: datetime, end: datetime, language: str) -> str:
    """Return a session's time as the pages write it: 2026年12月5日（土）10:00〜11:30."""
    return dates.format_span(start, end, email_language(language), style="day_long")


def format_short(value: datetime, language: str) -> str:
    """Return a short date for subjects: 12月5日（土）10:00 / Sat 5 Dec 10:00."""
    return dates.format_short(value, email_language(language))


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
        "map": facility_map_link(facility),
    }


def change_lines(payload: dict[str, Any], language: str) -> list[dict[str, str]]:
    """Return "before -> after" lines for what changed in a session (staff changed it), or
    between two sessions (a reservation moved to another date)."""
    language = email_language(language)
    before, after = payload.get("before") or {}, payload.get("after") or {}
    changed = set(payload.get("changed") or [])
    lines = []

    def when(values: dict[str, Any]) -> str:
        return format_when(
            datetime.fromisoformat(values["start"]), datetime.fromisoformat(values["end"]), language
        )

    def place(values: dict[str, Any]) -> str:
        name = (values.get("facility_names") or {}).get(language) or (
            values.get("facility_name_en") if language == "en" else ""
        )
        name = name or values.get("facility_name", "")
        if not values.get("address"):
            return name
        return pgettext("place and address", "%(name)s (%(address)s)") % {
            "name": name,
            "address": values["address"],
        }

    with override(language):
        if changed & {"start", "end"}:
            lines.append(
                {"label": gettext("Date and time"), "old": when(before), "new": when(after)}
            )
        if "facility" in changed:
            lines.append({"label": gettext("Place"), "old": place(before), "new": place(after)})
        if "title" in changed:
            lines.append(
                {
                    "label": gettext("Title"),
                    "old": before.get("display_title", ""),
                    "new": after.get("display_title", ""),
                }
            )
    return lines
