"""The schedule's pages: the staff's month at a glance and the series form (preview, untick,
publish), and the parents' printable monthly calendar of a facility (HTML and PDF)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import segno
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import AppError
from core.fields import bounded_date
from core.throttling import PdfRenderIPThrottle, throttle_wait, too_many
from events.models import Facility
from events.selectors import user_can_manage_facility
from events.staff_pages import staff_page
from schedule import selectors, services
from schedule.forms import WEEKDAYS, SeriesForm
from staffdesk.selectors import staff_facilities

WEEKDAY_HEADINGS = [label for _number, label in WEEKDAYS]


def month_context(facility: Facility, month: date, *, public: bool) -> dict:
    return {
        "facility": facility,
        "month": month,
        "weeks": selectors.month_grid(facility, month, public=public),
        "previous_month": (month - timedelta(days=1)).replace(day=1),
        "next_month": (month + timedelta(days=32)).replace(day=1),
        "weekday_headings": WEEKDAY_HEADINGS,
    }


@staff_page
def month(request):
    """The facility's sessions of a month as a calendar: seats taken / capacity, series."""
    facilities = list(staff_facilities(request.user))
    slug = request.GET.get("facility")
    facility = next((f for f in facilities if f.slug == slug), None)
    if slug and facility is None:
        raise Http404
    facility = facility or (facilities[0] if facilities else None)
    if facility is None:
        raise Http404
    shown = selectors.month_of(request.GET.get("month"), timezone.localdate())
    context = month_context(facility, shown, public=False)
    context["facilities"] = facilities
    context["can_manage"] = user_can_manage_facility(request.user, facility.pk)
    return render(request, "schedule/month.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def series_new(request):
    """Fill the pattern, preview the dates (skipped ones with their reason), untick, publish."""
    facilities = selectors.managed_facilities(request.user)
    if not facilities.exists():
        # Staff who manage no facility: "no permission", as every manager page answers them.
        raise PermissionDenied
    form = SeriesForm(
        request.POST or None, facilities=facilities, chosen=request.GET.get("facility")
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        pattern = services.SeriesPattern(**form.cleaned_data)
        try:
            if request.POST.get("action") == "publish":
                chosen = {bounded_date(v) for v in request.POST.getlist("date")} - {None}
                offered = set(services.series_preview(pattern).dates)
                pattern.exclude = sorted(offered - chosen)
                pattern.include = sorted(chosen - offered)
                series, sessions = services.series_publish(pattern, by=request.user)
                messages.success(
                    request,
                    _("%(count)d sessions published.") % {"count": len(sessions)},
                )
                month = pattern.first_date.strftime("%Y-%m")
                return redirect(
                    f"{reverse('schedule:month')}?facility={pattern.facility.slug}&month={month}"
                )
            preview = services.series_preview(pattern)
        except AppError as error:
            for name, problems in (error.fields or {}).items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
    return render(request, "schedule/series_new.html", {"form": form, "preview": preview})


def booking_page_url(request, facility: Facility) -> str:
    return request.build_absolute_uri(reverse("session-list") + f"?facility={facility.slug}")


@require_GET
def printable_month(request, slug: str):
    """A facility's month for its wall and website: A4, holidays and closed days marked, the
    address and a QR code of its booking page; ``?format=pdf`` for the PDF."""
    facility = get_object_or_404(Facility, slug=slug)
    shown = selectors.month_of(request.GET.get("month"), timezone.localdate())
    context = month_context(facility, shown, public=True)
    url = booking_page_url(request, facility)
    context["booking_url"] = url
    context["qr_svg"] = segno.make(url, error="m").svg_inline(scale=3, dark="#000")
    if request.GET.get("format") == "pdf":
        wait = throttle_wait(request, [PdfRenderIPThrottle])
        if wait is not None:
            return too_many(request, wait)
        return month_pdf(request, context)
    return render(request, "schedule/printable_month.html", context)


def static_file(url: str) -> tuple[bytes, str] | None:
    """A stylesheet a PDF links to, read from the static files on disk (bytes, content type)."""
    path = urlsplit(url).path
    if "/static/" not in path:
        return None
    found = finders.find(path.split("/static/", 1)[1])
    if not found:
        return None
    with open(found, "rb") as stream:
        return stream.read(), "text/css" if found.endswith(".css") else "application/octet-stream"


def month_pdf(request, context: dict) -> HttpResponse:
    try:
        # Imported here: WeasyPrint needs Pango from the system (make browser-deps installs
        # it); without it the rest of the site still runs.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except OSError:
        return render(request, "schedule/pdf_unavailable.html", context, status=503)

    class StaticFilesOnly(URLFetcher):
        """Nothing is fetched over the network for a PDF: not the server asking itself over
        HTTP, not a link in staff-entered text leading the renderer elsewhere."""

        def fetch(self, url, headers=None):
            found = static_file(url)
            if found is None:
                raise ValueError(f"not fetched for a PDF: {url}")
            body, content_type = found
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    html = render(request, "schedule/printable_month.html", {**context, "pdf": True})
    pdf = HTML(
        string=html.content.decode(),
        base_url=request.build_absolute_uri("/"),
        url_fetcher=StaticFilesOnly(),
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"calendar-{context['facility'].slug}-{context['month']:%Y-%m}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
