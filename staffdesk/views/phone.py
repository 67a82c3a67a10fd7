"""Phone bookings (電話予約): the form, the confirmation to read out, and the printable 受付票."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from events.staff_pages import staff_page
from staffdesk import selectors, services
from staffdesk.forms import PhoneBookingForm
from staffdesk.views.common import page_session, party_booking_page


@staff_page
@require_http_methods(["GET", "POST"])
def phone_booking(request, pk: int):
    session = page_session(request, pk, manage=True)
    return party_booking_page(
        request,
        session=session,
        form=PhoneBookingForm(request.POST or None, program=session.program, session=session),
        template="staff/phone_booking.html",
        book=services.phone_booking_create,
        booked=lambda result: redirect(
            reverse("staff:phone-booked", args=[session.pk, result.reservation.code])
        ),
    )


def _slip(request, pk: int, code: str):
    """The page's session (one of the user's facilities') and the slip of a party on it."""
    session = page_session(request, pk)
    try:
        return session, selectors.reservation_slip(session, code)
    except AppError as exc:
        raise Http404 from exc


@staff_page
def phone_booked(request, pk: int, code: str):
    """What staff read out to the caller once the booking is made, with the 受付票's link."""
    session, slip = _slip(request, pk, code)
    return render(
        request,
        "staff/phone_booked.html",
        {
            "session": session,
            "slip": slip,
            "can_manage": selectors.can_manage(request.user, session),
        },
    )


@staff_page
def slip(request, pk: int, code: str):
    """The 受付票 to print (A5) and hand over: code, date, place, what to bring."""
    session, slip = _slip(request, pk, code)
    return render(request, "staff/slip.html", {"session": session, "slip": slip})
