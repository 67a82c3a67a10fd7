"""The staff pages that change a session: move, cancel, capacity, waiting list, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from events.models import Session
from events.staff_pages import error_page, staff_page
from staffdesk import selectors, services
from staffdesk.forms import (
    CancelForm,
    CapacityForm,
    MoveForm,
    PromoteForm,
)
from staffdesk.selectors.audit import catalogue_names
from staffdesk.views.common import form_error, page_session


@staff_page
@require_http_methods(["GET", "POST"])
def change(request, pk: int):
    session = page_session(request, pk, manage=True)
    facilities = selectors.staff_facilities(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    move_form = MoveForm(
        request.POST if action == "move" else None, facilities=facilities, session=session
    )
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    capacity_form = CapacityForm(
        request.POST if action == "capacity" else None,
        initial={"capacity": session.capacity},
        session=session,
    )
    status = 200
    if action:
        form = {"move": move_form, "cancel": cancel_form, "capacity": capacity_form}.get(action)
        if form is None:
            return error_page(request, 400)
        if form.is_valid() and action == "move" and not request.POST.get("confirm"):
            # A move emails every party: show how many and the email before it is sent.
            try:
                preview = services.session_move_preview(
                    session=session, by=request.user, **_move_values(form.cleaned_data)
                )
            except AppError as exc:
                form_error(form, exc)
            else:
                return render(
                    request,
                    "staff/change.html",
                    {
                        "session": session,
                        "move_form": move_form,
                        "preview": preview,
                        "cancel_form": cancel_form,
                        "capacity_form": capacity_form,
                        "can_manage": True,
                    },
                )
        elif form.is_valid():
            try:
                done = _apply_change(request, session, action, form.cleaned_data)
            except AppError as exc:
                form_error(form, exc)
            else:
                messages.success(request, done)
                return redirect(reverse("staff:change", args=[session.pk]))
        status = 409 if form.non_field_errors() else 400
    return render(
        request,
        "staff/change.html",
        {
            "session": session,
            "move_form": move_form,
            "cancel_form": cancel_form,
            "capacity_form": capacity_form,
            "can_manage": True,
        },
        status=status,
    )


def _move_values(data: dict) -> dict:
    keys = ("start", "end", "facility", "reason", "message")
    return {key: data[key] for key in keys}


def _apply_change(request, session: Session, action: str, data: dict) -> str:
    if action == "move":
        services.session_move(session=session, by=request.user, **_move_values(data))
        return _("The session was moved; every party is being told.")
    if action == "cancel":
        services.session_cancel(session=session, by=request.user, reason=data["reason"])
        return _("The session was cancelled; every party is being told.")
    # The children's limit is on the form only for a session that has one.
    children = (
        {"children_capacity": data["children_capacity"]} if "children_capacity" in data else {}
    )
    result = services.capacity_change(
        session=session,
        by=request.user,
        capacity=data["capacity"],
        reason=data["reason"],
        **children,
    )
    if result.promoted:
        n = len(result.promoted)
        return ngettext(
            "Capacity changed; %(n)d party promoted from the waiting list.",
            "Capacity changed; %(n)d parties promoted from the waiting list.",
            n,
        ) % {"n": n}
    return _("Capacity changed.")


@staff_page
@require_http_methods(["GET", "POST"])
def waiting_list(request, pk: int):
    session = page_session(request, pk, manage=request.method == "POST")
    promote_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draw":
                draw = services.lottery_draw_now(session=session, by=request.user)
                n = len(draw.winners)
                messages.success(
                    request,
                    ngettext("Lottery drawn: %(n)d winner.", "Lottery drawn: %(n)d winners.", n)
                    % {"n": n},
                )
            elif action == "promote":
                promote_form = PromoteForm(request.POST)
                if promote_form.is_valid():
                    reservation = services.reservation_in_session(
                        session, promote_form.cleaned_data["code"]
                    )
                    services.waitlist_promote_by_hand(
                        session=session,
                        reservation=reservation,
                        by=request.user,
                        reason=promote_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("%(name)s promoted.") % {"name": reservation.name})
                else:
                    messages.error(request, _("Give a reason to promote out of order."))
            else:
                return error_page(request, 400)
        except AppError as exc:
            if exc.status_code == 404:
                raise Http404 from exc
            messages.error(request, _promote_refusal(exc) if action == "promote" else exc.message)
        return redirect(reverse("staff:waiting-list", args=[session.pk]))
    data = selectors.waiting_list(session=session)
    return render(
        request,
        "staff/waiting_list.html",
        {
            "session": session,
            "wl": data,
            **selectors.staff_powers(request.user, session),
            "is_lottery": session.program.booking_mode == "lottery",
        },
    )


def _promote_refusal(exc: AppError) -> str:
    """Why a party could not be promoted, in the words of the desk and with what to do."""
    if exc.code == "session_full":
        # The parents' "満席のため、予約できませんでした。" reads as if a booking failed.
        return _("No seat is free, so the party cannot be promoted. Raise the capacity first.")
    return str(exc.message)


@staff_page
def audit(request, pk: int):
    session = page_session(request, pk)
    actions = list(selectors.audit_log(session=session))
    return render(
        request,
        "staff/audit.html",
        {
            "session": session,
            "actions": actions,
            "names": catalogue_names(actions),
            **selectors.staff_powers(request.user, session),
        },
    )
