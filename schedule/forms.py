"""The staff page's series form: the same pattern as the API's, in form fields."""

from __future__ import annotations

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import BoundedDateFormField
from events.models import Facility, Program
from schedule.models import OpensRule
from schedule.naming import WEEKDAYS


def week_choices() -> list[tuple[int, str]]:
    """第1週 to 第5週, in the language of the page that shows them (called as it renders)."""
    return [(n, _("Week %(n)d") % {"n": n}) for n in range(1, 6)]


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateInput(forms.DateInput):
    input_type = "date"


class SeriesForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Program.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose"),
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    nth = forms.TypedMultipleChoiceField(
        label=_("Only these weeks of the month"),
        choices=week_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every week."),
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput(), initial=time(10))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput(), initial=time(11))
    first_date = BoundedDateFormField(label=_("From"), widget=DateInput())
    last_date = BoundedDateFormField(label=_("To"), widget=DateInput())
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=100_000)
    opens_rule = forms.ChoiceField(
        label=_("Registration opens"),
        choices=OpensRule.choices,
        initial=OpensRule.DAYS_BEFORE,
        widget=forms.RadioSelect,
    )
    opens_days_before = forms.IntegerField(
        label=_("Days before"), min_value=0, max_value=365, initial=30
    )
    opens_time = forms.TimeField(label=_("Opens at"), widget=TimeInput(), initial=time(9))
    closes_days_before = forms.IntegerField(
        label=_("Closes days before"), min_value=0, max_value=365, initial=1
    )
    closes_time = forms.TimeField(label=_("Closes at"), widget=TimeInput(), initial=time(17))

    def __init__(self, *args, facilities=None, chosen: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        facilities = facilities if facilities is not None else Facility.objects.none()
        field = self.fields["facility"]
        field.queryset = facilities
        # The facility the month view was showing (?facility=), or the only one staff manage:
        # preselected, with no empty choice when there is nothing to choose.
        only = list(facilities[:2])
        if len(only) == 1:
            field.initial, field.empty_label = only[0], None
        elif chosen:
            field.initial = next((f for f in facilities if f.slug == chosen), None)
