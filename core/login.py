"""Rate limits on the staff login pages: /staff/accounts/login/ and the admin's /admin/login/.

Failed attempts are counted in the cache per client IP and per username (hashed), with the
rates ``login_ip`` and ``login_username`` of ``settings.API_THROTTLE_RATES``
(``THROTTLE_LOGIN_IP``, ``THROTTLE_LOGIN_USERNAME``). Successful logins never count: a city
network may put every centre's staff behind one address, and a morning of logins must not lock
it out. Past either limit the form is refused before the password is even checked, with 429, a
``Retry-After`` header and a message on the login page; a successful login clears its
username's count. ``API_THROTTLE=off`` turns the limits off, like the others.
"""

from __future__ import annotations

import functools
import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.request import Request

from core.throttling import SettingsRateThrottle, email_ident, throttle_wait, window_clear


class FailureRateThrottle(SettingsRateThrottle):
    """A throttle that only looks when asked whether to allow; ``record`` counts a failure."""

    def allow_request(self, request, view) -> bool:
        if not self.prepared(request, view):
            return True
        return self.counted(add=0) < self.num_requests  # looking is not an attempt

    def record(self, request) -> None:
        if self.prepared(request, None):
            self.counted(add=1)

    def clear(self, request) -> None:
        key = self.get_cache_key(request, None)
        if key is not None:
            window_clear(key)


class LoginIPThrottle(FailureRateThrottle):
    scope = "login_ip"


class LoginUsernameThrottle(FailureRateThrottle):
    scope = "login_username"

    def ident_for(self, request) -> str | None:
        return email_ident(request._request.POST.get("username"))


LOGIN_THROTTLES = [LoginIPThrottle, LoginUsernameThrottle]


def throttled_message(wait: float) -> str:
    minutes = max(math.ceil(wait / 60), 1)
    return ngettext(
        "Too many failed login attempts. Please try again in %(minutes)d minute.",
        "Too many failed login attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class RateLimitedLoginMixin:
    """For an AuthenticationForm: refuse while a limit is reached, count failed attempts."""

    retry_after: float | None = None

    def clean(self):
        if self.request is None:
            return super().clean()
        wait = throttle_wait(self.request, LOGIN_THROTTLES)
        if wait is not None:
            self.retry_after = wait
            raise forms.ValidationError(throttled_message(wait), code="throttled")
        drf_request = Request(self.request)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for throttle in LOGIN_THROTTLES:
                throttle().record(drf_request)
            raise
        LoginUsernameThrottle().clear(drf_request)
        return cleaned


class StaffLoginForm(RateLimitedLoginMixin, AuthenticationForm):
    """The staff pages' login form, rate limited. Staff log in with their email address."""

    # Django's message names the field "username", which this form labels as the email address.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email address or the password is not right. Check them and try again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")


class AdminLoginForm(RateLimitedLoginMixin, AdminAuthenticationForm):
    """The admin's login form, rate limited."""


def login_rate_limited(view):
    """Answer 429 with Retry-After when the view's login form was refused by a limit."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        retry_after = getattr(form, "retry_after", None)
        if retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(max(math.ceil(retry_after), 1))
        return response

    return wrapped
