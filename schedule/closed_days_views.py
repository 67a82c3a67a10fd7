"""The staff page of a facility's closed days: the coming ones, add one, open one again.
Managers of the facility only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from core.fields import query_integer
from core.filters import BoundedDateFormField
from core.text import OneLineFormField
from events.staff_pages import staff_page
from schedule.closed_days import closed_day_add, closed_day_remove, closed_days_from
from schedule.forms import DateInput
from schedule.page_access import managed_facility


class ClosedDayForm(forms.Form):
    date = BoundedDateFormField(label=gettext_lazy("Date"), widget=DateInput())
    name = OneLineFormField(
        label=gettext_lazy("Reason (shown on the calendar)"), max_length=100, required=False
    )


@staff_page
@require_http_methods(["GET", "POST"])
def closed_days(request):
    facility = managed_facility(request)
    here = f"{reverse('schedule:closed-days')}?facility={facility.slug}"
    form = ClosedDayForm(request.POST if request.POST.get("action") == "add" else None)
    if request.POST.get("action") == "remove":
        closed_day_remove(facility=facility, pk=query_integer(request.POST.get("pk")) or 0)
        messages.success(request, _("The day is open again."))
        return redirect(here)
    if form.is_bound and form.is_valid():
        try:
            closed_day_add(
                facility=facility, day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
        except AppError as error:
            for name, problems in (error.fields or {}).items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, _("The closed day was added."))
            return redirect(here)
    return render(
        request,
        "schedule/closed_days.html",
        {
            "facility": facility,
            "form": form,
            "days": closed_days_from(facility, timezone.localdate()),
        },
    )
