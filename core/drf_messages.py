"""DRF's own field messages that the project's APIs answer with, kept in the project's catalogues.

DRF writes its validation messages through its own catalogues, which leave most of them in
English for Vietnamese (and some for Japanese); a language missing one falls back to Japanese
(``LANGUAGE_CODE``), so a Vietnamese client read "有効な整数を入力してください。". Listing each
msgid here, byte for byte as DRF writes it (placeholders included), makes ``make messages``
keep it in ``locale/``, which ``LOCALE_PATHS`` reads before DRF's catalogues: every language,
やさしい日本語 included, then says it in the project's own words.

Only the messages a request can reach through the fields the project uses (``core.fields``,
``ListField``, nested serializers and relations) are listed; ``tests/core/test_drf_messages.py``
checks that each is still one of DRF's and that every catalogue translates it. A field
type newly taken into use brings its messages here.

DRF fills these messages in with ``str.format``, so their やさしい日本語 is written in kana
without ふりがな notation: ``{漢字|かんじ}`` would be read as a format field (a 500).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop
from rest_framework import serializers
from rest_framework.utils.formatting import lazy_format

DRF_MESSAGES = (
    # Every field
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    # Text (StrictCharField and its kin)
    gettext_noop("Not a valid string."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    gettext_noop("Enter a valid URL."),
    # Numbers and booleans
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Must be a valid boolean."),
    # Dates and times
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    # Choices and lists
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This selection may not be empty."),
    gettext_noop("This list may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    # A nested object, and relations by id or slug
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("Invalid value."),
)


class LimitMessage:
    """A limit's message (``max_length``, ``max_value`` ...) written out each time it is shown.

    DRF's ``lazy_format`` keeps the text of its first use, in the language of that request; the
    fields of ``core.serializers.DeclaredFieldsSerializer`` share their validators across
    requests, so the first refusal's language would be every later one's.
    """

    __slots__ = ("template", "values")

    def __init__(self, template: Any, values: dict[str, Any]) -> None:
        self.template = template
        self.values = values

    def __str__(self) -> str:
        return str(self.template).format(**self.values)

    def __mod__(self, params: Any) -> str:
        # Django's validators fill in their own params (%(limit_value)s), which DRF's text lacks.
        return str(self) % params


def limits_in_each_language(field: serializers.Field) -> None:
    """Have a field's limit validators write their message in each request's language."""
    for validator in field.validators:
        message = getattr(validator, "message", None)
        if isinstance(message, lazy_format) and message.result is None and not message.args:
            validator.message = LimitMessage(message.format_string, message.kwargs)
