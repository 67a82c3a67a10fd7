"""The page a party's 受付用QRコード opens at the door: a tablet's camera reads the code, the
page names the party and checks it in with one tap (through the roster's check-in)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events.staff_pages import staff_page
from staffdesk import selectors
from staffdesk.views.common import door_powers
from staffdesk.views.parties import party_url


@staff_page
def scanned(request, code: str):
    found = selectors.party_scanned(user=request.user, code=code)
    if found is None:
        raise Http404
    session = found.session
    door = door_powers(request, session)
    over_day = found.check_in_opens_on < timezone.localdate()
    return render(
        request,
        "staff/scanned.html",
        {
            "found": found,
            "session": session,
            "reservation": found.reservation,
            **door,
            # At the door, today's session only: a QR code of last week's booking shown by
            # mistake must not check that session in (the roster still can, from a paper list).
            "can_check_in": door["can_check_in"] and found.to_check_in and not over_day,
            "over_day": over_day,
            "check_in_url": reverse("staff:check-in", args=[session.pk]),
            "party_url": party_url(session, found.reservation.code),
        },
    )
