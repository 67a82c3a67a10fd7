"""A party's page at the desk: its booking and contact, and for a manager the change of its
size, its move to another date and the cancellation of its booking (with a confirmation
step), for a caller who phoned.

The work is the staff desk's services' (``staffdesk.services.party_changes``, on booking's
own), as on the parents' manage page: this module parses the forms and answers.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.errors import AppError, errors_on_form
from events.models import Session
from events.staff_pages import error_page, staff_page
from staffdesk import selectors
from staffdesk.party_forms import PartyChangeForm, PartyMoveForm, ReservationCancelForm
from staffdesk.selectors.parties import PartyPage, party_page
from staffdesk.services.party_changes import (
    PartyResult,
    move_choices_for_staff,
    party_change_by_staff,
    party_move_by_staff,
    reservation_cancel_by_staff,
)
from staffdesk.views.common import door_powers, form_error, page_session

ACTIONS = ("party", "move", "cancel")


def party_url(session: Session, code: str) -> str:
    return reverse("staff:party", args=[session.pk, code])


def _promoted_message(result: PartyResult) -> str:
    n = len(result.promoted)
    return ngettext(
        "%(n)d party was promoted from the waiting list.",
        "%(n)d parties were promoted from the waiting list.",
        n,
    ) % {"n": n}


def _done(request, page: PartyPage, text: str, result: PartyResult) -> None:
    """Say what was done, who came off the waiting list, and how the parent hears of it."""
    messages.success(request, text)
    if result.promoted:
        messages.info(request, _promoted_message(result))
    if page.email:
        messages.info(request, _("The parent is told by email."))
    else:
        messages.warning(request, _("No email address: tell the parent by phone."))


@staff_page
@require_http_methods(["GET", "POST"])
def party(request, pk: int, code: str):
    """See one party; a manager changes its size or cancels its booking."""
    session = page_session(request, pk, manage=request.method == "POST")
    try:
        page = party_page(session, code)
    except AppError as exc:
        raise Http404 from exc
    reservation = page.reservation
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in ACTIONS:
        return error_page(request, 400)
    party_form = PartyChangeForm(
        request.POST if action == "party" else None,
        reservation=reservation,
        program=session.program,
    )
    cancel_form = ReservationCancelForm(request.POST if action == "cancel" else None)
    door = door_powers(request, session)
    movable = page.open and door["can_manage"]
    move_form = PartyMoveForm(
        request.POST if action == "move" else None,
        choices=move_choices_for_staff(reservation, request.user) if movable else [],
    )
    confirming = False
    status = 200
    if action and not page.open:
        # Cancelled meanwhile (or the session was): the page shows the booking as it is now.
        messages.error(request, _("This booking can no longer be changed or cancelled."))
        return redirect(party_url(session, reservation.code))
    if action == "party":
        if party_form.is_valid():
            try:
                result = party_change_by_staff(
                    session=session,
                    reservation=reservation,
                    by=request.user,
                    party=party_form.party(),
                )
            except AppError as exc:
                # On the field it is about (the children's ages on the first age), else above
                # the form (no seats left, a status that changed meanwhile).
                errors_on_form(party_form, exc, party_form.field_for)
            else:
                _done(request, page, _("The party is changed."), result)
                return redirect(party_url(session, reservation.code))
        status = 409 if party_form.non_field_errors() else 400
    elif action == "move":
        if move_form.is_valid():
            to = move_form.chosen()
            try:
                result = party_move_by_staff(
                    session=session, reservation=reservation, by=request.user, to=to
                )
            except AppError as exc:
                form_error(move_form, exc)
            else:
                _done(request, page, _("The booking is moved to the new date."), result)
                return redirect(party_url(to, reservation.code))
        status = 409 if move_form.non_field_errors() else 400
    elif action == "cancel":
        if cancel_form.is_valid() and not request.POST.get("confirm"):
            confirming = True  # staff read what happens, then cancel or go back
        elif cancel_form.is_valid():
            try:
                result = reservation_cancel_by_staff(
                    session=session,
                    reservation=reservation,
                    by=request.user,
                    reason=cancel_form.cleaned_data["reason"],
                )
            except AppError as exc:
                form_error(cancel_form, exc)
            else:
                text = _("The booking of %(name)s is cancelled.") % {"name": reservation.name}
                _done(request, page, text, result)
                return redirect(party_url(session, reservation.code))
        if not confirming:
            status = 409 if cancel_form.non_field_errors() else 400
    at_door = selectors.party_at(session, reservation)
    return render(
        request,
        "staff/party.html",
        {
            "session": session,
            "page": page,
            "slip": page.slip,
            "r": reservation,
            "party_form": party_form,
            "cancel_form": cancel_form,
            "move_form": move_form,
            "confirming": confirming,
            **door,
            # A party named on the phone, or whose code was read out at the door: checked in
            # from its page as from the roster, on the session's day.
            "can_check_in": door["can_check_in"] and at_door.to_check_in,
            "check_in_url": reverse("staff:check-in", args=[session.pk]),
            "roster_url": reverse("staff:roster", args=[session.pk]),
        },
        status=status,
    )
