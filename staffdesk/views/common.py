"""What the staff desk's pages share: a session in the user's scope, links back to the roster,
a service's refusal on a form, booking a party from a staff form, the login view (login and
error pages for every staff page: ``events.staff_pages``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from booking.rules import contact_from_data, party_from_data
from booking.services import ReservationResult
from core.errors import AppError
from core.fields import bounded_date
from core.throttling import EmailLinkFormEmailThrottle, EmailLinkIPThrottle, throttle_wait, too_many
from events.models import Session
from staffdesk import selectors, services
from staffdesk.forms import WalkInForm


def page_session(request, pk: int, *, manage: bool = False, desk: bool = False) -> Session:
    """The session if the user works at its facility (else 404); ``manage`` asks for a
    manager, ``desk`` for desk staff or a manager (else 403)."""
    session = selectors.staff_session(request.user, pk)
    if manage and not selectors.can_manage(request.user, session):
        raise PermissionDenied
    if desk and not selectors.can_run_desk(request.user, session):
        raise PermissionDenied
    return session


def door_powers(request, session: Session) -> dict[str, Any]:
    """What the user may do at the session's door now: the staff powers (``can_manage``,
    ``can_run_desk``), whether check-in is offered (desk staff, the session's day, not
    cancelled: ``can_check_in``) and, before its day, the day it opens (``check_in_opens_on``)."""
    powers = selectors.staff_powers(request.user, session)
    check_in_open = services.check_in_is_open(session, timezone.now())
    return {
        **powers,
        "can_check_in": powers["can_run_desk"] and not session.is_cancelled and check_in_open,
        "check_in_opens_on": None if check_in_open else services.check_in_opens_on(session),
    }


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


def form_error(form: forms.Form, exc: AppError) -> None:
    """Put a service's refusal on the form: on its fields (the one the form's ``field_for``
    names, where it has one: the names of those who come on their first field), and otherwise
    above the form."""
    field_for = getattr(form, "field_for", lambda name: name if name in form.fields else None)
    if exc.fields:
        for name, errors in exc.fields.items():
            for error in errors:
                form.add_error(field_for(name), str(error))
    if not exc.fields or exc.code != "invalid":
        form.add_error(None, str(exc.message))


def party_details_on_form(form: WalkInForm) -> None:
    """Add the service's rules on a party's details, and the programme's rules on the party
    (``add_rule_errors``), to a form refused for other mistakes.

    The service checks them when the form is sent right; asking it here too, on the fields that
    are valid, lets the page list every mistake at once.
    """
    if not form.is_bound:  # a POST with no fields at all: the form asks for them afresh
        return
    data = form.cleaned_data
    given = {k: data[k] for k in ("name", "name_kana", "children", "childcare") if k in data}
    for name, errors in services.party_details_errors(**given).items():
        if name in form.fields and name not in form.errors:
            for error in errors:
                form.add_error(name, str(error))
    form.add_rule_errors()


def party_booking_page(
    request,
    *,
    session: Session,
    form: forms.Form,
    template: str,
    book: Callable[..., ReservationResult],
    booked: Callable[[ReservationResult], HttpResponse],
    options: Callable[[dict[str, Any]], dict[str, Any]] = lambda data: {},
) -> HttpResponse:
    """Book a party from a staff form (a walk-in, a phone booking) and answer the page.

    A valid form goes to ``book`` with the session, the user, the party, the contact, the
    override reason and what ``options`` reads from the form, and ``booked`` answers. Otherwise
    the form comes back with what is wrong on it: 409 when the booking itself was refused
    (full, closed), 400 for a field.
    """
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = book(
                    session=session,
                    by=request.user,
                    party=party_from_data(data),
                    contact=contact_from_data(data),
                    override_reason=data["override_reason"],
                    **options(data),
                )
            except AppError as exc:
                form_error(form, exc)
            else:
                return booked(result)
        else:
            party_details_on_form(form)
        status = 409 if form.non_field_errors() else 400
    session.refresh_from_db()
    return render(
        request,
        template,
        {
            "session": session,
            "form": form,
            "full": session.seats_left == 0,
            "can_manage": selectors.can_manage(request.user, session),
            "can_run_desk": True,  # both pages (walk-in, phone booking) ask for the desk at least
        },
        status=status,
    )


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset emails count against the email-link limits (per client IP and address).

    Without them the form would send a stranger's inbox as many emails as it is posted.
    """

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(request, [EmailLinkIPThrottle, EmailLinkFormEmailThrottle])
        if wait is not None:
            return too_many(request, wait)
        return super().post(request, *args, **kwargs)
