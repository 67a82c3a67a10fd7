"""Dates and times in each language's own form, for pages, emails and invites.

Babel (CLDR) gives the names of days and months; the patterns below say how each language
writes a session's day on a notice (the forms city offices use), always in Japan time:

======== ============================== ===============================
language a day                           a day and time (and a range)
======== ============================== ===============================
ja       2026年12月5日（土）             2026年12月5日（土）10:00〜11:30
en       Sat 5 Dec 2026                  Sat 5 Dec 2026, 10:00–11:30
zh-hans  2026年12月5日（周六）           2026年12月5日（周六）10:00〜11:30
ko       2026년 12월 5일 (토)            2026년 12월 5일 (토) 10:00~11:30
pt-br    sáb., 5 de dezembro de 2026     sáb., 5 de dezembro de 2026, 10:00–11:30
vi       Thứ Bảy, 5/12/2026              Thứ Bảy, 5/12/2026, 10:00–11:30
======== ============================== ===============================

やさしい日本語 writes its days as Japanese does. Japanese and Chinese put the weekday in full-width
brackets, as official notices do (公用文: 12月5日（土）).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list
from django.utils import timezone

from core.languages import EASY_JAPANESE, supported_language

# Babel's locale for each of the product's codes.
BABEL_LOCALES = {
    "ja": "ja",
    EASY_JAPANESE: "ja",
    "en": "en_GB",
    "zh-hans": "zh_Hans",
    "ko": "ko",
    "pt-br": "pt_BR",
    "vi": "vi",
}

# CLDR patterns: ``day`` on pages, ``day_long`` in emails (English spells the month out),
# ``short`` in an email's subject and in the staff's sentences (no year), ``date`` a day
# without its weekday (a series' first and last day), ``listed`` a short day inside a list of
# them (Portuguese and Vietnamese drop the comma after the weekday, which the list's own commas
# would make hard to read: sáb. 5/12, sáb. 12/12 e sáb. 19/12).
PATTERNS = {
    "ja": {
        "day": "y年M月d日（E）",
        "day_long": "y年M月d日（E）",
        "short": "M月d日（E）",
        "date": "y年M月d日",
        "listed": "M月d日（E）",
    },
    "en": {
        "day": "EEE d MMM y",
        "day_long": "EEE d MMMM y",
        "short": "EEE d MMM",
        "date": "d MMM y",
        "listed": "EEE d MMM",
    },
    "zh-hans": {
        "day": "y年M月d日（EEE）",
        "day_long": "y年M月d日（EEE）",
        "short": "M月d日（EEE）",
        "date": "y年M月d日",
        "listed": "M月d日（EEE）",
    },
    "ko": {
        "day": "y년 M월 d일 (E)",
        "day_long": "y년 M월 d일 (E)",
        "short": "M월 d일 (E)",
        "date": "y년 M월 d일",
        "listed": "M월 d일 (E)",
    },
    "pt-br": {
        "day": "EEE, d 'de' MMMM 'de' y",
        "day_long": "EEE, d 'de' MMMM 'de' y",
        "short": "EEE, d/M",
        "date": "d 'de' MMMM 'de' y",
        "listed": "EEE d/M",
    },
    "vi": {
        "day": "EEEE, d/M/y",
        "day_long": "EEEE, d/M/y",
        "short": "EEEE, d/M",
        "date": "d/M/y",
        "listed": "EEEE d/M",
    },
}
PATTERNS[EASY_JAPANESE] = PATTERNS["ja"]

# Between a day and its time: nothing after Japanese and Chinese full-width brackets
# (12月5日（土）10:00), a space in Korean, a comma elsewhere.
DAY_TIME_SEPARATOR = {"ja": "", EASY_JAPANESE: "", "zh-hans": "", "ko": " "}
# Between two times (10:00〜11:30; Chinese writes the full-width tilde of GB/T 15834, 10:00～11:30)
# and, spaced, between two days with times.
RANGE_MARK = {"ja": "〜", EASY_JAPANESE: "〜", "zh-hans": "～", "ko": "~"}
CJK = ("ja", EASY_JAPANESE, "zh-hans", "ko")


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[language])


def _code(language: str | None) -> str:
    return supported_language(language)


def local(value: datetime) -> datetime:
    """A time in Japan time (the product's zone), whatever zone it came in."""
    return timezone.localtime(value, timezone.get_default_timezone())


def format_day(value: date | datetime, language: str | None, *, style: str = "day") -> str:
    """A day in the language's form (``style`` is one of ``PATTERNS``' keys: ``day`` ...)."""
    if isinstance(value, datetime):
        value = local(value).date()
    code = _code(language)
    return babel_format_date(value, PATTERNS[code][style], locale=_locale(code))


def format_days(values: list[date], language: str | None, *, style: str = "listed") -> str:
    """Several days as a list in the language: 12月5日（土）、12月12日（土） / Sat 5 Dec and ..."""
    code = _code(language)
    return format_list([format_day(v, code, style=style) for v in values], locale=_locale(code))


def day_time_separator(language: str | None) -> str:
    return DAY_TIME_SEPARATOR.get(_code(language), ", ")


def range_mark(language: str | None, *, spaced: bool = False) -> str:
    """The mark between two times; spaced between two days with times (not in CJK)."""
    code = _code(language)
    if code in RANGE_MARK:
        return RANGE_MARK[code]
    return " – " if spaced else "–"


def format_day_time(value: datetime, language: str | None, *, style: str = "day") -> str:
    """A day and a time: 2026年12月5日（土）17:00 / Sat 5 Dec 2026, 17:00."""
    return f"{format_day(value, language, style=style)}{day_time_separator(language)}" + (
        f"{local(value):%H:%M}"
    )


def format_span(start: datetime, end: datetime, language: str | None, *, style: str = "day") -> str:
    """When something runs: 2026年12月5日（土）10:00〜11:30 (both days if it ends another day)."""
    s, e = local(start), local(end)
    if s.date() == e.date():
        return f"{format_day_time(s, language, style=style)}{range_mark(language)}{e:%H:%M}"
    first = format_day_time(s, language, style=style)
    last = format_day_time(e, language, style=style)
    return f"{first}{range_mark(language, spaced=True)}{last}"


def format_short(value: datetime, language: str | None) -> str:
    """A short day and time for a subject: 12月5日（土）10:00 / Sat 5 Dec 10:00."""
    return (
        f"{format_day(value, language, style='short')}{day_time_separator(language)}"
        f"{local(value):%H:%M}"
    )


def json_ready(value: Any) -> Any:
    """A value for a JSON column (an audit log's before and after): dates as ISO text, times in
    the site's time zone, keys as text, tuples as lists; anything else as it is."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
