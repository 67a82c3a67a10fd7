"""Request plumbing with no domain: the request body's size limit."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.errors import error_body


class RequestBodyLimitMiddleware:
    """Refuse NUL characters in the URL (400) and bodies over MAX_REQUEST_BODY_BYTES (413)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            # PostgreSQL text cannot hold NUL: refuse it before any lookup sees it.
            return JsonResponse(
                error_body("invalid", _("NUL characters are not allowed.")), status=400
            )
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return JsonResponse(
                error_body("payload_too_large", _("The request body is too large.")), status=413
            )
        return self.get_response(request)
