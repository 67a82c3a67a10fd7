"""The staff API for the city and the office: the export of reservations and the yearly report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.csv_files import (
    CSV_RESPONSE,
    FORMAT_PARAMETER,
    JSON_ERRORS,
    YEAR_REPORT_PARAMETERS,
    CSVRenderer,
    csv_response,
)
from core.errors import AppValidationError
from core.fields import parse_fiscal_year
from staffdesk import csv_files, selectors, services
from staffdesk.apis.common import (
    StaffApi,
    parse_day,
)
from staffdesk.serializers import (
    ExportRowSerializer,
    ReportSerializer,
)

MAX_EXPORT_DAYS = 400


class ExportApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_export",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("facility", str, required=False, description="facility slug"),
        ],
        responses={
            (200, "application/json"): ExportRowSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description="Every party of every session in a date range (inclusive).",
    )
    def get(self, request):
        self.require_staff()
        date_from = parse_day(request.query_params.get("from"), "from")
        date_to = parse_day(request.query_params.get("to"), "to")
        if date_to < date_from:
            raise AppValidationError({"to": [_("The end date is before the start date.")]})
        if (date_to - date_from).days > MAX_EXPORT_DAYS:
            raise AppValidationError({"to": [_("Export at most about a year at a time.")]})
        facility = selectors.staff_facility(request.user, request.query_params.get("facility"))
        rows = selectors.export_rows(
            user=request.user, date_from=date_from, date_to=date_to, facility=facility
        )
        params = {"from": date_from, "to": date_to, "facility": facility.slug if facility else ""}
        if self.wants_csv():
            services.export_record(
                by=request.user,
                what="date_range",
                rows=len(rows),
                facility_id=facility.pk if facility else None,
                params=params,
            )
            return csv_response(
                csv_files.export_csv(rows), f"reservations-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
            )
        return Response(ExportRowSerializer(rows, many=True).data)


class ReportApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_attendance_report",
        parameters=YEAR_REPORT_PARAMETERS,
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description=(
            "Attendance report (延べ参加者数) per facility, programme and month of a fiscal "
            "year: sessions held, capacity, reserved, attended, no-shows, cancellations, "
            "waiting-list promotions, fill rate."
        ),
    )
    def get(self, request):
        self.require_staff()
        fiscal_year = parse_fiscal_year(request.query_params.get("fiscal_year"))
        facility = selectors.staff_facility(request.user, request.query_params.get("facility"))
        report = selectors.attendance_report(
            user=request.user, fiscal_year=fiscal_year, facility=facility
        )
        if self.wants_csv():
            suffix = f"-{facility.slug}" if facility else ""
            return csv_response(csv_files.report_csv(report), f"report-{fiscal_year}{suffix}.csv")
        return Response(ReportSerializer(report).data)
