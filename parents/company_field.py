"""The reservation form's company field: free text, or for a programme limited to a member list
(e.g. 鹿児島市イクボス推進同盟) a choice among the list's active members in the order of their
reading, so that every reservation holds the member's official name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.rules import NOT_A_MEMBER_MESSAGE
from core.text import OneLineFormField
from events.models import Program
from events.selectors import member_names

COMPANY_LABEL = _("Company or organisation")
COMPANY_REQUIRED = _("Enter your company or organisation.")


def company_field(program: Program) -> forms.Field:
    """The company field the programme asks for (``requires_company``)."""
    if program.member_list_id is None:
        return OneLineFormField(
            label=COMPANY_LABEL,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "organization"}),
            error_messages={"required": COMPANY_REQUIRED},
        )
    names = member_names(member_list_id=program.member_list_id)
    return forms.ChoiceField(
        label=COMPANY_LABEL,
        choices=[("", _("Choose"))] + [(name, name) for name in names],
        error_messages={"required": COMPANY_REQUIRED, "invalid_choice": NOT_A_MEMBER_MESSAGE},
    )
