"""Rate limits backed by the cache, per client IP and per email address.

Rates are settings (API_THROTTLE_RATES, documented in the README), read at request time;
`API_THROTTLE=off` in the environment turns them all off for load tests and benchmarks.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class SettingsRateThrottle(SimpleRateThrottle):
    """A DRF throttle whose rate comes from settings.API_THROTTLE_RATES[scope]."""

    scope = ""
    cache = cache

    def __init__(self) -> None:  # the rate is read per request, not at import time
        pass

    def get_rate(self) -> str | None:
        if not settings.API_THROTTLE_ENABLED:
            return None
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def ident_for(self, request) -> str | None:
        return self.get_ident(request)

    def get_cache_key(self, request, view) -> str | None:
        ident = self.ident_for(request)
        if ident is None:
            return None
        return f"throttle:{self.scope}:{ident}"


def email_ident(email: object) -> str | None:
    if not isinstance(email, str) or not email.strip():
        return None
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class EmailRateThrottle(SettingsRateThrottle):
    """Counts requests per email address in the JSON body (hashed: no address in the cache)."""

    def ident_for(self, request) -> str | None:
        data = getattr(request, "data", None)
        return email_ident(data.get("email")) if hasattr(data, "get") else None


class ReservationCreateIPThrottle(SettingsRateThrottle):
    scope = "reservation_create_ip"


class ReservationCreateEmailThrottle(EmailRateThrottle):
    scope = "reservation_create_email"


class TokenLookupThrottle(SettingsRateThrottle):
    scope = "token_lookup"


class EmailLinkIPThrottle(SettingsRateThrottle):
    scope = "email_link_ip"


class EmailLinkEmailThrottle(EmailRateThrottle):
    scope = "email_link_email"


def throttle_wait(request, throttle_classes, view=None) -> float | None:
    """For plain Django views: return seconds to wait if any throttle refuses, else None."""
    from rest_framework.request import Request

    drf_request = request if isinstance(request, Request) else Request(request)
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(drf_request, view):
            waits.append(throttle.wait() or 1)
    return max(waits) if waits else None
