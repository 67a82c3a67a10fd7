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

# Hyphens, dashes, minus signs and the long-vowel marks (ー, ｰ after NFKC) typed for a hyphen.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70().]")
JAPAN = "+81"


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
