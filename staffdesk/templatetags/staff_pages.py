"""Template filters of the staff pages: how a city office writes a fiscal year and a rate
(as the report's CSV does), and a programme's own words for what a reservation stores as a key."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from events.selectors import priority_group_label_of
from staffdesk.terms import percent

register = template.Library()

# Where a Japanese column name may wrap: before its unit of count or its bracketed unit
# (キャンセル/組数, 延べ/参加者数, 予約数/（席）), never inside a word.
JAPANESE_COLUMN_BREAK = re.compile(r"(?<=.)(?=組数|回数|参加者数|（)")


@register.filter
def fill_rate(rate: float | None) -> str:
    """充足率 as the report's CSV writes it (66.7), "–" for a month without seats offered."""
    return percent(rate) or "–"


@register.filter
def priority_label(key: str, program) -> str:
    """A lottery priority group as the programme names it in the page's language, not its key:
    初めての妊娠の方, not first_pregnancy."""
    return priority_group_label_of(program, key or "", get_language() or "ja")


@register.filter
def column_name(label: str) -> SafeString:
    """A table's column name with the places it may wrap marked (``<wbr>``) in Japanese; the
    report's CSS lets Japanese names wrap only there when the columns are narrow."""
    text = escape(label)
    if (get_language() or "ja").startswith("ja"):
        text = JAPANESE_COLUMN_BREAK.sub("<wbr>", text)
    return mark_safe(text)  # noqa: S308 - escaped above; only <wbr> added
