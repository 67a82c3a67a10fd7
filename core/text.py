"""What text the project stores: one-line values and free text without control or format characters.

Names, phone numbers, slugs, reasons and notes are printed on rosters, in emails and in CSV
exports, so a value never holds what prints as nothing or rearranges what follows it:

- a one-line value refuses control characters (Unicode category Cc: CR, LF, tab, NUL, ...),
  format characters (Cf: zero-width space, bidi overrides, the BOM, tag characters) and the
  line and paragraph separators (U+2028, U+2029);
- free text over several lines (``multiline``) refuses the same but for the line break ``\\n``;
  CRLF and CR (what a browser's textarea sends) are stored as ``\\n``;
- a value made only of invisible characters (spaces of any width, combining marks with nothing
  to combine with, the Hangul fillers, the blank Braille pattern) is no value.

The rules are kept in one function (``text_problem``) used by the API's string fields
(``core.fields``) and by the form fields of the pages here (``OneLineFormField``,
``MultiLineFormField``, ``EmailFormField``). Checks run on the booking path: one regular
expression, and a look at the first characters for the rest.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character of category Cf in Unicode 15.1 (a superset of Python 3.11's 14.0); the test
# tests/core/test_text.py checks it against the running Python's unicodedata.
FORMAT_CHARACTERS = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Category Cc, and the separators that break a line without being a line break (U+2028, U+2029).
ONE_LINE_REFUSED = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]")
MULTI_LINE_REFUSED = re.compile(rf"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]")
# Letters that print as blank space: the Hangul fillers, Khmer inherent vowels, blank Braille.
BLANK_LETTERS = frozenset("\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
UNPRINTABLE_MESSAGE = _("Remove control or invisible characters.")


def is_invisible(char: str) -> bool:
    """Whether a character prints as nothing on its own (a space, a mark, a filler)."""
    return (
        char.isspace()
        or char in BLANK_LETTERS
        or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc")
    )


def line_breaks_normalised(value: str) -> str:
    """The text with CRLF and CR line breaks written as ``\\n``."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def text_problem(value: str, *, multiline: bool) -> str | None:
    """The error key for text no field should store, or None: control and format characters
    (``unprintable``; ``\\n`` is allowed where ``multiline``), or only invisible characters
    where something was given (``blank``). Normalise line breaks first for free text."""
    if (MULTI_LINE_REFUSED if multiline else ONE_LINE_REFUSED).search(value):
        return "unprintable"
    if value and all(is_invisible(char) for char in value):
        return "blank"
    return None


class OneLineFormField(forms.CharField):
    """A form's one-line text (a name, a phone number, a reason): ``text_problem``'s rules, and
    a value of invisible characters only is refused as missing (the field's ``required``
    message, which the form may have made its own)."""

    multiline = False

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if self.multiline:
            value = line_breaks_normalised(value)
        problem = text_problem(value, multiline=self.multiline)
        if problem == "unprintable":
            raise ValidationError(UNPRINTABLE_MESSAGE, code="unprintable")
        if problem == "blank":
            raise ValidationError(self.error_messages["required"], code="required")
        return value


class MultiLineFormField(OneLineFormField):
    """A form's free text over several lines (notes): line breaks are kept, as ``\\n``."""

    multiline = True


class EmailFormField(forms.EmailField):
    """An email address typed in a form; full-width characters a phone keyboard slips in
    (``＠``, ``ａ``, ``１``) are folded to ASCII (NFKC) before it is checked, and a mistake is
    said with an example, on every form that asks for one."""

    default_error_messages = {"invalid": _("Enter an email address such as name@example.jp.")}

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
        value = super().to_python(value)
        if text_problem(value, multiline=False) is not None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def name_folded(value: str) -> str:
    """A name as compared, not as stored: NFKC (full-width letters and digits, half-width kana),
    case folded, without spaces of any width, so ＡＢＣ　商事 names the same as abc商事."""
    return "".join(unicodedata.normalize("NFKC", value or "").casefold().split())


# How Japanese write a company's legal form short, in brackets before or after its name, as
# NFKC leaves them ((株) from ㈱ and （株）): the forms a member list of companies and
# organisations holds.
LEGAL_FORMS = {
    "(株)": "株式会社",
    "(有)": "有限会社",
    "(合)": "合同会社",
    "(資)": "合資会社",
    "(名)": "合名会社",
    "(一社)": "一般社団法人",
    "(公社)": "公益社団法人",
    "(一財)": "一般財団法人",
    "(公財)": "公益財団法人",
    "(特非)": "特定非営利活動法人",
    "(医)": "医療法人",
    "(福)": "社会福祉法人",
    "(学)": "学校法人",
}
LEGAL_FORM_SHORT = re.compile("|".join(re.escape(short) for short in LEGAL_FORMS))


def company_folded(value: str) -> str:
    """A company's or organisation's name as compared (``name_folded``), its legal form written
    out: (株)わかば, ㈱わかば and 株式会社 わかば name the same member."""
    return LEGAL_FORM_SHORT.sub(lambda m: LEGAL_FORMS[m.group()], name_folded(value))
