from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.errors import error_body


class RequestBodyLimitMiddleware:
    """Refuse request bodies over settings.MAX_REQUEST_BODY_BYTES with 413 before reading them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return JsonResponse(
                error_body("payload_too_large", _("The request body is too large.")), status=413
            )
        return self.get_response(request)
