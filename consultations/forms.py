"""What the parents' and the staff's consultation booking forms share: the questionnaire."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.services import PHONE_NEEDED
from core.text import MultiLineFormField


class QuestionnaireForm(forms.Form):
    """The questions a consultation type asks: the child's age, a topic from the type's list,
    and free text. The free text's label is worded for whoever fills the form in.

    Its fields come first unless a form lists its own in ``field_order``.
    """

    child_age_months = forms.IntegerField(
        label=_("Child's age in months"),
        help_text=_("For example 18 for a child of 1 year and 6 months."),
        error_messages={"invalid": _("Enter the age in months as a number (for example 18).")},
        min_value=0,
        max_value=240,
        required=False,
    )
    topic = forms.ChoiceField(label=_("What it is about"), required=False)
    free_text = MultiLineFormField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    free_text_label = _("What the family would like to talk about")

    def __init__(self, *args, topics=(), phone_needed=False, **kwargs):
        """``topics``: (stored value, label) pairs, ``consultations.topics.topic_choices``."""
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "―"), *topics]
        self.fields["free_text"].label = self.free_text_label
        phone = self.fields.get("phone")
        if phone_needed and phone is not None:  # a consultation by phone: the number we call
            phone.required = True
            phone.label = _("Phone")
            phone.help_text = _("The counsellor calls this number at the time you book.")
            phone.error_messages["required"] = PHONE_NEEDED
