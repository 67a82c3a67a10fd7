"""Japanese fiscal years (年度): April to March, named after the year of their April, and how a
city office writes one (令和8年度（2026年度）). Both yearly reports (attendance, consultations)
count by them, on their pages, in their files and in their APIs."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

# The first year of each era (元年): a fiscal year is named by the era of its April.
ERAS = [(2019, "令和"), (1989, "平成")]


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_months(fiscal_year: int) -> list[date]:
    """The first day of each month of the fiscal year, April to March."""
    return [date(fiscal_year + (m < 4), m, 1) for m in (*range(4, 13), *range(1, 4))]


def japanese_fiscal_year(year: int) -> str:
    """令和8年度（2026年度）; 令和元年度（2019年度） for an era's first year."""
    for first, era in ERAS:
        if year >= first:
            number = year - first + 1
            return f"{era}{'元' if number == 1 else number}年度（{year}年度）"
    return f"{year}年度"


def fiscal_year_label(year: int, language: str) -> str:
    """A fiscal year as a page in ``language`` writes it: 令和8年度（2026年度） in Japanese,
    "FY2026 (April 2026 – March 2027)" in the active catalogue's words otherwise."""
    if language.startswith("ja"):
        return japanese_fiscal_year(year)
    return _("FY%(year)d (April %(year)d – March %(next)d)") % {"year": year, "next": year + 1}
