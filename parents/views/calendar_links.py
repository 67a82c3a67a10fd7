"""Stopping the private calendar links an email carried."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from calendars.tokens import (
    feed_links_stop,
    feed_token_lookup,
)
from core.throttling import (
    EmailLinkIPThrottle,
    LookupFailureLimit,
    TokenLookupThrottle,
    lookup_failed,
    throttle_wait,
    too_many,
)
from parents.views.common import private, see_other
from parents.views.sessions import not_found


@require_http_methods(["GET", "POST"])
def calendar_links_stop(request, token: str):
    """From the feed-link email: end every private calendar link of the address.

    A GET only asks (mail scanners open links); the POST ends the links and emails the address
    a new one, never shown here, where whoever holds the old link might be looking.
    """
    wait = throttle_wait(request, [LookupFailureLimit, TokenLookupThrottle])
    if wait is None and request.method == "POST":
        wait = throttle_wait(request, [EmailLinkIPThrottle])
    if wait is not None:
        return too_many(request, wait)
    if request.method == "POST":
        if feed_links_stop(token=token):
            return see_other(reverse("calendar-links-stopped"))
    elif feed_token_lookup(token) is not None:
        return private(render(request, "booking/calendar_links_stop.html"))
    lookup_failed(request)
    return private(not_found(request, _("This link is not valid.")))


@require_GET
def calendar_links_stopped(request):
    return render(request, "booking/calendar_links_stopped.html")
