"""The staff pages for the office: the yearly attendance report and the export of reservations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.errors import AppError
from core.fields import parse_fiscal_year
from events.staff_pages import error_page, staff_page
from staffdesk import csv_files, selectors, services
from staffdesk.apis import csv_response
from staffdesk.charts import bar_chart
from staffdesk.forms import (
    ExportForm,
)


def _report(request):
    fiscal_year = parse_fiscal_year(request.GET.get("fiscal_year"))
    facility = selectors.staff_facility(request.user, request.GET.get("facility"))
    return selectors.attendance_report(
        user=request.user, fiscal_year=fiscal_year, facility=facility
    )


@staff_page
def report(request):
    try:
        data = _report(request)
    except AppError:
        return error_page(request, 400)
    # "M" is the short month name of the active language: 4月 in Japanese, Apr in English.
    chart = bar_chart(
        [m.attended_people for m in data.months], [date_format(m.month, "M") for m in data.months]
    )
    current = selectors.fiscal_year_of(timezone.localdate())
    query = urlencode(
        {
            "fiscal_year": data.fiscal_year,
            **({"facility": data.facility.slug} if data.facility else {}),
        }
    )
    return render(
        request,
        "staff/report.html",
        {
            "report": data,
            "chart": chart,
            "facilities": list(selectors.staff_facilities(request.user)),
            "years": list(range(current, current - 6, -1)),
            "csv_url": reverse("staff:report-csv") + "?" + query,
        },
    )


@staff_page
def report_csv(request):
    try:
        data = _report(request)
    except AppError:
        return error_page(request, 400)
    suffix = f"-{data.facility.slug}" if data.facility else ""
    return csv_response(csv_files.report_csv(data), f"report-{data.fiscal_year}{suffix}.csv")


@staff_page
def export(request):
    facilities = selectors.staff_facilities(request.user)
    form = ExportForm(request.GET or None, facilities=facilities)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        rows = selectors.export_rows(
            user=request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            facility=data["facility"],
        )
        services.export_record(
            by=request.user,
            what="date_range",
            rows=len(rows),
            facility_id=data["facility"].pk if data["facility"] else None,
            params={
                "from": data["date_from"],
                "to": data["date_to"],
                "facility": data["facility"].slug if data["facility"] else "",
            },
        )
        name = f"reservations-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.csv"
        return csv_response(csv_files.export_csv(rows), name)
    return render(
        request,
        "staff/export.html",
        {"form": form},
        status=400 if request.GET and not form.is_valid() else 200,
    )
