"""A credential that came in a URL (an email's ``?token=``), traded for a short-lived cookie, so
that the page's own address, its forms, the Referer it sends and whatever logs the request line
from then on hold no secret.

The first request with the credential in its query string is answered with a redirect to the
same page without it, and a cookie (signed, HttpOnly, SameSite=Lax, Secure over HTTPS) that
holds it for ``COOKIE_AGE``; one cookie per code, so a parent may keep several reservations or
appointments open. Each kind of page has its own ``CookieCredential`` (cookie-name prefix and
signing salt), so that a reservation's cookie never opens an appointment's page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode

COOKIE_AGE = 2 * 60 * 60


def private(response: HttpResponse) -> HttpResponse:
    """Mark a page that shows personal data behind a credential.

    ``same-origin`` keeps the URL (and any credential in it) from other sites; ``no-referrer``
    would also make Chrome send ``Origin: null`` with the page's own forms, which CSRF refuses.
    """
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class CookieCredential:
    """Where one kind of page keeps its credential: ``prefix`` names the cookie (``rsv`` gives
    ``rsv-<CODE>``), ``salt`` signs it, ``keys`` are the query parameters that carry it."""

    prefix: str
    salt: str
    keys: tuple[str, ...] = ("token",)
    age: int = COOKIE_AGE

    def cookie_name(self, code: str) -> str:
        return f"{self.prefix}-{code.upper()}"

    def from_cookie(self, request: HttpRequest, code: str) -> dict[str, str]:
        """The credential a cookie holds for this code ({} when none is valid or it expired)."""
        raw = request.get_signed_cookie(
            self.cookie_name(code), default=None, salt=self.salt, max_age=self.age
        )
        if not raw:
            return {}
        try:
            held = json.loads(raw)
        except ValueError:
            return {}
        if not isinstance(held, dict):
            return {}
        return {k: v for k, v in held.items() if k in self.keys and isinstance(v, str)}

    def in_url(self, request: HttpRequest) -> dict[str, str]:
        return {k: request.GET[k] for k in self.keys if request.GET.get(k)}

    def given(self, request: HttpRequest) -> dict[str, str]:
        """The credential the request itself carries: in its query string or its form."""
        return {k: v for k in self.keys if (v := request.GET.get(k) or request.POST.get(k))}

    def held(self, request: HttpRequest, code: str) -> dict[str, str]:
        """The credential given with the request, else the one its cookie holds."""
        return self.given(request) or self.from_cookie(request, code)

    def store(
        self, request: HttpRequest, response: HttpResponse, code: str, credential: dict[str, str]
    ) -> None:
        response.set_signed_cookie(
            self.cookie_name(code),
            json.dumps(credential),
            salt=self.salt,
            max_age=self.age,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )

    def clear(self, response: HttpResponse, code: str) -> None:
        """End a cookie that no longer opens anything (a wrong, expired or replaced one)."""
        response.delete_cookie(self.cookie_name(code), samesite="Lax")

    def redirect(
        self, request: HttpRequest, url: str, code: str, credential: dict[str, str]
    ) -> HttpResponse:
        """A 303 to ``url`` (which holds no credential) that sets the cookie."""
        response = HttpResponseRedirect(url)
        response.status_code = 303
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        self.store(request, response, code, credential)
        return response

    def traded(
        self, request: HttpRequest, code: str, credential: dict[str, str]
    ) -> HttpResponse | None:
        """For a GET that carried a valid credential in its query string: the redirect to the
        same page without it, setting the cookie. None for any other request."""
        if request.method != "GET" or not self.in_url(request):
            return None
        rest = [(k, v) for k, v in request.GET.items() if k not in self.keys]
        clean = request.path + (f"?{urlencode(rest)}" if rest else "")
        return self.redirect(request, clean, code, credential)
