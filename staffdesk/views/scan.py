"""The page a party's 受付用QRコード opens at the door: a tablet's camera reads the code, the
page names the party and checks it in with one tap (through the roster's check-in)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events.staff_pages import staff_page
from staffdesk import selectors, services
from staffdesk.views.parties import party_url


@staff_page
def scanned(request, code: str):
    found = selectors.party_scanned(user=request.user, code=code)
    if found is None:
        raise Http404
    session = found.session
    powers = selectors.staff_powers(request.user, session)
    check_in_open = services.check_in_is_open(session, timezone.now())
    return render(
        request,
        "staff/scanned.html",
        {
            "found": found,
            "session": session,
            "reservation": found.reservation,
            **powers,
            "can_check_in": powers["can_run_desk"]
            and not session.is_cancelled
            and check_in_open
            and found.checkable,
            "check_in_opens_on": None if check_in_open else services.check_in_opens_on(session),
            "check_in_url": reverse("staff:check-in", args=[session.pk]),
            "party_url": party_url(session, found.reservation.code),
        },
    )
