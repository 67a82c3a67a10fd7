"""Server-rendered pages for parents: reserve, see the result, manage, find my reservations.

Views parse input, call one service or selector and render; the rules live in
``booking.services``. Every page that shows a reservation is reached with a credential in the
URL (the reservation's token, or the emailed "my reservations" token), so those pages are never
cached and never send a Referer to another site.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from booking import selectors, services
from booking.availability import session_availability
from booking.forms import (
    MyReservationsForm,
    PartyChangeForm,
    ReservationForm,
    add_service_errors,
    new_form_key,
    submit_once,
)
from booking.links import (
    my_reservations_email,
    my_reservations_link_send,
    reservation_links_replace,
)
from booking.models import Reservation, ReservationStatus
from booking.session_pages import not_found, sessions_for_pages
from core.errors import AppError
from core.throttling import (
    EmailLinkIPThrottle,
    EmailRateThrottle,
    ReservationCreateIPThrottle,
    TokenLookupThrottle,
    email_ident,
    throttle_wait,
)
from notifications.feeds import (
    feed_links_stop,
    feed_token_issue,
    feed_token_lookup,
    feed_token_replace_all,
    feed_urls,
)

# Statuses a parent can still act on; the others are history.
OPEN_STATUSES = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.WAITLISTED,
    ReservationStatus.APPLIED,
)


class _FormEmailThrottle(EmailRateThrottle):
    """Count a plain form post per email address (hashed), like the API counts its JSON."""

    def ident_for(self, request) -> str | None:
        return email_ident(request._request.POST.get("email"))


class ReservationFormEmailThrottle(_FormEmailThrottle):
    scope = "reservation_create_email"


class EmailLinkFormEmailThrottle(_FormEmailThrottle):
    scope = "email_link_email"


def private(response: HttpResponse) -> HttpResponse:
    """Mark a page that shows personal data behind a credential in its URL.

    ``same-origin`` keeps the URL (and its credential) from other sites; ``no-referrer`` would
    also make Chrome send ``Origin: null`` with the page's own forms, which CSRF refuses.
    """
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def too_many(request, wait: float) -> HttpResponse:
    response = render(request, "pages/too_many.html", {"minutes": max(int(wait // 60), 1)})
    response.status_code = 429
    response["Retry-After"] = str(int(wait))
    return response


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def language() -> str:
    lang = (get_language() or "ja")[:2]
    return lang if lang in ("ja", "en") else "ja"


# --- reserve -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reservation_form(request, pk: int):
    """Ask what the programme needs; a second submission of the same form books nothing more."""
    session = sessions_for_pages().filter(pk=pk).first()
    if session is None:
        return not_found(request)
    availability = session_availability(session, timezone.now())
    if request.method == "POST":
        form = ReservationForm(request.POST, session=session)
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
                    create=lambda: services.reservation_create(
                        session=None if session.course_id else session,
                        course=session.course if session.course_id else None,
                        party=form.party(),
                        name=data["name"],
                        email=data["email"],
                        phone=data.get("phone", ""),
                        language=language(),
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
                return _to_result(request, session.pk, code, token)
        # A closed session shows why (not open yet, closed, full, cancelled) instead of a form;
        # a resubmitted form was replayed above whatever the seats are now.
        status = 400 if form.errors else 200
        if not availability.can_book:
            status = 409
    elif availability.can_book:
        form = ReservationForm(session=session, initial={"form_key": new_form_key()})
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
        },
        status=status,
    )
    # Not no-store, so that a browser may bring back this very form (one-time key included)
    # with the back button; never in a shared cache.
    response["Cache-Control"] = "private"
    return response


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


def _find(request, code: str) -> tuple[Reservation | None, dict[str, str]]:
    """Return the reservation the URL's credential opens, and that credential for links."""
    token = request.GET.get("token") or request.POST.get("token")
    if token:
        return selectors.reservation_by_code_and_token(code, token), {"token": token}
    key = request.GET.get("me") or request.POST.get("me")
    email = my_reservations_email(key)
    if email is None:
        return None, {}
    reservation = selectors.reservations_for_email(email).filter(code=code.upper()).first()
    return reservation, {"me": key}


def _sessions_of(reservation: Reservation) -> list:
    if reservation.session_id:
        return [reservation.session]
    return list(reservation.course.sessions.select_related("facility").order_by("start"))


@require_GET
def reservation_result(request, code: str):
    """Say what happened: confirmed, on the waiting list (with place) or lottery application."""
    reservation, credential = _find(request, code)
    if reservation is None:
        return private(not_found(request, _("This link is not valid.")))
    sessions = _sessions_of(reservation)
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
                "manage_url": f"{manage}?{urlencode(credential)}",
            },
        )
    )


