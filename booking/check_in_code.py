"""A reservation's 受付用QRコード: shown to the parent on the reservation's pages and printed on
its 受付票, read at the door by a tablet's camera.

It holds only the address of the desk's page for the reservation's code (``staff:scanned``),
which opens for the facility's staff alone; the code is the one the parent already reads out
on the phone, so the QR code shows nobody anything more.
"""

from __future__ import annotations

from django.urls import reverse

from booking.models import Reservation
from core.qr import qr_svg


def check_in_url(request, reservation: Reservation) -> str:
    return request.build_absolute_uri(reverse("staff:scanned", args=[reservation.code]))


def check_in_qr_svg(request, reservation: Reservation) -> str:
    """The QR code as inline SVG, for a reservation that holds seats; "" for any other (a
    waiting list, an application or a cancelled booking has nothing to check in)."""
    if not reservation.holds_seats:
        return ""
    return qr_svg(check_in_url(request, reservation))
