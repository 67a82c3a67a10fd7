"""The names of those who come, where a programme asks for them (``asks_attendee_names``): a
seminar a company books for its managers needs everyone's name for its roster and name cards,
and the one who books may not come at all.

One field per adult the programme accepts; the form takes as many names as adults come, in the
order written, and the booking's rules say when the count is wrong. The parents' forms and the
staff desk's (phone booking, party change) both take them, so the fields live here, below both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.rules import ATTENDEE_NAMES_MESSAGE
from core.text import OneLineFormField
from events.models import Program

PREFIX = "attendee_"


PARENTS_HELP = _(
    "The name of each adult who comes, as many as come (not yours if you book for others and "
    "do not come yourself)."
)


def attendee_fields(
    program: Program, *, help_text: str | None = None, first_required: bool = False
) -> dict[str, forms.Field]:
    """A name field for each adult the programme accepts, or none where it does not ask; the
    first says ``help_text`` (the parents' words unless the desk gives its own) and is marked
    required where nothing may lift the rules (a parent's form: one adult at least comes)."""
    if not program.asks_attendee_names:
        return {}
    return {
        f"{PREFIX}{n}": OneLineFormField(
            label=_("Name of person %(n)d coming") % {"n": n},
            max_length=100,
            required=first_required and n == 1,
            error_messages={"required": ATTENDEE_NAMES_MESSAGE},
            help_text=(PARENTS_HELP if help_text is None else help_text) if n == 1 else "",
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        for n in range(1, program.max_adults + 1)
    }


def attendee_field_names(fields: Mapping[str, Any]) -> list[str]:
    """A form's name fields, in their order."""
    return [name for name in fields if name.startswith(PREFIX)]


def attendee_names_given(fields: Mapping[str, Any], data: Mapping[str, Any]) -> list[str]:
    """The names written in a form's name fields, in their order, the empty ones left out."""
    names = (data.get(name) or "" for name in attendee_field_names(fields))
    return [name.strip() for name in names if name.strip()]


def attendee_initial(names: list[str]) -> dict[str, str]:
    return {f"{PREFIX}{n}": name for n, name in enumerate(names, start=1)}


def first_attendee_field(fields: Mapping[str, Any]) -> str | None:
    """Where the rules' word on the names goes: on the first name field."""
    return f"{PREFIX}1" if f"{PREFIX}1" in fields else None
