"""The staff pages' forms: a block of a counsellor's time, a booking for a family who phoned,
done / no-show with the private note, and the note alone."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from consultations.forms import QuestionnaireForm
from consultations.models import AppointmentStatus
from core.filters import BoundedDateTimeFormField
from core.phones import PhoneFormField
from core.text import EmailFormField, MultiLineFormField, OneLineFormField


class BlockForm(forms.Form):
    start = BoundedDateTimeFormField(
        label=capfirst(_("start")), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=600, initial=30)


class StaffBookingForm(QuestionnaireForm):
    field_order = ["start", "counsellor", "name", "phone", "email"]
    start = BoundedDateTimeFormField(widget=forms.HiddenInput)
    counsellor = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = OneLineFormField(label=_("Name"), max_length=100)
    phone = PhoneFormField(label=_("Phone"), required=False)
    email = EmailFormField(
        label=_("Email address"),
        max_length=254,
        required=False,
        help_text=_("With an address, the family gets the confirmation and the manage link."),
    )


class NoteForm(forms.Form):
    note = MultiLineFormField(
        label=_("Private note"),
        help_text=_("Read only by the counsellor and the facility's managers."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class CloseForm(NoteForm):
    """Done or no-show, with the private note written after the consultation."""

    field_order = ["status", "note"]
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(AppointmentStatus.DONE, _("Done")), (AppointmentStatus.NO_SHOW, _("No-show"))],
        widget=forms.RadioSelect,
    )
