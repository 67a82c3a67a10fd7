"""A lottery win confirmed by staff from the roster's row, for a party they phoned."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import AppError
from events.staff_pages import staff_page
from staffdesk import services
from staffdesk.forms import WinConfirmForm
from staffdesk.views.common import page_session, roster_url


@staff_page
@require_POST
def win_confirm(request, pk: int):
    """Confirm a won party's place (managers); back to its row with what happened."""
    session = page_session(request, pk, manage=True)
    form = WinConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(roster_url(session, request))
    code = form.cleaned_data["code"]
    try:
        reservation = services.reservation_in_session(session, code)
        confirmed = services.lottery_win_confirm(
            session=session,
            reservation=reservation,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise Http404 from exc
        messages.error(request, str(exc.message))
        return redirect(roster_url(session, request, f"r-{reservation.code}"))
    messages.success(
        request, _("The lottery win of %(name)s is confirmed.") % {"name": confirmed.name}
    )
    return redirect(roster_url(session, request, f"r-{confirmed.code}"))
