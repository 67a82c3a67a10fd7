"""A reservation's credential that came in a URL (an email's ``?token=`` or ``?me=``), traded
for a short-lived cookie, so that the page's own address, its forms and whatever logs the
request line from then on hold no secret.

The first request with the credential in its query string is answered with a redirect to the
same page without it, and a cookie (signed, HttpOnly, SameSite=Lax, Secure over HTTPS) that
holds it for ``COOKIE_AGE``; one cookie per reservation code, so a parent may keep several
reservations open. A credential in a form's POST body is taken as it always was.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode

COOKIE_AGE = 2 * 60 * 60
SALT = "parents.credentials"
KEYS = ("token", "me")


def cookie_name(code: str) -> str:
    return f"rsv-{code.upper()}"


def from_cookie(request: HttpRequest, code: str) -> dict[str, str]:
    """The credential a cookie holds for this reservation code ({} when none is valid)."""
    raw = request.get_signed_cookie(cookie_name(code), default=None, salt=SALT, max_age=COOKIE_AGE)
    if not raw:
        return {}
    try:
        held = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(held, dict):
        return {}
    return {k: v for k, v in held.items() if k in KEYS and isinstance(v, str)}


def in_url(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET[k] for k in KEYS if request.GET.get(k)}


def traded(request: HttpRequest, code: str, credential: dict[str, str]) -> HttpResponse | None:
    """For a GET that carried a valid credential in its query string: the redirect to the same
    page without it, setting the cookie. None for any other request."""
    if request.method != "GET" or not in_url(request):
        return None
    rest = [(k, v) for k, v in request.GET.items() if k not in KEYS]
    clean = request.path + (f"?{urlencode(rest)}" if rest else "")
    response = HttpResponseRedirect(clean)
    response.status_code = 303
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response.set_signed_cookie(
        cookie_name(code),
        json.dumps(credential),
        salt=SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
