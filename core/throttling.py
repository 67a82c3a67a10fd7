"""Rate limits backed by the cache, per client IP and per email address.

Rates are settings (API_THROTTLE_RATES, documented in the README), read at request time;
`API_THROTTLE=off` in the environment turns them all off for load tests and benchmarks.

Each limit is a counter that lives for one window from the first request it counts. Adding
to it is one atomic step (INCRBY with its TTL in one round trip on Redis), so requests that
arrive together through several web processes are all counted. DRF's own throttles read a
list of timestamps and write it back, two round trips in which concurrent requests overwrite
each other's counts.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.shortcuts import render
from redis.exceptions import RedisError
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

T = TypeVar("T")

logger = logging.getLogger(__name__)


def window_count(key: str, window: int, *, add: int) -> tuple[int, float]:
    """Add ``add`` to the counter ``key`` (0: only read it); return the count and the seconds
    left in its window (0 for a counter not started). Adding to a counter that does not exist
    starts a window of ``window`` seconds.
    """
    cache = caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if isinstance(cache, RedisCache):
        try:
            return _redis_window_count(cache, key, window, add=add)
        except RedisError:
            # A limit must not take bookings down with Redis: count nothing until it is back.
            _warn_unavailable()
            return 0, 0
    # Local memory (embedded mode, one process): add() and incr() each hold the cache's lock.
    now = time.time()
    if add:
        cache.add(f"{key}:start", now, window)
        cache.add(key, 0, window)
        count = cache.incr(key, add)
    else:
        count = cache.get(key, 0)
    start = cache.get(f"{key}:start")
    return count, 0 if start is None else max(start + window - now, 0)


_warned_at = 0.0


def _warn_unavailable() -> None:
    """Log that limits are off for want of Redis, at most once a minute per process."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= 60:
        _warned_at = now
        logger.warning("Redis unavailable: rate limits are not counted until it answers")


def _redis_window_count(cache: RedisCache, key: str, window: int, *, add: int) -> tuple[int, float]:
    full = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full, write=True)  # noqa: SLF001 - no public pipeline
    # One round trip; each command is atomic on its own, which is all a count needs.
    with client.pipeline(transaction=False) as pipe:
        if add:
            pipe.set(full, 0, ex=window, nx=True).incrby(full, add)
        else:
            pipe.get(full)
        *_, count, ttl = pipe.ttl(full).execute()
    count = int(count or 0)
    if add and ttl < 0:  # the key expired between SET and INCRBY: INCRBY made it anew
        client.expire(full, window)
        ttl = window
    return count, max(ttl, 0)


def window_clear(key: str) -> None:
    try:
        caches["default"].delete_many([key, f"{key}:start"])
    except RedisError:
        _warn_unavailable()


class SettingsRateThrottle(SimpleRateThrottle):
    """A DRF throttle whose rate comes from settings.API_THROTTLE_RATES[scope]."""

    scope = ""

    def __init__(self) -> None:  # the rate is read per request, not at import time
        pass

    def get_rate(self) -> str | None:
        if not settings.API_THROTTLE_ENABLED:
            return None
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        """Count this request; allow it while the window's count is within the limit."""
        if not self.prepared(request, view):
            return True
        return self.counted(add=1) <= self.num_requests

    def prepared(self, request, view) -> bool:
        """Read the rate and the key; False when this request is not limited."""
        self.rate = self.get_rate()
        if self.rate is None:
            return False
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        return self.key is not None

    def counted(self, *, add: int) -> int:
        count, self.seconds_left = window_count(self.key, self.duration, add=add)
        return count

    def wait(self) -> float:
        """Seconds until the window ends (DRF's Retry-After)."""
        return max(math.ceil(self.seconds_left), 1)

    def ident_for(self, request) -> str | None:
        return self.get_ident(request)

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_cache_key(self, request, view) -> str | None:
        ident = self.ident_for(request)
        if ident is None:
            return None
        # Not DRF's "throttle:" keys, which hold lists: a process of the previous release
        # reading a counter (or this one a list) would fail while both run.
        return f"ratelimit:{self.scope}:{ident}"


def client_ip(request) -> str:
    """The client's address for every limit: the socket's, unless NUM_PROXIES reverse proxies
    are configured, then the address the outermost of them saw (that many entries from the
    right of X-Forwarded-For; what a client writes further left is never trusted)."""
    meta = request.META
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    remote = meta.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def email_ident(email: object) -> str | None:
    """The key of an email address's limits: hashed (no address in the cache), and the same for
    every spelling that is stored as one address (``Ｈanako＠example.jp`` is ``hanako@example.jp``:
    NFKC, as ``core.fields.StrictEmailField`` folds it, and case)."""
    if not isinstance(email, str):
        return None
    folded = unicodedata.normalize("NFKC", email).strip().lower()
    if not folded:
        return None
    return hashlib.sha256(folded.encode(errors="surrogatepass")).hexdigest()[:32]


