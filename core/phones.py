"""A phone number as the digits people mean, however it was typed.

Staff look a family up by phone number (a phone booking holds no email address), and the
number is stored as it was typed: 090-1234-5678, ０９０ １２３４ ５６７８, (0598)00-1234 or
+81 90 1234 5678 are one number. ``phone_digits`` folds full-width characters (NFKC), drops
the separators people write (spaces, hyphens and dashes of any kind, the long-vowel mark a
Japanese keyboard gives for one, brackets, dots) and writes Japan's country code +81 as the
leading 0 dialled at home. Anything else (a letter, 内線) makes it no phone number.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import OneLineFormField

# Hyphens, dashes, minus signs and the long-vowel marks (ー, ｰ after NFKC) typed for a hyphen.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70().]")
JAPAN = "+81"
# A number in Japan has 10 digits with its leading 0 (11 for a mobile); one from abroad, written
# without its +, has at most 15 (E.164).
SHORTEST, LONGEST = 10, 15
PHONE_INVALID = _("Enter a phone number such as 090-1234-5678.")


def phone_digits(value: str | None) -> str | None:
    """The number's digits (a leading +81 as 0); None when ``value`` is not a phone number."""
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if text.startswith(JAPAN):
        text = "0" + text[len(JAPAN) :].removeprefix("0")
    elif text.startswith("+"):
        text = text[1:]
    if not text or not text.isascii() or not text.isdigit():
        return None
    return text


# The digits a keyboard types, in half and full width: what the staff's search looks for
# (core.search). Circled or mathematical digits (①, 𝟎) fold to them too, but are no one's way
# of writing a number and would be kept, as typed, where no search finds them.
TYPED_DIGITS = frozenset("0123456789０１２３４５６７８９")


def validate_phone(value: str) -> None:
    """A validator for a phone number field that may be left empty: what is written must be a
    number someone can call back (not "12", "abc" or 内線 alone), in the digits a keyboard
    types."""
    if not value.strip():
        return
    digits = phone_digits(value)
    odd_digits = any(c.isdigit() and c not in TYPED_DIGITS for c in value)
    if digits is None or odd_digits or not SHORTEST <= len(digits) <= LONGEST:
        raise ValidationError(PHONE_INVALID, code="invalid")


class TelInput(forms.TextInput):
    """A phone's keypad of digits, and the number the browser knows, offered."""

    input_type = "tel"

    def __init__(self, attrs: dict | None = None):
        super().__init__({"inputmode": "tel", "autocomplete": "tel", **(attrs or {})})


class PhoneFormField(OneLineFormField):
    """A phone number field of a form: kept as typed, refused unless it is a number
    (``validate_phone``), with the one message every form says."""

    default_validators = [validate_phone]
    widget = TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
