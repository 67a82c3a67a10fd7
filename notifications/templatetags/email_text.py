"""Template filters for HTML emails: keep a session's times on one line.

A narrow phone's mail app may break 「15:30〜16:30」 after the 〜; the pages keep the times in a
``nowrap`` span, and the emails do the same with an inline style (mail clients drop stylesheets).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TIME_RANGE = re.compile(r"\d{1,2}:\d{2}[〜–]\d{1,2}:\d{2}")


@register.filter
def keep_times(value: str) -> SafeString:
    """Return ``value`` escaped, with its time range (10:00〜11:30) in a span that never wraps."""
    text = str(conditional_escape(value))
    return mark_safe(  # noqa: S308 - the text is escaped above; the span holds only digits
        TIME_RANGE.sub(
            lambda m: str(format_html('<span style="white-space:nowrap">{}</span>', m.group())),
            text,
        )
    )
