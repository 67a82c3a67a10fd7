"""The audit log as people read it (issue 21, item 12): each entry's changes as labelled
before → after pairs in the desk's words, dates written as the desk writes them, statuses by
their names (a session's 中止, a reservation's as the roster names it), yes and no, places and
programmes by name, reservation codes linked to their row on the roster, and the staff
member's name without the login's technical prefix.

Every key the services write has a label (``KEY_LABELS``); one they may write later reads
"Other", never as the key itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booking.models import actor_text
from events.templatetags.parent_pages import day, months_list, when
from staffdesk.models import StaffActionKind
from staffdesk.terms import ATTENDANCE, RESERVATION_STATUS, SESSION_STATUS, term

register = template.Library()


# One word for one thing, as the desk's other pages say it (docs/glossary.md).
KEY_LABELS = {
    "status": pgettext_lazy("audit log", "Reservation status"),
    "attendance": pgettext_lazy("audit log", "Attendance"),
    "start": pgettext_lazy("audit log", "Start"),
    "end": pgettext_lazy("audit log", "End"),
    "facility": pgettext_lazy("audit log", "Facility"),
    "program": pgettext_lazy("audit log", "Programme"),
    "course": pgettext_lazy("audit log", "Course"),
    "title": pgettext_lazy("audit log", "Title"),
    "capacity": pgettext_lazy("audit log", "Capacity"),
    "children_capacity": pgettext_lazy("audit log", "Children's places"),
    "childcare_capacity": pgettext_lazy("audit log", "Childcare places"),
    "waitlist_limit": pgettext_lazy("audit log", "Waiting list limit"),
    "seats_taken": pgettext_lazy("audit log", "Seats reserved"),
    "registration_opens": pgettext_lazy("audit log", "Registration opens"),
    "registration_closes": pgettext_lazy("audit log", "Registration closes"),
    "cancellation_deadline": pgettext_lazy("audit log", "Cancellation deadline"),
    "message": pgettext_lazy("audit log", "Message to parents"),
    "code": pgettext_lazy("audit log", "Reservation code"),
    "adults": pgettext_lazy("audit log", "Adults"),
    "children": pgettext_lazy("audit log", "Children"),
    "children_ages": pgettext_lazy("audit log", "Children's ages"),
    "childcare": pgettext_lazy("audit log", "Childcare"),
    # The names themselves are not logged: the log outlives the reservation's erasure.
    "attendee_names_changed": pgettext_lazy("audit log", "Names of those who come changed"),
    # A phone booking's "override" and a walk-in's "over_capacity" are the same thing: the
    # party was booked although the rules refused it, with the reason above.
    "override": pgettext_lazy("audit log", "Booked outside the rules"),
    "over_capacity": pgettext_lazy("audit log", "Booked outside the rules"),
    "promoted": pgettext_lazy("audit log", "Promoted"),
    "confirm_by": pgettext_lazy("audit log", "Confirm the lottery win by"),
    "expected": pgettext_lazy("audit log", "Not yet"),
    "no_show": pgettext_lazy("audit log", "No-show"),
    "count": pgettext_lazy("audit log", "Parties"),
    "rows": pgettext_lazy("audit log", "Rows"),
    "applications": pgettext_lazy("audit log", "Applications"),
    "seed": pgettext_lazy("audit log", "Seed"),
    "winners": pgettext_lazy("audit log", "Winners (parties)"),
    "drawn": pgettext_lazy("audit log", "Drawn (parties)"),
    "live_reservations": pgettext_lazy("audit log", "Live reservations"),
    "cancelled_reservations": pgettext_lazy("audit log", "Reservations cancelled"),
    "reservations": pgettext_lazy("audit log", "Reservations"),
    "erased": pgettext_lazy("audit log", "Reservations erased"),
    "links_ended": pgettext_lazy("audit log", "Links ended"),
    "series": pgettext_lazy("audit log", "Series"),
    "sessions": pgettext_lazy("audit log", "Sessions"),
    "from": pgettext_lazy("audit log", "From"),
    "to": pgettext_lazy("audit log", "To"),
    "first": pgettext_lazy("audit log", "First session"),
    "last": pgettext_lazy("audit log", "Last session"),
    "start_time": pgettext_lazy("audit log", "Start time"),
    "end_time": pgettext_lazy("audit log", "End time"),
    # A notice to the parties (お知らせ): its words are the "message" above.
    "include_waiting": pgettext_lazy("audit log", "Also to the waiting list and the lottery"),
    "emailed": pgettext_lazy("audit log", "Parties emailed"),
    "without_email": pgettext_lazy("audit log", "Parties without email (to phone)"),
}
# A session's own status (開催予定 → 中止) in the entries about the session.
SESSION_KINDS = {
    StaffActionKind.SESSION_MOVE,
    StaffActionKind.SESSION_CANCEL,
    StaffActionKind.SESSION_UPDATE,
}
SESSION_STATUS_LABEL = pgettext_lazy("audit log", "Session status")
OTHER = pgettext_lazy("audit log", "Other")
HIDDEN = {"sequence", "what"}  # internal counters, shown nowhere on the desk
# What staff typed: shown as typed, even when it reads like a date.
FREE_TEXT = {"title", "message"}
NOTHING = (None, "", [])


def _key_label(key: str, kind: str = "") -> str:
    """The label of a fact of an entry of ``kind``; "Other" for a key without one."""
    if key == "status" and kind in SESSION_KINDS:
        return str(SESSION_STATUS_LABEL)
    return str(KEY_LABELS.get(key, OTHER))


def _moment(value: str):
    """An ISO date or date and time, written as the desk writes it; None for other text."""
    if len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return when(datetime.fromisoformat(value))
        except (ValueError, OverflowError):  # OverflowError: out of range in Japan's time
            return None
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return None
    return None


def _value(key: str, value: Any, kind: str, roster_url: str, names: dict):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "attendance":  # "": a party holding a seat that has not come (未受付)
        return term(ATTENDANCE, value or "expected")
    if value in (None, "", []):
        return "—"
    if key == "status":
        return term(SESSION_STATUS if kind in SESSION_KINDS else RESERVATION_STATUS, value)
    if key == "children_ages" and isinstance(value, list):
        return months_list(value)  # 1歳2か月、2歳6か月
    if key in names and isinstance(value, str):
        return names[key].get(value, value)
    if isinstance(value, list):
        return format_html_join(
            "、", '<a href="{}#r-{}">{}</a>', ((roster_url, c, c) for c in value)
        )
    if isinstance(value, str) and key not in FREE_TEXT:
        moment = _moment(value)
        if moment is not None:
            return moment
    return value


@register.simple_tag
def audit_changes(action, roster_url: str, names=None) -> list[tuple[str, Any, Any]]:
    """The changed facts of an entry: (label, before, after), unchanged ones left out.

    ``names`` holds the names of the catalogue rows the log keeps by slug
    (``staffdesk.selectors.audit.catalogue_names``).
    """
    before, after = action.before or {}, action.after or {}
    names = names or {}
    rows = []
    for key in [*before, *[k for k in after if k not in before]]:
        if key in HIDDEN or before.get(key) == after.get(key):
            continue
        if before.get(key) in NOTHING and after.get(key) in NOTHING:
            continue  # "promoted: none" says nothing the entry's title does not
        kind = action.kind
        old = _value(key, before[key], kind, roster_url, names) if key in before else None
        new = _value(key, after[key], kind, roster_url, names) if key in after else None
        rows.append((_key_label(key, kind), old, new))
    return rows


@register.filter
def staff_name(label: str) -> str:
    """'staff:hanako@example.jp' -> 'hanako@example.jp' (the login's prefix is technical), and
    the system's own actions by their word (``booking.models.actor_text``)."""
    return actor_text(label or "")


@register.simple_tag
def reservation_link(action, roster_url: str):
    if not action.reservation_id:
        return ""
    code = action.reservation.code
    return format_html('<a href="{}#r-{}">{}</a>', roster_url, code, code)
