"""CSV files for staff, and the API views that answer one with ``?format=csv``.

The files are made for Japanese Excel and LibreOffice: UTF-8 with a byte order mark (without
it Excel reads UTF-8 as Shift_JIS and shows mojibake), CRLF line ends, and no cell that a
spreadsheet would run as a formula. What the columns are and say (Japanese headers whatever the
page's language) is each app's own: ``staffdesk.csv_files``, ``consultations.report_csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import AppError
from core.schema import ERROR_RESPONSES

BOM = "\ufeff"

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv`` / ``Accept: text/csv``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        raise TypeError("CSV views answer with a finished file")  # pragma: no cover


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=["json", "csv"],
    description="csv: UTF-8 with BOM, Japanese headers, CRLF (or send Accept: text/csv)",
)

# A yearly report's API (attendance, consultations): JSON or its CSV, a fiscal year, a facility.
YEAR_REPORT_PARAMETERS = [
    FORMAT_PARAMETER,
    OpenApiParameter(
        "fiscal_year", int, required=False, description="e.g. 2025 = April 2025-March 2026"
    ),
    OpenApiParameter("facility", str, required=False, description="facility slug"),
]


# Errors are JSON even where the success is a CSV file.
JSON_ERRORS = {(code, "application/json"): r for code, r in ERROR_RESPONSES.items()}


CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR, description="CSV file (UTF-8 with BOM, CRLF, Japanese headers)"
)


class CSVApiView(APIView):
    """An API view that answers JSON, or a finished CSV file where its renderers include
    ``CSVRenderer``; errors and OPTIONS are the common JSON either way, an unknown ``?format=``
    is 400 ``unknown_format``, and nothing is kept in a shared cache."""

    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        # Errors always use the common JSON body, even when a CSV file was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except (Http404, NotFound):  # DRF's answer to an unknown ?format=
            formats = [renderer.format for renderer in self.get_renderers()]
            raise AppError(
                "unknown_format",
                _("This format is not available here. Choose one of: %(formats)s.")
                % {"formats": ", ".join(formats)},
                status_code=400,
                extra={"formats": formats},
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        if (
            isinstance(response, Response)
            and not isinstance(response.data, bytes)
            and getattr(getattr(request, "accepted_renderer", None), "format", None) == "csv"
        ):
            # Only the file itself is CSV: metadata (OPTIONS) and errors are the common JSON.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # personal data: never in a shared cache
        return response

    def wants_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "csv"
