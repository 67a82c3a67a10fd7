"""A parent's own reservations without an account: the manage page and "my reservations"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from booking import selectors, services
from booking.check_in_code import check_in_qr_svg
from booking.links import (
    my_reservations_email,
    my_reservations_link_send,
    reservation_links_replace,
)
from booking.models import Reservation
from booking.other_bookings import other_bookings_for_email
from calendars.tokens import (
    feed_token_issue,
    feed_token_replace_all,
    feed_urls,
)
from core.errors import AppError
from core.throttling import (
    EmailLinkFormEmailThrottle,
    EmailLinkIPThrottle,
    lookup_blocked,
    lookup_failed,
    throttle_wait,
    too_many,
)
from parents.credentials import RESERVATION
from parents.forms import PartyChangeForm, add_service_errors
from parents.my_reservations_form import MyReservationsForm
from parents.share import share_links
from parents.views.common import OPEN_STATUSES, language, private, see_other, with_query
from parents.views.sessions import not_found


def opened(request, code: str) -> tuple[Reservation | None, dict[str, str], HttpResponse | None]:
    """The reservation the URL's credential opens and that credential, or the page to answer
    instead: 429 for a client that failed too often, 404 (counted as a failure) otherwise."""
    wait = lookup_blocked(request)
    if wait is not None:
        return None, {}, too_many(request, wait)
    reservation, credential = find(request, code)
    if reservation is None:
        lookup_failed(request)
        return None, {}, private(not_found(request, _("This link is not valid.")))
    exchange = RESERVATION.traded(request, code, credential)
    if exchange is not None:
        return None, {}, exchange
    return reservation, credential, None


def find(request, code: str) -> tuple[Reservation | None, dict[str, str]]:
    """Return the reservation a credential opens, and the credential for its links: the one in
    the URL or a form, or none when it came from the cookie (``parents.credentials``)."""
    shown = RESERVATION.given(request)
    held = shown or RESERVATION.from_cookie(request, code)
    if held.get("token"):
        return selectors.reservation_by_code_and_token(code, held["token"]), shown
    email = my_reservations_email(held.get("me"))
    if email is None:
        return None, {}
    reservation = selectors.reservations_for_email(email).filter(code=code.upper()).first()
    return reservation, shown


def sessions_of(reservation: Reservation) -> list:
    if reservation.session_id:
        return [reservation.session]
    return list(reservation.course.sessions.select_related("facility").order_by("start"))


@require_http_methods(["GET", "POST"])
def reservation_manage(request, code: str):
    """See a reservation; change the party, cancel, confirm a lottery win, get a calendar feed."""
    reservation, credential, refusal = opened(request, code)
    if refusal is not None:
        return refusal
    sessions = sessions_of(reservation)
    program = sessions[0].program
    here = with_query(reverse("reservation-manage", kwargs={"code": reservation.code}), credential)
    party_form = PartyChangeForm(reservation=reservation, program=program)
    # A party that no longer comes (cancelled, lapsed, its day over) is offered no calendar.
    calendar_offered = reservation.status in OPEN_STATUSES
    feed = None
    feed_rotated = False
    error = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.reservation_cancel(reservation=reservation)
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
                    messages.success(
                        request,
                        _("Your party is changed.")
                        if program.asks_attendee_names
                        else _("The number of people is changed."),
                    )
                    return redirect(here)
                status = 400
            elif action == "move":
                to = services.move_choice(request.POST.get("session", ""))
                services.reservation_move(reservation=reservation, to=to)
                messages.success(request, _("Your reservation is moved to the new date."))
                return redirect(here)
            elif action == "links_replace":
                reservation_links_replace(reservation=reservation, language=language())
                return private(see_other(reverse("my-reservations-sent")))
            elif action in ("feed", "feed_rotate") and not calendar_offered:
                raise AppError("invalid_state")
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
            elif exc.fields:  # a date refused for the party or the programme: say why
                error = " ".join(str(m) for found in exc.fields.values() for m in found)
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
            # Until the last session is over: afterwards nothing is left to check in.
            "check_in_qr": check_in_qr_svg(request, reservation)
            if max(s.end for s in sessions) >= now
            else "",
            "move_choices": services.move_choices(reservation, now=now),
            "calendar_offered": calendar_offered,
            "share": share_links(request, sessions[0], sessions),
            "feed": feed,
            "feed_rotated": feed_rotated,
            "error": error,
        },
        status=status,
    )
    return private(response)


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


@require_GET
def my_reservations_sent(request):
    return render(request, "booking/my_reservations_sent.html")


@require_GET
def my_reservations_list(request, key: str):
    """List the live reservations of the address the emailed link stands for."""
    wait = lookup_blocked(request)
    if wait is not None:
        return too_many(request, wait)
    email = my_reservations_email(key)
    if email is None:
        lookup_failed(request)
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
    others = other_bookings_for_email(email=email, key=key, now=now)
    context = {"rows": rows, "others": others, "email": email}
    return private(render(request, "booking/my_reservations_list.html", context))


@require_GET
def privacy_notice(request):
    return render(
        request, "pages/privacy.html", {"retention_days": settings.PERSONAL_DATA_RETENTION_DAYS}
    )
