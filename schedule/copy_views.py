"""The staff page that copies a facility's month to the next: the same preview as a series
(each session with its new day, the skipped with their reason), untick, copy."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from core.fields import query_integer
from events.staff_pages import staff_page
from schedule import selectors
from schedule.copying import month_copy, month_copy_preview, next_month
from schedule.page_access import managed_facility


@staff_page
@require_http_methods(["GET", "POST"])
def month_copy_page(request):
    """GET: the preview of copying ``?month`` of ``?facility`` to the next; POST: copy."""
    facility = managed_facility(request)
    month = selectors.month_of(request.GET.get("month"), timezone.localdate())
    target = next_month(month)
    if request.method == "POST":
        ticked = {query_integer(v) for v in request.POST.getlist("session")}
        offered = [i.source.pk for i in month_copy_preview(facility, month) if not i.reason]
        try:
            copies = month_copy(
                facility,
                month,
                exclude=[pk for pk in offered if pk not in ticked],
                by=request.user,
            )
        except AppError as error:
            problems = [p for field in (error.fields or {}).values() for p in field]
            messages.error(request, problems[0] if problems else error.message)
        else:
            messages.success(request, _("%(count)d sessions copied.") % {"count": len(copies)})
            return redirect(
                f"{reverse('schedule:month')}?facility={facility.slug}&month={target:%Y-%m}"
            )
    items = month_copy_preview(facility, month)
    return render(
        request,
        "schedule/month_copy.html",
        {
            "facility": facility,
            "month": month,
            "target": target,
            "copies": [i for i in items if not i.reason],
            "skipped": [i for i in items if i.reason],
        },
    )
