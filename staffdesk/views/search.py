"""Finding a party across the sessions of the staff member's facilities (予約の検索)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from events.staff_pages import staff_page
from staffdesk import selectors


@staff_page
def search(request):
    """A name, kana, reservation code, phone number or email address; every role may search,
    as every role reads the rosters."""
    query = request.GET.get("q", "").strip()
    if len(query) > selectors.SEARCH_MAX_LENGTH:
        error = _("Search with at most %(limit)d characters.") % {
            "limit": selectors.SEARCH_MAX_LENGTH
        }
        context = {"query": query[: selectors.SEARCH_MAX_LENGTH], "error": error}
        return render(request, "staff/search.html", context, status=400)
    found = selectors.reservations_search(user=request.user, query=query)
    context = {"query": query, "found": found if query else None, "limit": selectors.SEARCH_LIMIT}
    return render(request, "staff/search.html", context)
