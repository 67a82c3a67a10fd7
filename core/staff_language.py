"""The staff's language, kept apart from the parents': a cookie of its own
(``STAFF_LANGUAGE_COOKIE_NAME``), the toggle that sets it, and the middleware that answers the
staff's addresses (``STAFF_LANGUAGE_PATHS``: the staff pages and the admin) in it.

The desk tablet is also where staff open a parent's emailed link (it carries ``?lang=vi``) or
switch a parent's page to the parent's language to show her; both set the parents' language
cookie. Were the staff pages to read that cookie too, the desk would go on in Vietnamese. So on
the staff's addresses the language is the staff cookie; without one, the browser's
Accept-Language among the staff's languages (``STAFF_LANGUAGES``); else Japanese. The parents'
cookie is never read there, and the parents' pages never read or set the staff cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_POST

from core.languages import language_cookie_set, spoken_language

# What a staff page's script sends with its API requests (``staff/check_in.js``): answer me in
# the staff's language, as the page I am on.
STAFF_PAGE_HEADER = "X-Staff-Page"


def staff_choice(code: str | None) -> str | None:
    """One of the staff's languages for a code (``en-US``, ``ja``), or None."""
    language = spoken_language(code)
    return language if language in settings.STAFF_LANGUAGES else None


def staff_language(request: HttpRequest) -> str:
    """The language the staff's pages answer this request in."""
    chosen = staff_choice(request.COOKIES.get(settings.STAFF_LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        chosen = staff_choice(code)
        if chosen:
            return chosen
    return settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """Answer the staff's addresses in the staff's language (``staff_language``), over what
    LocaleMiddleware took from the parents' cookie. Runs right after LocaleMiddleware.

    The staff's JSON API is not one of those addresses: it shares ``/api/v1/`` (and
    ``/api/v1/sessions/``) with the public API (``config/urls.py``), whose clients, token
    holders among them, choose the language of its messages by Accept-Language as before. The
    one staff page that calls it, the roster's one-tap check-in, shows the API's ``message`` on
    the page; its script says so with the ``X-Staff-Page`` header, and only such a request under
    ``STAFF_LANGUAGE_API_PATHS`` is answered in the staff's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = tuple(settings.STAFF_LANGUAGE_PATHS)
        self.api_paths = tuple(settings.STAFF_LANGUAGE_API_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.is_staffs(request):
            return self.get_response(request)
        language = staff_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response

    def is_staffs(self, request: HttpRequest) -> bool:
        if request.path.startswith(self.paths):
            return True
        return request.path.startswith(self.api_paths) and STAFF_PAGE_HEADER in request.headers


@require_POST
def staff_language_set(request: HttpRequest) -> HttpResponse:
    """The staff pages' language toggle: keep the language in the staff cookie and go back.

    A language the staff pages do not offer is ignored; a ``next`` that leads off this site
    goes to the staff's first address instead.
    """
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = settings.STAFF_LANGUAGE_PATHS[0]
    response = HttpResponseRedirect(back)
    language = staff_choice(request.POST.get("language"))
    if language:
        language_cookie_set(response, settings.STAFF_LANGUAGE_COOKIE_NAME, language)
    return response
