"""The catalogue's pages at a 9:00 opening: their main part, rendered once a second at most.

When a popular session opens, parents reload its page and the list many times a second. The
part of those pages that reads the database and draws the sessions is kept in the cache for
``PAGES_CACHE_SECONDS`` (1 s by default; 0 turns it off), keyed by the page, its query
string, the language and the host. The rest of the page (header, CSRF token, messages) is
rendered for each request. A page may so show a seat up to that long after it went; the
booking path never reads this cache, and the form and the API decide on the database row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


def cached_main(
    request, page: str, build: Callable[[], tuple[str, str, dict] | None]
) -> dict | None:
    """Return ``{"title": ..., "main": ...}`` for a page, from the cache when it is fresh.

    ``build`` returns the title, the template of the main part and its context, or None
    when there is no such page (nothing is cached then).
    """
    seconds = settings.PAGES_CACHE_SECONDS
    key = None
    if seconds > 0:
        identity = f"{page}|{get_language()}|{request.get_host()}|{request.get_full_path()}"
        key = "page:" + hashlib.sha256(identity.encode()).hexdigest()
        kept = cache.get(key)
        if kept is not None:
            return {"title": kept["title"], "main": mark_safe(kept["main"])}  # noqa: S308
    built = build()
    if built is None:
        return None
    title, template, context = built
    main = render_to_string(template, context, request=request)
    if key is not None:
        cache.set(key, {"title": str(title), "main": main}, seconds)
    return {"title": title, "main": mark_safe(main)}  # noqa: S308 - rendered by a template
