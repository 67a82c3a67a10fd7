"""The staff page of one series: what holds from which day (time, capacity), its sessions with
seats taken, and the two changes staff make to the rest of it, "change this and later" (time,
capacity) and "cancel the rest", each previewed (sessions, parties emailed, the email) and then
confirmed, through the series services (the staff desk's session services underneath: parties
kept and told)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from core.filters import BoundedDateFormField
from core.text import OneLineFormField
from events.models import Session
from events.selectors import user_can_manage_facility
from events.staff_pages import staff_page
from schedule import selectors, services
from schedule.forms import DateInput, TimeInput


class ChangeLaterForm(forms.Form):
    from_date = BoundedDateFormField(label=gettext_lazy("From"), widget=DateInput())
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"), widget=TimeInput(), required=False
    )
    end_time = forms.TimeField(label=gettext_lazy("End time"), widget=TimeInput(), required=False)
    capacity = forms.IntegerField(
        label=gettext_lazy("Capacity"), min_value=0, max_value=100_000, required=False
    )
    reason = OneLineFormField(label=gettext_lazy("Reason"), max_length=1000, required=False)


class CancelRestForm(forms.Form):
    from_date = BoundedDateFormField(label=gettext_lazy("From"), widget=DateInput())
    reason = OneLineFormField(
        label=gettext_lazy("Reason (told to every party)"), max_length=1000, required=True
    )


def add_errors(form: forms.Form, error: AppError) -> None:
    for name, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


@staff_page
@require_http_methods(["GET", "POST"])
def series_detail(request, pk: int):
    series = selectors.staff_series(request.user).filter(pk=pk).first()
    if series is None:
        raise Http404
    can_manage = user_can_manage_facility(request.user, series.facility_id)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not can_manage:
        raise PermissionDenied
    # Prefixes: the two forms on one page ask for the same day, each with its own id.
    change_form = ChangeLaterForm(request.POST if action == "change" else None, prefix="change")
    cancel_form = CancelRestForm(request.POST if action == "cancel" else None, prefix="cancel")
    # Both email every party: the first post shows how many and the email; the confirm posts
    # the same fields again with ``confirm`` (as the staff desk's move of one session).
    confirmed = request.POST.get("confirm") == "1"
    previews: dict[str, services.LaterPreview] = {}
    try:
        if action == "change" and change_form.is_valid():
            data = change_form.cleaned_data
            if data["start_time"] is None and data["end_time"] is None and data["capacity"] is None:
                change_form.add_error(None, _("Give a new time or capacity, or cancel."))
            elif not confirmed:
                previews["change"] = services.series_change_preview(series, by=request.user, **data)
            else:
                changed = services.series_change_later(series, by=request.user, **data)
                messages.success(
                    request, _("%(count)d sessions changed.") % {"count": len(changed)}
                )
                return redirect(reverse("schedule:series", args=[series.pk]))
        if action == "cancel" and cancel_form.is_valid():
            data = cancel_form.cleaned_data
            if not confirmed:
                previews["cancel"] = services.series_cancel_preview(series, by=request.user, **data)
            else:
                cancelled = services.series_cancel_rest(series, by=request.user, **data)
                messages.success(
                    request, _("%(count)d sessions cancelled.") % {"count": len(cancelled)}
                )
                return redirect(reverse("schedule:series", args=[series.pk]))
    except AppError as error:
        add_errors(change_form if action == "change" else cancel_form, error)
    sessions = list(Session.objects.filter(series_link__series=series).order_by("start"))
    return render(
        request,
        "schedule/series_detail.html",
        {
            "series": series,
            "sessions": sessions,
            "periods": selectors.series_periods(sessions),
            "can_manage": can_manage,
            "change_form": change_form,
            "cancel_form": cancel_form,
            "change_preview": previews.get("change"),
            "cancel_preview": previews.get("cancel"),
        },
    )
