"""Serializer fields that take exactly the JSON type the schema says, and no text that is not text.

DRF's string fields turn a JSON number into text (``{"reason": -14139}`` is kept as
``"-14139"``), its choice fields match ``1`` against the choice ``"1"``, and a slug relation
looks ``5`` up as the slug ``"5"``, while the OpenAPI schema promises a string. These fields
refuse any other JSON value (number, boolean, list, object) with the field's own ``invalid``
message (``invalid_choice`` for choices), so the answer is the common 400 body. Every
serializer of the project uses them (``tests/core/test_fields.py`` checks it), and
``core.serializers.StrictModelSerializer`` maps model fields to them.

The same contract holds for numbers and booleans (``StrictIntegerField``,
``StrictBooleanField``, ``StrictPrimaryKeyRelatedField``: a JSON number or boolean, never
``"2"``, ``2.0``, ``"２"`` or ``"yes"``), and for dates, which are bounded to
``DATE_MIN``..``DATE_MAX`` (``StrictDateField``, ``StrictDateTimeField``, ``bounded_date``):
year 1 or 9999 is no date a booking system has, and formatting one fails.

Text is checked too: a one-line field refuses control and format characters (CR/LF, zero-width
space, bidi overrides) and a value made only of invisible characters; a multi-line field allows
line breaks and tabs. Only the type and these characters are checked here: these fields run
on the booking path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Control characters and Unicode format characters (Cc, Cf: zero-width space, bidi overrides,
# the BOM) that no one-line value holds; a multi-line value may hold line breaks and tabs.
_FORMAT = r"\u00ad\u061c\u180e\u200b-\u200f\u2060-\u206f\ufeff\ufff9-\ufffb"
ONE_LINE_REFUSED = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028-\u202e{_FORMAT}]")
MULTI_LINE_REFUSED = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e{_FORMAT}]")
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u206f\ufeff\u3000]+")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """The error key for text no field should store, or None: control and format characters
    (``unprintable``), or only invisible characters where something was given (``blank``)."""
    if (MULTI_LINE_REFUSED if multiline else ONE_LINE_REFUSED).search(value):
        return "unprintable"
    if value and not INVISIBLE.sub("", value):
        return "blank"
    return None


class StrictStringMixin:
    """A CharField (or subclass) that takes a str only, of printable text.

    Replaces ``CharField.to_internal_value``, which also takes an int or float and converts
    it; for a str both do the same (strip when ``trim_whitespace``). Email, regex, slug and URL
    fields run their validators afterwards as usual. ``multiline=True`` allows line breaks.
    """

    multiline = False

    def __init__(self, *args, multiline: bool | None = None, **kwargs):
        if multiline is not None:
            self.multiline = multiline
        super().__init__(*args, **kwargs)
        self.error_messages.setdefault("unprintable", _("Remove control or invisible characters."))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        value = data.strip() if self.trim_whitespace else data  # type: ignore[attr-defined]
        problem = text_problem(value, multiline=self.multiline)
        if problem is not None:
            self.fail(problem)  # type: ignore[attr-defined]
        return value


class StrictCharField(StrictStringMixin, serializers.CharField):
    # DRF's own message, named here so that the project's catalogue translates it.
    default_error_messages = {"invalid": _("Not a valid string.")}


class StrictTextField(StrictCharField):
    """Free text over several lines (notes, reasons): line breaks and tabs are allowed."""

    multiline = True


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    """An email address; full-width characters typed on a phone (＠, ａ, １) are folded to their
    ASCII forms (NFKC) before it is checked, as the parent meant them."""

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str):
            data = unicodedata.normalize("NFKC", data)
        return super().to_internal_value(data)


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


_MISSING = object()


def _is_choice(field: serializers.ChoiceField, data: Any) -> bool:
    """Return whether a value that is not a str is itself a choice, of the choice's type.

    An integer choice takes the JSON number (the schema says integer), never the string
    choice ``"1"`` a number stands for, nor ``true`` for ``1``.
    """
    if isinstance(data, Enum):  # Python callers; DRF maps members to their values
        return True
    value = field.choice_strings_to_values.get(str(data), _MISSING)
    return type(value) is type(data)


class StrictChoiceField(serializers.ChoiceField):
    """A choice field that takes a choice as the schema types it (a str for text choices)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) and not _is_choice(self, data):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictMultipleChoiceField(serializers.MultipleChoiceField):
    """A list of choices, each checked as ``StrictChoiceField`` does; an object is no list."""

    def to_internal_value(self, data: Any) -> set:
        if not isinstance(data, list | tuple):
            # DRF takes any iterable but a str, so an object would give its keys.
            self.fail("not_a_list", input_type=type(data).__name__)
        for item in data:
            if not isinstance(item, str) and not _is_choice(self, item):
                self.fail("invalid_choice", input=item)
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A relation given by a text slug: anything but a str is refused before the look-up, and
    an empty slug is no slug (DRF would read "" as null, and "move to facility ''" as "stay")."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# --- numbers, booleans, dates -------------------------------------------------------------


class StrictIntegerField(serializers.IntegerField):
    """An integer given as a JSON number: not a string of digits, a float or a boolean."""

    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A boolean given as JSON true or false, not "yes", "1" or 1."""

    def to_internal_value(self, data: Any) -> bool:
        if type(data) is not bool:
            self.fail("invalid", input=data)
        return data


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation given by its id as a JSON integer: not ``13.5``, ``"13"`` or ``1e400``."""

    def to_internal_value(self, data: Any) -> Any:
        if type(data) is not int:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


MAX_ID = 2**31 - 1  # the largest id a table of the project has (a PostgreSQL integer)
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Give a date between 2000-01-01 and 2100-12-31.")


def date_in_range(value: dt.date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


def bounded_date(value: Any) -> dt.date | None:
    """Parse a date given in a query string or a form (YYYY-MM-DD, ASCII digits), in range; None
    for anything else, so that the caller answers its own 400 (or shows its default)."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if date_in_range(parsed) else None


class StrictDateField(serializers.DateField):
    """A date as a JSON string (YYYY-MM-DD), between ``DATE_MIN`` and ``DATE_MAX``."""

    def to_internal_value(self, data: Any) -> dt.date:
        if not isinstance(data, str) or not data.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        value = super().to_internal_value(data)
        if not date_in_range(value):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return value


class StrictDateTimeField(serializers.DateTimeField):
    """A date and time as a JSON string (ISO 8601), its date between ``DATE_MIN`` and
    ``DATE_MAX`` in Japan time: outside that, a local mean time of 1 AD could not be written."""

    def to_internal_value(self, data: Any) -> dt.datetime:
        if not isinstance(data, str) or not data.isascii():
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        try:
            value = super().to_internal_value(data)
        except OverflowError as exc:  # pragma: no cover - a date parser's edge
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range") from exc
        if not date_in_range(value.date()) or not date_in_range(value.astimezone(dt.UTC).date()):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return value
