"""Phone bookings (電話予約): the form, the confirmation to read out, and the printable 受付票.

Outside the booking period the form says so before staff fill it in, and asks for the reason
to book outside the rules at its top; a refusal the reason would lift is shown on that field.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from booking.check_in_code import check_in_qr_svg
from booking.services import ReservationResult
from core.errors import AppError
from events.staff_pages import staff_page
from staffdesk import selectors, services
from staffdesk.forms import PhoneBookingForm
from staffdesk.selectors.booking_window import booking_window_closed
from staffdesk.views.common import page_session, party_booking_page

OUTSIDE_THE_PERIOD = _("This session is outside its booking period.")
GIVE_THE_REASON = _("Outside the booking period: give the reason to book the caller here.")
# Refusals that a reason to book outside the rules lifts, said on the reason's field too.
LIFTED_BY_A_REASON = {
    "registration_closed": GIVE_THE_REASON,
    "session_full": _("The session is full: to book the caller anyway, give the reason here."),
    "waitlist_full": _(
        "The session and its waiting list are full: to book the caller anyway, give the reason "
        "here."
    ),
}


class OutsidePeriodForm(PhoneBookingForm):
    """The phone-booking form outside the booking period: the reason is marked required from
    the empty form on, and a form sent without it is refused on that field together with any
    other mistake (the service refuses it too, ``registration_closed``)."""

    outside_period = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Marked, not checked by the field: the refusal below is the booking's (409).
        self.fields["override_reason"].required = not self.is_bound

    def clean(self):
        data = super().clean()
        self.fields["override_reason"].required = True
        if not data.get("override_reason"):
            self.add_error(None, OUTSIDE_THE_PERIOD)
            self.add_error("override_reason", GIVE_THE_REASON)
        return data


def _book(**kwargs) -> ReservationResult:
    """Book the caller; a refusal a reason would lift is shown on the reason's field too."""
    try:
        return services.phone_booking_create(**kwargs)
    except AppError as exc:
        if exc.code in LIFTED_BY_A_REASON and not kwargs.get("override_reason"):
            raise AppError(
                exc.code,
                exc.message,
                status_code=exc.status_code,
                fields={"override_reason": [LIFTED_BY_A_REASON[exc.code]]},
            ) from exc
        raise


@staff_page
@require_http_methods(["GET", "POST"])
def phone_booking(request, pk: int):
    session = page_session(request, pk, manage=True)
    form_class = OutsidePeriodForm if booking_window_closed(session) else PhoneBookingForm
    return party_booking_page(
        request,
        session=session,
        form=form_class(request.POST or None, program=session.program, session=session),
        template="staff/phone_booking.html",
        book=_book,
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
            **selectors.staff_powers(request.user, session),
        },
    )


@staff_page
def slip(request, pk: int, code: str):
    """The 受付票 to print (A5) and hand over: code, date, place, what to bring."""
    session, slip = _slip(request, pk, code)
    # The 受付用QRコード the parent shows at the door, as on the reservation's pages.
    qr = check_in_qr_svg(request, slip.reservation)
    return render(request, "staff/slip.html", {"session": session, "slip": slip, "check_in_qr": qr})
