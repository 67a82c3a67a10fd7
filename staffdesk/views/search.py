"""Finding a party across the sessions of the staff member's facilities (予約の検索)."""

from __future__ import annotations

from django.shortcuts import render

from core.search import SEARCH_LIMIT, SEARCH_MAX_LENGTH, search_length_error
from events.staff_pages import staff_page
from staffdesk import selectors


@staff_page
def search(request):
    """A name, kana, reservation code, phone number or email address; every role may search,
    as every role reads the rosters."""
    query = request.GET.get("q", "").strip()
    error = search_length_error(query)
    if error:
        context = {"query": query[:SEARCH_MAX_LENGTH], "error": error}
        return render(request, "staff/search.html", context, status=400)
    found = selectors.reservations_search(user=request.user, query=query) if query else None
    return render(
        request, "staff/search.html", {"query": query, "found": found, "limit": SEARCH_LIMIT}
    )
