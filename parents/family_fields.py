"""The reservation form's ふりがな and 配慮事項 fields (issues 21 and 25), and the email address
a parent types on the reservation form and on 予約の確認.

ふりがな lets staff sort and search the roster by reading. It is optional (a parent reading the
English or Portuguese page may not write kana; staff can add it at the desk) but checked when
given. 配慮事項 (needs) is short and optional: what the staff should prepare (a wheelchair, an
allergy, an interpreter ...).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Need
from booking.rules import NOT_KANA_MESSAGE, reading_refused
from core.kana import kana_normalised
from core.text import EmailFormField, OneLineFormField


def kana_field() -> forms.Field:
    return OneLineFormField(
        label=_("Name in kana (ふりがな)"),
        max_length=100,
        required=False,
        help_text=_("In hiragana or katakana, e.g. やまだ はなこ."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "ja"}),
    )


def email_field(help_text: str) -> forms.Field:
    """A phone's keyboard for an address, no autocorrect, and one message for each mistake."""
    return EmailFormField(
        label=_("Email address"),
        max_length=254,
        help_text=help_text,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your email address.")},
    )


def kana_cleaned(value: str) -> str:
    """The reading in full-width kana; anything else (kanji, letters) is refused."""
    if reading_refused(value):
        raise forms.ValidationError(NOT_KANA_MESSAGE, code="not_kana")
    return kana_normalised(value)


def needs_fields() -> dict[str, forms.Field]:
    return {
        "needs": forms.MultipleChoiceField(
            label=_("Anything we should prepare?"),
            choices=Need.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Tell us so that the staff can prepare. Tick all that apply."),
        ),
        "needs_detail": OneLineFormField(
            label=_("Details (e.g. the food for an allergy)"), max_length=200, required=False
        ),
    }
