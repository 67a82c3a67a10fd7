"""Finding a party across the sessions of the staff member's facilities (予約の検索)."""

from __future__ import annotations

from django.shortcuts import render

from core.search import search_page_asked
from events.staff_pages import staff_page
from staffdesk import selectors, services


@staff_page
def search(request):
    """A name, kana, reservation code, phone number or email address; every role may search,
    as every role reads the rosters."""
    asked = search_page_asked(request.GET)
    if asked.error:
        context = {"query": asked.query, "error": asked.error}
        return render(request, "staff/search.html", context, status=400)
    found = None
    if asked.query:
        found = selectors.reservations_search(
            user=request.user,
            query=asked.query,
            upcoming_from=asked.upcoming_from,
            past_from=asked.past_from,
        )
        services.search_record(by=request.user, codes=found.codes, facility_ids=found.facility_ids)
    return render(request, "staff/search.html", {"query": asked.query, "found": found})
