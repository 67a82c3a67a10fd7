"""Serializer fields that take a JSON string wherever the schema says "string".

DRF's string fields turn a JSON number into text (``{"reason": -14139}`` is kept as
``"-14139"``), its choice fields match ``1`` against the choice ``"1"``, and a slug relation
looks ``5`` up as the slug ``"5"``, while the OpenAPI schema promises a string. These fields
refuse any other JSON value (number, boolean, list, object) with the field's own ``invalid``
message (``invalid_choice`` for choices), so the answer is the common 400 body. Every
serializer of the project uses them (``tests/core/test_fields.py`` checks it), and
``core.serializers.StrictModelSerializer`` maps model fields to them.

Only the type is checked here, with one ``isinstance``: these fields run on the booking path.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictStringMixin:
    """A CharField (or subclass) that takes a str only.

    Replaces ``CharField.to_internal_value``, which also takes an int or float and converts
    it; for a str both do the same (strip when ``trim_whitespace``). Email, regex, slug and URL
    fields run their validators afterwards as usual.
    """

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return data.strip() if self.trim_whitespace else data  # type: ignore[attr-defined]


class StrictCharField(StrictStringMixin, serializers.CharField):
    # DRF's own message, named here so that the project's catalogue translates it.
    default_error_messages = {"invalid": _("Not a valid string.")}


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


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
    """A relation given by a text slug: anything but a str is refused before the look-up."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
