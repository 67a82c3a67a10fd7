"""Template filters for the languages the product speaks (``core.languages``)."""

from django import template
from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

from core.languages import LANGUAGE_QUERY, html_lang

register = template.Library()


@register.filter
def bcp47(code: str) -> str:
    """A language code as a lang attribute writes it: zh-Hans, pt-BR, ja for やさしい日本語."""
    return html_lang(code)


@register.filter
def without_language_query(request: HttpRequest) -> str:
    """The page's path and query without its ``lang``: where the language switcher comes back
    to, so that the ``?lang=`` a page was opened with does not undo the language chosen. Empty
    for a page rendered without its request (an error page), as ``request.get_full_path``."""
    if not isinstance(request, HttpRequest):
        return ""
    if LANGUAGE_QUERY not in request.GET:
        return request.get_full_path()
    query = request.GET.copy()
    query.pop(LANGUAGE_QUERY)
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path
