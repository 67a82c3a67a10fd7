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
``DATE_MIN``..``DATE_MAX`` in Japan time (``StrictDateField``, ``StrictDateTimeField``): year 1
or 9999 is no date a booking system has, and formatting one fails. What a query string or a
form gives is text by nature: ``parse_bounded_date`` (``bounded_date``) reads its dates,
``query_integer`` its numbers and ``parse_fiscal_year`` its fiscal years, ASCII digits only.

Text is checked too (``core.text``): a one-line field refuses control and format characters
(CR/LF, zero-width space, bidi overrides) and a value made only of invisible characters; a
multi-line field keeps line breaks, as ``\\n``. Only the type and these characters are checked
here: these fields run on the booking path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum
from typing import Any, NoReturn

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.drf_messages import limits_in_each_language
from core.errors import AppValidationError
from core.fiscal_years import fiscal_year_of
from core.phones import PHONE_INVALID, validate_phone
from core.text import UNPRINTABLE_MESSAGE, line_breaks_normalised, text_problem


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
        self.error_messages.setdefault("unprintable", UNPRINTABLE_MESSAGE)
        limits_in_each_language(self)  # type: ignore[arg-type]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            refuse(self, "invalid")
        value = data.strip() if self.trim_whitespace else data  # type: ignore[attr-defined]
        if self.multiline:
            value = line_breaks_normalised(value)
        problem = text_problem(value, multiline=self.multiline)
        if problem is not None:
            refuse(self, problem)
        return value


def refuse(field: serializers.Field, key: str) -> NoReturn:
    """Refuse a value with a field's message as it stands. DRF's ``fail`` runs ``str.format``
    on it, which reads やさしい日本語's ふりがな (``{文字|もじ}``) as a format field and fails
    (a 500): the project's own messages (a phone number's, ``unprintable``) carry it."""
    raise serializers.ValidationError(field.error_messages[key], code=key)


class StrictCharField(StrictStringMixin, serializers.CharField):
    """Text on one line (DRF's messages are translated through ``core.drf_messages``)."""


class StrictTextField(StrictCharField):
    """Free text over several lines (notes, reasons): line breaks are kept (CRLF and CR as
    ``\\n``); other control characters are refused as on one line."""

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


class StrictPhoneField(StrictCharField):
    """A phone number, kept as sent: refused unless it is a number someone can call back, by
    the rule every form of the site follows (``core.phones.validate_phone``)."""

    default_validators = [validate_phone]
    default_error_messages = {"invalid": PHONE_INVALID}  # a JSON number too: say what is wanted

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text",
            "Kept as sent; 10 to 15 digits once spaces, hyphens, dots and brackets are left out "
            "(full-width digits and +81 are read as 0...).",
        )
        super().__init__(**kwargs)


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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        limits_in_each_language(self)

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
QUERY_DATE_MESSAGE = _("Give a date (YYYY-MM-DD) between 2000 and 2100.")


def date_in_range(value: dt.date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


def datetime_in_range(value: dt.datetime) -> bool:
    """Whether a date and time falls on a day between ``DATE_MIN`` and ``DATE_MAX`` in Japan
    time (the default time zone); a naive value is read as Japan time."""
    try:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
    except OverflowError:  # within a day of year 1 or 9999
        return False
    return date_in_range(local.date())


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


def parse_bounded_date(value: Any, *, field: str = "date") -> dt.date:
    """Parse a date given in a query string or a form (YYYY-MM-DD, ASCII digits, 2000-2100), or
    refuse it with the common 400 body (``AppValidationError``, the message under ``field``)."""
    parsed = bounded_date(value)
    if parsed is None:
        raise AppValidationError({field: [QUERY_DATE_MESSAGE]})
    return parsed


def parse_fiscal_year(value: Any) -> int:
    """Read a fiscal year (年度, 2025 = April 2025 to March 2026) given in a query string:
    today's (Japan time) when it is empty or absent, ASCII digits from 2000 to 2100, or the
    common 400 body (``AppValidationError``, the message under ``fiscal_year``)."""
    if not value:
        return fiscal_year_of(timezone.localdate())
    year = query_integer(value, minimum=2000, maximum=2100)
    if year is None:
        raise AppValidationError({"fiscal_year": [_("Give a year such as 2025.")]})
    return year


def query_integer(value: Any, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """Read a whole number given in a query string or a form: ASCII digits only (never ``"２"``,
    ``"٢"``, ``"-1"``, ``" 1"`` or ``"1e3"``), between ``minimum`` and ``maximum``; None for
    anything else, so that the caller answers its own 400 (or shows its default)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


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
    """A date and time as a JSON string (ISO 8601) on a day between ``DATE_MIN`` and
    ``DATE_MAX`` in Japan time: outside that, a local mean time of 1 AD could not be written."""

    def to_internal_value(self, data: Any) -> dt.datetime:
        if not isinstance(data, str) or not data.isascii():
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # DRF's own answer to year 1 or 9999 moved to Japan time ("out of range").
            if any(detail.code == "overflow" for detail in exc.detail):
                raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range") from exc
            raise
        except OverflowError as exc:  # pragma: no cover - DRF answers "overflow" itself
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range") from exc
        if not datetime_in_range(value):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return value


class StrictTimeField(serializers.TimeField):
    """A time of day as a JSON string, ``HH:MM`` in ASCII digits (10:00, 13:30)."""

    def to_internal_value(self, data: Any) -> dt.time:
        if not isinstance(data, str) or not re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", data):
            self.fail("invalid", format="HH:MM")
        return super().to_internal_value(data)
