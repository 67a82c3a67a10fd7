"""A fiscal year in a page's language (``core.fiscal_years``): 令和8年度（2026年度）."""

from django import template
from django.utils.translation import get_language

from core.fiscal_years import fiscal_year_label

register = template.Library()


@register.filter
def fiscal_year(year: int) -> str:
    """A fiscal year as the page's language writes it: 令和8年度（2026年度） / FY2026 (April
    2026 – March 2027)."""
    return fiscal_year_label(int(year), get_language() or "ja")