class EmailRateThrottle(SettingsRateThrottle):
    """Counts requests per email address in the JSON body (hashed: no address in the cache)."""

    def ident_for(self, request) -> str | None:
        data = getattr(request, "data", None)
        return email_ident(data.get("email")) if hasattr(data, "get") else None


class ReservationCreateIPThrottle(SettingsRateThrottle):
    scope = "reservation_create_ip"


class CountedOnSuccess:
    """A limit on what was done, not on what was asked: a request is refused once the window
    holds the limit, and only ``record_success`` adds to it (a reservation created, not a
    refused request, nor a replay of one that was). Nobody can lock a parent out of booking by
    sending requests that name her address."""

    def allow_request(self, request, view) -> bool:
        if not self.prepared(request, view):
            return True
        return self.counted(add=0) < self.num_requests

    @classmethod
    def record_success(cls, request) -> None:
        throttle = cls()
        if throttle.prepared(request, None):
            throttle.counted(add=1)


class ReservationCreateEmailThrottle(CountedOnSuccess, EmailRateThrottle):
    scope = "reservation_create_email"


class TokenLookupThrottle(SettingsRateThrottle):
    scope = "token_lookup"


class EmailLinkIPThrottle(SettingsRateThrottle):
    scope = "email_link_ip"


class EmailLinkEmailThrottle(EmailRateThrottle):
    scope = "email_link_email"


class PdfRenderIPThrottle(SettingsRateThrottle):
    scope = "pdf_render_ip"


def throttle_wait(request, throttle_classes, view=None) -> float | None:
    """For plain Django views: return seconds to wait if any throttle refuses, else None."""
    drf_request = request if isinstance(request, Request) else Request(request)
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(drf_request, view):
            waits.append(throttle.wait() or 1)
    return max(waits) if waits else None


# --- failures: wrong tokens and codes ----------------------------------------------------------


class LookupFailureLimit(SettingsRateThrottle):
    """Failed look-ups per client IP: a wrong manage token or code, "my reservations" key,
    private feed token or staff API token. Only failures count, so a parent who uses her own
    links is never slowed; a client that guesses is refused (429) before it looks again.

    A view that looks a credential up does two things: it refuses a client that failed too
    often before looking (``lookup_blocked``, or this class in a DRF view's
    ``throttle_classes`` or in ``throttle_wait``'s list), and it counts each look-up that
    finds nothing (``lookup_failed``) before answering 404.
    """

    scope = "lookup_failures"

    def allow_request(self, request, view) -> bool:
        """As a throttle: allow a client that has not failed too often; count nothing."""
        return self.blocked(request) is None

    def blocked(self, request) -> float | None:
        """Seconds to wait when this client failed too often; None when it may look."""
        if not self.prepared(request, None):
            return None
        return self.wait() if self.counted(add=0) >= self.num_requests else None

    def record(self, request) -> None:
        if self.prepared(request, None):
            self.counted(add=1)


def lookup_blocked(request) -> float | None:
    """Seconds a client that failed too many look-ups must wait; None when it may look."""
    return LookupFailureLimit().blocked(request)


def lookup_failed(request) -> None:
    """Count a look-up that found nothing (a wrong token, code or key) against its client."""
    LookupFailureLimit().record(request)


def found_by_token(request, find: Callable[[str | None], T | None]) -> T:
    """The object an API request's manage token opens (the ``token`` query parameter or the
    ``X-Reservation-Token`` header), through ``find(token)`` (None for a wrong pair).

    429 for a client that failed too often, before looking; 404, counted against the client,
    when nothing is found. Reservations and appointments take their tokens this one way.
    """
    wait = lookup_blocked(request)
    if wait is not None:
        raise Throttled(wait)
    token = request.query_params.get("token") or request.headers.get("X-Reservation-Token")
    found = find(token if isinstance(token, str) and token else None)
    if found is None:
        lookup_failed(request)
        raise NotFound()
    return found


# --- plain form posts (pages, not the API) ---------------------------------------------------


class FormEmailThrottle(EmailRateThrottle):
    """Count a plain form post per email address (hashed), like the API counts its JSON."""

    def ident_for(self, request) -> str | None:
        return email_ident(request._request.POST.get("email"))


class ReservationFormEmailThrottle(CountedOnSuccess, FormEmailThrottle):
    scope = "reservation_create_email"


class EmailLinkFormEmailThrottle(FormEmailThrottle):
    scope = "email_link_email"


def too_many(request, wait: float) -> HttpResponse:
    """The page a throttled form post gets: 429, with when to try again."""
    response = render(request, "pages/too_many.html", {"minutes": max(int(wait // 60), 1)})
    response.status_code = 429
    response["Retry-After"] = str(int(wait))
    return response
