"""One error type for business rules and one body for every 4xx answer.

Body: ``{"code": "<machine code>", "message": "<human text in the request language>",
"fields": {"<field>": ["..."]}}`` (``fields`` only for validation errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES: dict[str, Any] = {
    "invalid": _("The request has invalid fields."),
    "parse_error": _("The request body could not be read."),
    "invalid_json": _(
        "The request body holds JSON the API does not take (nested too deeply, a number too "
        "large, or text that is not text)."
    ),
    "not_authenticated": _("Authentication credentials were not provided or are invalid."),
    "permission_denied": _("You do not have permission to do this."),
    "not_found": _("Not found."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("The requested format is not available."),
    "unknown_format": _("This format is not available here."),
    "unsupported_media_type": _("Send the request body as JSON."),
    "throttled": _("Too many requests. Please wait and try again."),
    "invalid_filter": _("A filter value is not valid."),
    "invalid_page": _("The page does not exist or is too large."),
    "session_full": _("This session is full."),
    "waitlist_full": _("This session is full and so is its waiting list."),
    "registration_closed": _("Registration for this session is not open."),
    "session_cancelled": _("This session has been cancelled."),
    "duplicate_reservation": _("This email address already holds a reservation for this session."),
    "cancellation_closed": _("The cancellation deadline has passed."),
    "idempotency_key_reused": _("This Idempotency-Key was used with a different request."),
    "capacity_below_taken": _("The capacity cannot be lower than the seats already taken."),
    "invalid_state": _("This cannot be done in the reservation's current state."),
    "course_booking_required": _("This session is part of a course; book the whole course."),
    "confirmation_closed": _("The confirmation deadline has passed."),
    "draw_not_done": _("This session's lottery has not been drawn yet."),
    "override_required": _(
        "The session is full. Add the party only with an override and a reason."
    ),
    "session_not_started": _("The session has not started yet."),
    "check_in_not_open": _("Check-in opens on the day of the session."),
    "childcare_full": _(
        "Childcare places for this session are full. You can book without childcare."
    ),
    "party_too_large": _("The party does not fit in the seats left."),
    "payload_too_large": _("The request body is too large."),
    "server_error": _("Something went wrong on our side. Please try again later."),
}


class AppError(Exception):
    """A refused request with a stable machine code (``session_full``, ...)."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(
        self,
        code: str,
        message: Any = None,
        *,
        status_code: int | None = None,
        fields: dict[str, list[Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        if status_code is not None:
            self.status_code = status_code
        self.fields = fields
        self.extra = extra or {}
        super().__init__(code)

    def __str__(self) -> str:
        # Written when shown, not when raised: most refusals are answered, never shown, and
        # writing the message looks up its translation.
        return f"{self.code}: {self.message}"

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.fields, **self.extra)


class AppValidationError(AppError):
    """Input that breaks a programme's rules (400 with field errors)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, fields: dict[str, list[Any]], message: Any = None) -> None:
        super().__init__("invalid", message, fields=fields)


def errors_on_form(form, exc: AppError, field_for: Callable[[str], str | None]) -> None:
    """Put a refused service's errors on a page's form: each field error on the form field
    ``field_for`` names for it (None: above the form), a refusal naming no field above it."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for name, messages in exc.fields.items():
        target = field_for(name)
        for message in messages:
            form.add_error(target, str(message))


def error_body(code: str, message: Any, fields: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = _stringify(fields)
    body.update(extra)
    return body


# What DRF answers a body of JSON null with is written in English in every language (it is in
# no catalogue): the body says it in the request's language instead.
DRF_NO_DATA = "No data provided"
NO_DATA_MESSAGE = _("Send the request body as a JSON object.")


def _stringify(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _as_list(_stringify(value)) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_stringify(item) for item in detail]
    if getattr(detail, "code", None) == "null" and str(detail) == DRF_NO_DATA:
        return str(NO_DATA_MESSAGE)
    return str(detail)


def throttled_message(wait: float | None) -> str:
    """A refused request's wait in the request's language, in the words and minutes of the
    pages' own answer (``core.throttling.too_many``): DRF's "Expected available in 59 seconds"
    is formatted before it is looked up, so no catalogue can translate it."""
    if wait is None:
        return str(MESSAGES["throttled"])
    minutes = max(int(wait // 60), 1)
    return ngettext(
        "Too many requests came from here. Please try again in %(n)s minute.",
        "Too many requests came from here. Please try again in %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


def _as_list(value: Any) -> Any:
    return value if isinstance(value, list | dict) else [value]


_DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn every refused request into the documented error body."""
    if isinstance(exc, AppError):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next(
        (c for cls, c in _DRF_CODES if isinstance(exc, cls)), getattr(exc, "default_code", "error")
    )
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = detail
        else:
            fields = {"non_field_errors": detail}
        response.data = error_body("invalid", MESSAGES["invalid"], fields)
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body(code, throttled_message(exc.wait))
    else:
        message = MESSAGES.get(code)
        if message is None:
            detail = getattr(exc, "detail", "")
            message = detail if isinstance(detail, str) else code
        response.data = error_body(code, message)
    return response


def json_not_found(request, exception=None):  # noqa: ARG001
    return JsonResponse(error_body("not_found", MESSAGES["not_found"]), status=404)
