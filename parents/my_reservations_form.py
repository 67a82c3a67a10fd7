"""The form of 予約の確認 (/my-reservations/): the address a parent booked with, to which the
list of her reservations is sent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parents.family_fields import email_field


class MyReservationsForm(forms.Form):
    email = email_field(_("The address you gave when you reserved."))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
