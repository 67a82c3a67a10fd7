"""Template filters for the parents' pages: dates in the page's language and localised names.

Japanese dates read ``2026年12月5日(土) 10:00〜11:30``; English ones
``Sat 5 Dec 2026, 10:00–11:30``.
Times are always shown in Japan time, whatever the phone's zone.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from core.languages import html_lang
from events.models import Session
from events.selectors import shown_language

register = template.Library()

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


def format_day(value: date) -> str:
    if _english():
        weekday, month = WEEKDAYS_EN[value.weekday()], MONTHS_EN[value.month - 1]
        return f"{weekday} {value.day} {month} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日({WEEKDAYS_JA[value.weekday()]})"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value, timezone.get_default_timezone())


@register.filter
def day(value: date | datetime | None) -> str:
    """Return a day: 2026年12月5日(土) / Sat 5 Dec 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_day(value)


@register.filter
def when(value: datetime | None) -> str:
    """Return a day and time: 2026年12月5日(土) 17:00 / Sat 5 Dec 2026, 17:00."""
    if value is None:
        return ""
    local = _local(value)
    separator = ", " if _english() else " "
    return f"{format_day(local.date())}{separator}{local:%H:%M}"


@register.simple_tag
def range_mark(spaced: bool = False) -> str:
    """Return the mark between two times: 〜 in Japanese, an en dash in English.

    English spaces the dash between two dates with times (``spaced``), not between two times.
    """
    if _english():
        return " – " if spaced else "–"
    return "〜"


@register.filter
def span(session) -> str:
    """Return when a session runs: 2026年12月5日(土) 10:00〜11:30 (the times never split).

    The times go in a ``nowrap`` span, so a narrow phone breaks the line before them, never
    inside 10:00〜11:30.
    """
    start, end = _local(session.start), _local(session.end)
    separator = ", " if _english() else " "
    if end.date() != start.date():
        return (
            f"{format_day(start.date())}{separator}{start:%H:%M}{range_mark()}{when(session.end)}"
        )
    return format_html(
        '{}{}<span class="nowrap">{}{}{}</span>',
        format_day(start.date()),
        separator,
        f"{start:%H:%M}",
        range_mark(),
        f"{end:%H:%M}",
    )


@register.filter
def months(value: int | None) -> str:
    """Return an age in months the way parents say it: 1歳3か月 / 1 y 3 m."""
    if value is None:
        return ""
    years, rest = divmod(int(value), 12)
    if _english():
        if years == 0:
            return f"{rest} month{'s' if rest != 1 else ''}"
        return f"{years} y {rest} m" if rest else f"{years} y"
    if years == 0:
        return f"{rest}か月"
    return f"{years}歳{rest}か月" if rest else f"{years}歳"


@register.filter
def months_list(values) -> str:
    """Return children's ages as a list: 5か月、1歳2か月 / 5 months, 1 y 2 m."""
    return ("、" if not _english() else ", ").join(months(v) for v in values or [])


@register.filter
def local_name(obj) -> str:
    """Return a facility's name or a programme's title in the page's language (the Japanese
    where staff entered none: ``text_language`` says which)."""
    for field in ("title", "name"):
        if hasattr(obj, field):
            return getattr(obj, field)
    return str(obj)


@register.filter
def text_language(obj, field: str = "title") -> str:
    """The language a translated field is shown in on this page, for a ``lang`` attribute; a
    session's own title (staff write it in Japanese) or else its programme's title."""
    if isinstance(obj, Session):
        if obj.title:
            return settings.LANGUAGE_CODE
        obj = obj.program
    return html_lang(shown_language(obj, field))


@register.filter
def session_title(session) -> str:
    """Return a session's own title, or its programme's title in the page's language."""
    return session.title or local_name(session.program)


@register.filter
def age_range(program) -> str:
    """Return a programme's children's age band: 0か月〜1歳 / 0 months to 1 y."""
    low, high = program.child_age_min_months, program.child_age_max_months
    if low is None and high is None:
        return ""
    if _english():
        if high is None:
            return f"{months(low)} or older"
        return f"{months(low or 0)} to {months(high)}"
    if high is None:
        return f"{months(low)}以上"
    return f"{months(low or 0)}〜{months(high)}"
