"""Reserving from a phone: the form, double-submit protection, and the result page."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.request import Request

from booking import selectors, services
from booking.check_in_code import check_in_qr_svg
from booking.models import ReservationStatus
from booking.rules import contact_from_data
from core.errors import AppError
from core.throttling import (
    ReservationCreateIPThrottle,
    ReservationFormEmailThrottle,
    throttle_wait,
    too_many,
)
from parents.availability import session_availability
from parents.forms import (
    ReservationForm,
    add_service_errors,
    new_form_key,
    submit_once,
)
from parents.share import share_links
from parents.views.common import language, private, see_other, with_query
from parents.views.manage import opened, sessions_of
from parents.views.sessions import not_found, sessions_for_pages


@require_http_methods(["GET", "POST"])
def reservation_form(request, pk: int):
    """Ask what the programme needs; a second submission of the same form books nothing more."""
    session = sessions_for_pages().filter(pk=pk).first()
    if session is None:
        return not_found(request)
    now = timezone.now()
    availability = session_availability(session, now)
    course_sessions = list(session.course.sessions.order_by("start")) if session.course_id else []
    seats_left = None
    # A course books all its sessions: the fullest one decides, and its first one closes the list.
    first = course_sessions[0] if course_sessions else session
    if availability.outcome == "confirmed" and services.waitlist_open(session.program, first, now):
        seats_left = min(max(s.capacity - s.seats_taken, 0) for s in course_sessions or [session])
    if request.method == "POST":
        form = ReservationForm(
            request.POST,
            session=session,
            seats_left=seats_left,
            party_day=timezone.localtime(first.start).date(),
        )
        if form.is_valid():
            throttles = [ReservationCreateIPThrottle, ReservationFormEmailThrottle]
            wait = throttle_wait(request, throttles)
            if wait is not None:
                return too_many(request, wait)
            data = form.cleaned_data
            try:
                code, token = submit_once(
                    key=data["form_key"],
                    session=session,
                    create=lambda: _unsurprising(
                        services.reservation_create(
                            session=None if session.course_id else session,
                            course=session.course if session.course_id else None,
                            party=form.party(),
                            contact=contact_from_data(data),
                            language=language(),
                        ),
                        expected=availability.outcome,
                        waitlist_ok=bool(data.get("join_waitlist")),
                    ),
                )
            except AppError as exc:
                earlier = None
                if exc.code == "duplicate_reservation":
                    earlier = _remembered(request, session.pk, data["email"])
                if earlier is None:
                    add_service_errors(form, exc)
                else:
                    # The same browser sent a fresh copy of the form (the back button
                    # reloaded it): show the reservation it already made.
                    return _to_result(request, session.pk, *earlier)
            else:
                ReservationFormEmailThrottle.record_success(Request(request))
                return _to_result(request, session.pk, code, token)
        # A closed session shows why (not open yet, closed, full, cancelled) instead of a form;
        # a resubmitted form was replayed above whatever the seats are now.
        status = 400 if form.errors else 200
        if not availability.can_book:
            status = 409
    elif availability.can_book:
        form = ReservationForm(
            session=session, seats_left=seats_left, initial={"form_key": new_form_key()}
        )
        status = 200
    else:
        form, status = None, 200
    response = render(
        request,
        "booking/reserve.html",
        {
            "session": session,
            "program": session.program,
            "availability": availability,
            "form": form,
            "course_sessions": course_sessions,
        },
        status=status,
    )
    # Not no-store, so that a browser may bring back this very form (one-time key included)
    # with the back button; never in a shared cache.
    response["Cache-Control"] = "private"
    return response


def _unsurprising(
    result: services.ReservationResult, *, expected: str, waitlist_ok: bool
) -> services.ReservationResult:
    """Refuse a waiting-list place the parent did not choose (seats taken while sending).

    Raised inside ``submit_once``'s transaction, so the reservation is rolled back and the
    form comes back with the seats as they are now and the choice to make.
    """
    if (
        expected == "confirmed"
        and result.reservation.status == ReservationStatus.WAITLISTED
        and not waitlist_ok
    ):
        raise AppError(
            "party_too_large",
            _(
                "The last seats were taken while you sent the form. Choose again: "
                "a smaller party, or the waiting list."
            ),
        )
    return result


RECENT_COOKIE = "recent_bookings"


RECENT_SALT = "booking.recent"


RECENT_MAX = 10


def _recent(request) -> dict[str, list[str]]:
    try:
        value = request.get_signed_cookie(
            RECENT_COOKIE, default=None, salt=RECENT_SALT, max_age=24 * 3600
        )
        recent = json.loads(value) if value else {}
    except (ValueError, TypeError):
        return {}
    return recent if isinstance(recent, dict) else {}


def _remembered(request, session_pk: int, email: str) -> tuple[str, str] | None:
    """Return (code, token) of the reservation this browser made for the session and email."""
    entry = _recent(request).get(str(session_pk))
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    reservation = selectors.reservation_by_code_and_token(entry[0], entry[1])
    if reservation is None or reservation.email != email:
        return None
    return reservation.code, entry[1]


def _to_result(request, session_pk: int, code: str, token: str) -> HttpResponse:
    """Redirect to the result page, and remember the booking in this browser for a day.

    The signed cookie lets a second copy of the form, sent after the back button reloaded
    it with a new one-time key, lead back to this reservation instead of an error.
    """
    url = reverse("reservation-result", kwargs={"code": code})
    response = see_other(f"{url}?{urlencode({'token': token})}")
    recent = _recent(request)
    recent.pop(str(session_pk), None)
    recent[str(session_pk)] = [code, token]
    recent = dict(list(recent.items())[-RECENT_MAX:])
    response.set_signed_cookie(
        RECENT_COOKIE,
        json.dumps(recent, separators=(",", ":")),
        salt=RECENT_SALT,
        max_age=24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_GET
def reservation_result(request, code: str):
    """Say what happened: confirmed, on the waiting list (with place) or lottery application."""
    reservation, credential, refusal = opened(request, code)
    if refusal is not None:
        return refusal
    sessions = sessions_of(reservation)
    manage = reverse("reservation-manage", kwargs={"code": reservation.code})
    return private(
        render(
            request,
            "booking/result.html",
            {
                "reservation": reservation,
                "sessions": sessions,
                "program": sessions[0].program,
                "position": services.waitlist_position(reservation),
                "manage_url": with_query(manage, credential),
                "share": share_links(request, sessions[0], sessions),
                "cancellation_deadline": services.first_session(sessions).cancellation_deadline,
                "check_in_qr": check_in_qr_svg(request, reservation),
            },
        )
    )
