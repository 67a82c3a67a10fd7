"""Template filters of the staff pages: how a city office writes a fiscal year, and a
programme's own words for what a reservation stores as a key."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from events.selectors import priority_group_label_of

register = template.Library()

# The first year of each era (元年): a fiscal year is named by the era of its April.
ERAS = [(2019, "令和"), (1989, "平成")]


def japanese_fiscal_year(year: int) -> str:
    """令和8年度（2026年度）; 令和元年度（2019年度） for an era's first year."""
    for first, era in ERAS:
        if year >= first:
            number = year - first + 1
            return f"{era}{'元' if number == 1 else number}年度（{year}年度）"
    return f"{year}年度"


@register.filter
def fiscal_year(year: int) -> str:
    """A fiscal year as the page's language writes it: 令和8年度（2026年度） / FY2026 (April
    2026 – March 2027)."""
    if (get_language() or "ja").startswith("ja"):
        return japanese_fiscal_year(int(year))
    return _("FY%(year)d (April %(year)d – March %(next)d)") % {
        "year": int(year),
        "next": int(year) + 1,
    }


@register.filter
def priority_label(key: str, program) -> str:
    """A lottery priority group as the programme names it in the page's language, not its key:
    初めての妊娠の方, not first_pregnancy."""
    return priority_group_label_of(program, key or "", get_language() or "ja")
