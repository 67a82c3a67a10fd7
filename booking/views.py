"""Server-rendered pages for parents: the manage page reached from the emailed link."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from booking import selectors, services
from booking.services import waitlist_position
from core.errors import AppError


@require_http_methods(["GET", "POST"])
def reservation_manage(request, code: str):
    """Show a reservation to the holder of its token; let them cancel or confirm a win."""
    token = request.GET.get("token") or request.POST.get("token")
    reservation = selectors.reservation_by_code_and_token(code, token)
    if reservation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.reservation_cancel(reservation=reservation, reason="cancelled by parent")
            elif request.POST.get("action") == "confirm":
                services.reservation_confirm_win(reservation=reservation)
            url = reverse("reservation-manage", kwargs={"code": reservation.code})
            return redirect(f"{url}?token={token}")
        except AppError as exc:
            error = exc.message
        reservation.refresh_from_db()
    sessions = (
        [reservation.session]
        if reservation.session_id
        else list(reservation.course.sessions.select_related("facility").order_by("start"))
    )
    response = render(
        request,
        "booking/manage.html",
        {
            "reservation": reservation,
            "sessions": sessions,
            "position": waitlist_position(reservation),
            "token": token,
            "error": error,
        },
        status=409 if error else 200,
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