# --- manage --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reservation_manage(request, code: str):
    """See a reservation; change the party, cancel, confirm a lottery win, get a calendar feed."""
    reservation, credential = _find(request, code)
    if reservation is None:
        return private(not_found(request, _("This link is not valid.")))
    sessions = _sessions_of(reservation)
    program = sessions[0].program
    here = f"{reverse('reservation-manage', kwargs={'code': reservation.code})}?"
    here += urlencode(credential)
    party_form = PartyChangeForm(reservation=reservation, program=program)
    feed = None
    feed_rotated = False
    error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.reservation_cancel(reservation=reservation, reason="cancelled by parent")
                messages.success(request, _("Your reservation is cancelled."))
                return redirect(here)
            if action == "confirm":
                services.reservation_confirm_win(reservation=reservation)
                messages.success(request, _("Your seat is confirmed. See you there!"))
                return redirect(here)
            if action == "party":
                party_form = PartyChangeForm(request.POST, reservation=reservation, program=program)
                if party_form.is_valid():
                    services.reservation_change_party(
                        reservation=reservation, party=party_form.party()
                    )
                    messages.success(request, _("The number of people is changed."))
                    return redirect(here)
                status = 400
            elif action == "links_replace":
                reservation_links_replace(reservation=reservation, language=language())
                return private(see_other(reverse("my-reservations-sent")))
            elif action == "feed":
                feed = feed_urls(feed_token_issue(email=reservation.email))
            elif action == "feed_rotate":
                # The reservation's token proves the address: end its earlier calendar links.
                feed = feed_urls(feed_token_replace_all(email=reservation.email))
                feed_rotated = True
            else:
                status = 400
        except AppError as exc:
            if action == "party":
                add_service_errors(party_form, exc)
            else:
                error = exc.message
            status = exc.status_code
        reservation.refresh_from_db()
    now = timezone.now()
    first = min(sessions, key=lambda s: s.start)
    response = render(
        request,
        "booking/manage.html",
        {
            "reservation": reservation,
            "sessions": sessions,
            "program": program,
            "position": services.waitlist_position(reservation),
            "credential": credential,
            "party_form": party_form,
            "seats_left": first.seats_left,
            "can_change": reservation.status in OPEN_STATUSES
            and now <= first.cancellation_deadline,
            "can_cancel": reservation.status in OPEN_STATUSES
            and now < first.start
            and (not reservation.holds_seats or now <= first.cancellation_deadline),
            "cancellation_deadline": first.cancellation_deadline,
            "feed": feed,
            "feed_rotated": feed_rotated,
            "error": error,
        },
        status=status,
    )
    return private(response)


# --- my reservations -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_reservations(request):
    """Email a link listing an address's live reservations; the same answer for any address."""
    if request.method == "POST":
        form = MyReservationsForm(request.POST)
        if form.is_valid():
            wait = throttle_wait(request, [EmailLinkIPThrottle, EmailLinkFormEmailThrottle])
            if wait is not None:
                return too_many(request, wait)
            my_reservations_link_send(email=form.cleaned_data["email"], language=language())
            return see_other(reverse("my-reservations-sent"))
        status = 400
    else:
        form = MyReservationsForm()
        status = 200
    return render(request, "booking/my_reservations.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def calendar_links_stop(request, token: str):
    """From the feed-link email: end every private calendar link of the address.

    A GET only asks (mail scanners open links); the POST ends the links and emails the address
    a new one, never shown here, where whoever holds the old link might be looking.
    """
    wait = throttle_wait(request, [TokenLookupThrottle])
    if wait is None and request.method == "POST":
        wait = throttle_wait(request, [EmailLinkIPThrottle])
    if wait is not None:
        return too_many(request, wait)
    if request.method == "POST":
        if feed_links_stop(token=token):
            return see_other(reverse("calendar-links-stopped"))
    elif feed_token_lookup(token) is not None:
        return private(render(request, "booking/calendar_links_stop.html"))
    return private(not_found(request, _("This link is not valid.")))


@require_GET
def calendar_links_stopped(request):
    return render(request, "booking/calendar_links_stopped.html")


@require_GET
def my_reservations_sent(request):
    return render(request, "booking/my_reservations_sent.html")


@require_GET
def my_reservations_list(request, key: str):
    """List the live reservations of the address the emailed link stands for."""
    email = my_reservations_email(key)
    if email is None:
        response = render(request, "booking/my_reservations_expired.html", status=410)
        return private(response)
    reservations = (
        selectors.reservations_for_email(email)
        .filter(status__in=OPEN_STATUSES)
        .prefetch_related("course__sessions__facility")
        .order_by("created_at")
    )
    now = timezone.now()
    rows = []
    for reservation in reservations:
        sessions = (
            [reservation.session]
            if reservation.session_id
            else sorted(reservation.course.sessions.all(), key=lambda s: s.start)
        )
        if sessions and sessions[-1].end > now:
            manage = reverse("reservation-manage", kwargs={"code": reservation.code})
            rows.append((reservation, sessions, f"{manage}?{urlencode({'me': key})}"))
    rows.sort(key=lambda row: row[1][0].start)
    return private(
        render(request, "booking/my_reservations_list.html", {"rows": rows, "email": email})
    )


@require_GET
def privacy_notice(request):
    return render(request, "pages/privacy.html")
