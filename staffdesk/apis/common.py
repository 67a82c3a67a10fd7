"""What every staff API shares: authentication and facility scope, CSV answers, parameters."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import AppError, AppValidationError
from core.fields import bounded_date, query_integer
from core.schema import ERROR_RESPONSES
from events.models import Session
from events.permissions import facility_manager_required
from staffdesk import selectors
from staffdesk.serializers import (
    StaffSessionSerializer,
)


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


# Errors are JSON even where the success is a CSV file.
JSON_ERRORS = {(code, "application/json"): r for code, r in ERROR_RESPONSES.items()}


CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR, description="CSV file (UTF-8 with BOM, CRLF, Japanese headers)"
)


def csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class StaffApi(APIView):
    permission_classes = [IsAuthenticated]
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

    def session(self, pk: int, *, manage: bool = False, desk: bool = False) -> Session:
        """The session if the user works at its facility (else 404); ``manage`` asks for a
        manager, ``desk`` for desk staff or a manager (else 403)."""
        session = selectors.staff_session(self.request.user, pk)
        if manage:
            facility_manager_required(self.request.user, session.facility_id)
        if desk and not selectors.can_run_desk(self.request.user, session):
            raise PermissionDenied(
                _("Only the desk staff and managers of this facility can do this.")
            )
        return session

    def wants_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "csv"

    def require_staff(self) -> None:
        if not selectors.is_staff_member(self.request.user):
            raise PermissionDenied(_("You are not staff of any facility."))


def session_after(session: Session) -> Session:
    """The session read again after a change, with what its staff serializer shows."""
    return Session.objects.select_related("program", "facility", "course").get(pk=session.pk)


def session_data(session: Session) -> dict:
    return StaffSessionSerializer(session_after(session)).data


def choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    """The query parameter if it is one of the choices, the first choice if it is empty or
    absent; anything else is refused (400) rather than read as the default."""
    value = request.query_params.get(name) or choices[0]
    if value not in choices:
        raise AppValidationError(
            {name: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}]}
        )
    return value


def parse_day(value: str | None, field: str, default: date | None = None) -> date:
    if not value:
        if default is not None:
            return default
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD).")]})
    parsed = bounded_date(value)
    if parsed is None:
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD) between 2000 and 2100.")]})
    return parsed


def parse_fiscal_year(value: str | None) -> int:
    if not value:
        return selectors.fiscal_year_of(timezone.localdate())
    year = query_integer(value, minimum=2000, maximum=2100)
    if year is None:
        raise AppValidationError({"fiscal_year": [_("Give a year such as 2025.")]})
    return year
