"""What a person sees when a request fails outside a view's own handling.

The API (``/api/``) answers the documented JSON body; every other address is a page a parent
or a member of staff reads, in the request's language, with a way back. Calendar feeds answer
their own 404 (``calendars.feeds``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import MESSAGES, error_body, json_not_found

API_PREFIX = "/api/"
CSRF_FAILED = _("The form's security check failed. Open the form again and send it.")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    if _is_api(request):
        return json_not_found(request)
    return render(request, "pages/not_found.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    if _is_api(request):
        return JsonResponse(
            error_body("permission_denied", MESSAGES["permission_denied"]), status=403
        )
    return render(request, "pages/forbidden.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    # Reached for a request Django refused before any view (a Host it does not serve, a
    # suspicious operation): nothing of the request's data is worth showing back.
    if _is_api(request):
        return JsonResponse(error_body("invalid", MESSAGES["invalid"]), status=400)
    return HttpResponse(render_to_string("pages/bad_request.html"), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever failed may fail again while rendering.
    if _is_api(request):
        return JsonResponse(error_body("server_error", MESSAGES["server_error"]), status=500)
    return HttpResponse(render_to_string("pages/server_error.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:  # noqa: ARG001
    """A form sent without its security token: the page had been open too long, or the
    browser keeps no cookies. The way back is the form itself, opened afresh."""
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", MESSAGES["csrf_failed"]), status=403)
    back = request.path
    if back.startswith("/i18n/"):
        back = reverse("session-list")
    return render(request, "pages/form_expired.html", {"back": back}, status=403)
