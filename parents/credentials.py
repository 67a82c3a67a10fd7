"""A reservation's credential that came in a URL (an email's ``?token=`` or ``?me=``), traded
for a short-lived cookie (``core.credentials``): one cookie ``rsv-<CODE>`` per reservation. A
credential in a form's POST body is taken as it always was.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.credentials import COOKIE_AGE, CookieCredential

__all__ = ["COOKIE_AGE", "KEYS", "SALT", "cookie_name", "from_cookie", "in_url", "traded"]

SALT = "parents.credentials"
KEYS = ("token", "me")
RESERVATION = CookieCredential(prefix="rsv", salt=SALT, keys=KEYS, age=COOKIE_AGE)


def cookie_name(code: str) -> str:
    return RESERVATION.cookie_name(code)


def from_cookie(request: HttpRequest, code: str) -> dict[str, str]:
    """The credential a cookie holds for this reservation code ({} when none is valid)."""
    return RESERVATION.from_cookie(request, code)


def in_url(request: HttpRequest) -> dict[str, str]:
    return RESERVATION.in_url(request)


def traded(request: HttpRequest, code: str, credential: dict[str, str]) -> HttpResponse | None:
    """For a GET that carried a valid credential in its query string: the redirect to the same
    page without it, setting the cookie. None for any other request."""
    return RESERVATION.traded(request, code, credential)
