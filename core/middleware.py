"""Request plumbing with no domain: the request body's size limit, a page's language asked
for in its address (``?lang=``), and the admin's answer to values no column can hold."""

import logging

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from core.error_pages import bad_request
from core.errors import error_body
from core.languages import LANGUAGE_QUERY, language_cookie_set, spoken_language


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


class LanguageQueryMiddleware:
    """Answer a page in the language its address asks for (``?lang=vi``, ``zh-CN``, ``pt_BR``:
    whatever ``core.languages.spoken_language`` knows), over the language cookie and the
    Accept-Language, and keep it: the answer sets the language cookie as Django's
    ``set_language`` view does, so the pages that follow stay in it. An email's links carry the
    email's language, and are often opened in a browser that has never seen the site.

    A language the product does not speak is ignored: the page answers as without it. Not
    under ``LANGUAGE_QUERY_SKIPPED_PATHS``: the API and the calendar feeds give ``lang`` their
    own meaning, and staff pages keep the language staff chose. Runs after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = tuple(settings.LANGUAGE_QUERY_SKIPPED_PATHS)

    def __call__(self, request: HttpRequest):
        language = self.asked_for(request)
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            language_cookie_set(response, settings.LANGUAGE_COOKIE_NAME, language)
        return response

    def asked_for(self, request: HttpRequest) -> str | None:
        """The product's language the address asks for; None when it asks for none it speaks,
        or is not a page's."""
        if request.path.startswith(self.skipped) or LANGUAGE_QUERY not in request.GET:
            return None
        return spoken_language(request.GET.get(LANGUAGE_QUERY))


ADMIN_PREFIX = "/admin/"
logger = logging.getLogger(__name__)


class AdminBadValueMiddleware:
    """The admin's lists and actions hand what the address and the form hold to the database as
    Django's admin reads it: an id of 23 digits, year -1 or "abc" for an id raised inside
    Django (OverflowError, ValueError, or the database's DataError), a 500. They are an
    operator's typing, answered 400 with the site's page for a request it cannot read; logged
    as a warning, so a fault of the admin's own code still shows in the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(ADMIN_PREFIX):
            return None
        if not isinstance(exception, OverflowError | ValueError | DataError):
            return None
        logger.warning("admin request refused as a bad value: %r", exception)
        return bad_request(request, exception)
