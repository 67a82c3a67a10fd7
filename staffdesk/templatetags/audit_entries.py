"""The audit log as people read it (issue 21, item 12): each entry's changes as labelled
before → after pairs, dates formatted, statuses in the desk's words, reservation codes linked
to their row on the roster, and the staff member's name without the login's technical prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from events.templatetags.parent_pages import when
from staffdesk.terms import ATTENDANCE, RESERVATION_STATUS, term

register = template.Library()

KEY_LABELS = {
    "status": _("Status"),
    "attendance": _("Attendance"),
    "start": _("Start"),
    "end": _("End"),
    "facility": _("Place"),
    "capacity": _("Capacity"),
    "seats_taken": _("seats taken"),
    "message": _("Message to parents"),
    "expected": _("Not yet"),
    "no_show": _("No-show"),
    "count": _("Parties"),
    "rows": _("Rows"),
    "over_capacity": _("Over capacity"),
}
HIDDEN = {"sequence", "what"}  # internal counters, shown nowhere on the desk


def _value(key: str, value: Any, roster_url: str):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value in (None, "", []):
        return "—"
    if key == "status":
        return term(RESERVATION_STATUS, value)
    if key == "attendance":
        return term(ATTENDANCE, value)
    if isinstance(value, list):
        return format_html_join(
            "、", '<a href="{}#r-{}">{}</a>', ((roster_url, c, c) for c in value)
        )
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


@register.simple_tag
def audit_changes(action, roster_url: str) -> list[tuple[str, Any, Any]]:
    """The changed facts of an entry: (label, before, after), unchanged ones left out."""
    before, after = action.before or {}, action.after or {}
    rows = []
    for key in [*before, *[k for k in after if k not in before]]:
        if key in HIDDEN or before.get(key) == after.get(key):
            continue
        label = KEY_LABELS.get(key, key)
        old = _value(key, before[key], roster_url) if key in before else None
        new = _value(key, after[key], roster_url) if key in after else None
        rows.append((label, old, new))
    return rows


@register.filter
def staff_name(label: str) -> str:
    """'staff:hanako@example.jp' -> 'hanako@example.jp' (the login's prefix is technical)."""
    return label.split(":", 1)[1] if ":" in (label or "") else label


@register.simple_tag
def reservation_link(action, roster_url: str):
    if not action.reservation_id:
        return ""
    code = action.reservation.code
    return format_html('<a href="{}#r-{}">{}</a>', roster_url, code, code)
