"""Template filters for the parents' pages: dates and ages in the page's language, localised
names. The staff pages (desk, schedule, consultations) write their dates with the same filters.

Dates are written in each language's own form (``core.dates``: ``2026年12月5日（土）10:00〜11:30``,
``Sat 5 Dec 2026, 10:00–11:30``, ``2026년 12월 5일 (토) 10:00~11:30`` ...); children's ages
as parents say them, through the catalogues (1歳3か月, 1 y 3 m, 1岁3个月 ...).
Times are always shown in Japan time, whatever the phone's zone.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from core import dates
from core.languages import current_language, html_lang, listed
from events.maps import facility_map_link
from events.models import Session
from events.selectors import shown_language

register = template.Library()


def format_day(value: date) -> str:
    return dates.format_day(value, current_language())


@register.filter
def day(value: date | datetime | None, style: str = "day") -> str:
    """Return a day: 2026年12月5日（土） / Sat 5 Dec 2026.

    ``style`` picks another of ``core.dates.PATTERNS``: ``{{ d|day:"short" }}`` is 12月5日（土） /
    Sat 5 Dec, ``"date"`` 2026年12月5日 / 5 Dec 2026.
    """
    if value is None:
        return ""
    return dates.format_day(value, current_language(), style=style)


@register.filter
def phone_link(number: str) -> str:
    """A phone number a phone can call with one tap: <a href="tel:0598000001">0598-00-0001</a>.

    The pages turn the browser's own number detection off (dates read as numbers), so a number
    to call is a link of its own."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if not digits:
        return number
    return format_html('<a href="tel:{}">{}</a>', digits, number)


@register.filter
def nowrap(text: str) -> str:
    """Text that never breaks across lines, such as a phone number in a sentence: Chromium breaks
    090-1234-5678 after a hyphen on a narrow phone."""
    return format_html('<span class="nowrap">{}</span>', text)


@register.filter
def when(value: datetime | None) -> str:
    """Return a day and time: 2026年12月5日（土）17:00 / Sat 5 Dec 2026, 17:00."""
    if value is None:
        return ""
    return dates.format_day_time(value, current_language())


@register.filter
def when_short(value: datetime | None) -> str:
    """Return a day of this year and a time: 12月5日（土）17:00 / Sat 5 Dec, 17:00."""
    if value is None:
        return ""
    return dates.format_short(value, current_language())


@register.simple_tag
def range_mark(spaced: bool = False) -> str:
    """Return the mark between two times: 〜 in Japanese, an en dash in English.

    English spaces the dash between two dates with times (``spaced``), not between two times.
    """
    return dates.range_mark(current_language(), spaced=spaced)


@register.filter
def span(session) -> str:
    """Return when a session runs: 2026年12月5日（土）10:00〜11:30 (the times never split).

    The times go in a ``nowrap`` span, so a narrow phone breaks the line before them, never
    inside 10:00〜11:30.
    """
    language = current_language()
    start, end = dates.local(session.start), dates.local(session.end)
    if end.date() != start.date():
        return dates.format_span(start, end, language)
    return format_html(
        '{}{}<span class="nowrap">{}{}{}</span>',
        format_day(start.date()),
        dates.day_time_separator(language),
        f"{start:%H:%M}",
        dates.range_mark(language),
        f"{end:%H:%M}",
    )


@register.filter
def months(value: int | None) -> str:
    """Return an age in months the way parents say it: 1歳3か月 / 1 y 3 m."""
    if value is None:
        return ""
    years, rest = divmod(int(value), 12)
    if years == 0:
        return ngettext("%(months)s month", "%(months)s months", rest) % {"months": rest}
    # Each number takes its own plural (1 ano e 3 meses): the years, the months, then the two.
    in_years = npgettext("age in years", "%(years)s y", "%(years)s y", years) % {"years": years}
    if rest == 0:
        return in_years
    in_months = npgettext("age in months", "%(months)s m", "%(months)s m", rest) % {"months": rest}
    return pgettext("age in years and months", "%(years)s %(months)s") % {
        "years": in_years,
        "months": in_months,
    }


@register.filter
def months_list(values) -> str:
    """Return children's ages as a list: 5か月、1歳2か月 / 5 months, 1 y 2 m."""
    return listed(months(v) for v in values or [])


@register.filter
def months_list_html(values) -> str:
    """Children's ages as ``months_list`` writes them, each kept on one line: a narrow column
    breaks between two ages, never inside 2歳6か月."""
    parts = [format_html('<span class="nowrap">{}</span>', months(v)) for v in values or []]
    return format_html_join(pgettext("list separator", ", "), "{}", ((p,) for p in parts))


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
    if high is None:
        return gettext("%(age)s or older") % {"age": months(low)}
    return gettext("%(low)s to %(high)s") % {"low": months(low or 0), "high": months(high)}


@register.filter(name="listed")
def listed_filter(items) -> str:
    """Items on one line as the page's language lists them: ``{{ names|listed }}``."""
    return listed(items)


@register.filter
def map_link(facility) -> str:
    """The facility on a map (``events.maps``): ``{{ facility|map_link }}``."""
    return facility_map_link(facility)
