"""The form of 予約の確認 (/my-reservations/): the address a parent booked with, to which the
list of her reservations is sent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import EmailFormField


class MyReservationsForm(forms.Form):
    email = EmailFormField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave when you reserved."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.jp."),
        },
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
