"""What the audit log's entries name by a key: the facility, programme or course a change
moved a session to or from, by its name instead of its slug (issue: desk words)."""

from __future__ import annotations

from collections.abc import Iterable

from events.models import Course, Facility, Program
from staffdesk.models import StaffAction

# The log keeps a catalogue row by its slug: the key of the fact, and where its name is.
SLUG_KEYS = {
    "facility": (Facility, "name"),
    "program": (Program, "title"),
    "course": (Course, "title"),
}


def catalogue_names(actions: Iterable[StaffAction]) -> dict[str, dict[str, str]]:
    """The names of the facilities, programmes and courses the entries name by slug, one
    query per kind that occurs: {"facility": {"ribbon": "すこやか子育て交流館"}, ...}."""
    slugs: dict[str, set[str]] = {key: set() for key in SLUG_KEYS}
    for action in actions:
        for facts in (action.before or {}, action.after or {}):
            for key, wanted in slugs.items():
                value = facts.get(key)
                if isinstance(value, str) and value:
                    wanted.add(value)
    names: dict[str, dict[str, str]] = {}
    for key, wanted in slugs.items():
        if wanted:
            model, field = SLUG_KEYS[key]
            names[key] = dict(model.objects.filter(slug__in=wanted).values_list("slug", field))
    return names
