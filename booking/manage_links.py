"""The manage links in emails: a link token derived from the reservation's token hash.

Only the first email of a reservation can quote its manage token (the token exists only while
the reservation is being made, and only its SHA-256 is stored). Every email about a
reservation still links to its manage page, with a link token derived from what is stored:

    base64url(HMAC-SHA256(SECRET_KEY, "manage-link:<code>:<token_hash>"))   (256 bits)

It is never stored, opens the reservation wherever the manage token does
(``booking.selectors.reservation_by_code_and_token``), is accepted under the secret key and
its fallbacks (``SECRET_KEY_FALLBACKS``), and stops working when the manage token is replaced
(the hash changes) or once the key it was made with is no longer a fallback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import force_bytes


def manage_link_token(code: str, token_hash: str, *, secret: str | bytes | None = None) -> str:
    """Return the link token of a reservation (under the current secret key by default)."""
    key = force_bytes(settings.SECRET_KEY if secret is None else secret)
    digest = hmac.new(key, f"manage-link:{code}:{token_hash}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def manage_link_matches(code: str, token_hash: str, given: str) -> bool:
    """Return whether ``given`` is the link token of (code, token_hash).

    Every key (the secret key, then its fallbacks) is tried, each compared in constant time.
    """
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    given_bytes = given.encode()
    matches = [
        hmac.compare_digest(manage_link_token(code, token_hash, secret=key).encode(), given_bytes)
        for key in keys
    ]
    return any(matches)


def manage_link_url(code: str, token_hash: str, *, fragment: str = "") -> str:
    """Return the absolute manage link of a reservation for an email, with its link token."""
    prefix, suffix = _manage_path_parts(settings.ROOT_URLCONF)
    token = manage_link_token(code, token_hash)
    url = f"{settings.SITE_URL}{prefix}{code}{suffix}?token={token}"
    return f"{url}#{fragment}" if fragment else url


@lru_cache(maxsize=8)
def _manage_path_parts(urlconf: str) -> tuple[str, str]:
    # reverse() costs more than the rest of the link, once per email; only the code varies.
    marker = "CODEMARKER"
    path = reverse("reservation-manage", kwargs={"code": marker}, urlconf=urlconf)
    prefix, _, suffix = path.partition(marker)
    return prefix, suffix
