"""What the parents' pages share: private answers, redirects, the language of emails."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode

from booking.models import ReservationStatus
from core.credentials import private as private  # the parents' views take it from here
from core.languages import current_language

# Statuses a parent can still act on; the others are history.
OPEN_STATUSES = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.WAITLISTED,
    ReservationStatus.APPLIED,
)


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def language() -> str:
    """The language of the page being answered: the reservation made from it keeps it."""
    return current_language()


def with_query(path: str, query: dict[str, str]) -> str:
    """A path with a query string, when there is one."""
    return f"{path}?{urlencode(query)}" if query else path
