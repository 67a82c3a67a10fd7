"""What the staff desk's pages share: a session in the user's scope, links back to the roster,
the login view (login and error pages for every staff page: ``events.staff_pages``)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.fields import bounded_date
from core.throttling import EmailLinkFormEmailThrottle, EmailLinkIPThrottle, throttle_wait, too_many
from events.models import Session
from staffdesk import selectors


def page_session(request, pk: int, *, manage: bool = False) -> Session:
    session = selectors.staff_session(request.user, pk)
    if manage and not selectors.can_manage(request.user, session):
        raise PermissionDenied
    return session


def roster_url(session: Session, request=None, anchor: str = "") -> str:
    url = reverse("staff:roster", args=[session.pk])
    return url + keep_query(request) + (f"#{anchor}" if anchor else "")


def keep_query(request) -> str:
    """The roster's sort, search and scope, carried through a check-in and back."""
    if request is None:
        return ""
    keep = {k: request.GET[k] for k in ("sort", "q", "scope") if request.GET.get(k)}
    return "?" + urlencode(keep) if keep else ""


def parse_day(value: str | None) -> date:
    return bounded_date(value) or timezone.localdate()


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset emails count against the email-link limits (per client IP and address).

    Without them the form would send a stranger's inbox as many emails as it is posted.
    """

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(request, [EmailLinkIPThrottle, EmailLinkFormEmailThrottle])
        if wait is not None:
            return too_many(request, wait)
        return super().post(request, *args, **kwargs)
