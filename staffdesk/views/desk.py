"""The desk's pages on the day: today, the roster (print, 名札, CSV), check-in, no-shows,
walk-ins."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import AppError
from events.staff_pages import staff_page
from staffdesk import csv_files, selectors, services
from staffdesk.apis import csv_response
from staffdesk.forms import WalkInForm
from staffdesk.selectors.roster import AFFECTED
from staffdesk.views.common import (
    door_powers,
    keep_query,
    page_session,
    parse_day,
    party_booking_page,
    roster_url,
)


@staff_page
def today(request):
    day = parse_day(request.GET.get("date"))
    facility = selectors.staff_facility(request.user, request.GET.get("facility"))
    sessions = selectors.sessions_on_day(user=request.user, day=day, facility=facility)
    return render(
        request,
        "staff/today.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "facility": facility,
            "facilities": list(selectors.staff_facilities(request.user)),
            "sessions": sessions,
        },
    )


def default_scope(session, lottery) -> str:
    """The roster's list when staff have not chosen one: for a cancelled session (中止) the
    parties its cancellation cancelled, whom staff must tell; otherwise the lottery's or the
    door list (``selectors.default_roster_scope``)."""
    if session.is_cancelled:
        return AFFECTED
    return selectors.default_roster_scope(lottery)


@staff_page
def roster(request, pk: int):
    session = page_session(request, pk)
    lottery = selectors.lottery_status(session=session)
    data = selectors.roster(
        session=session,
        sort=request.GET.get("sort", "kana"),
        query=request.GET.get("q", ""),
        scope=request.GET.get("scope") or default_scope(session, lottery),
    )
    return render(
        request,
        "staff/roster.html",
        {
            "session": session,
            "roster": data,
            "lottery": lottery,
            **door_powers(request, session),
            "started": timezone.now() >= session.start,
            "check_in_api": reverse("staff-api-check-in", args=[session.pk]),
            "check_in_url": reverse("staff:check-in", args=[session.pk]) + keep_query(request),
            # An empty 託児 column is left out where the session offers no childcare: on a
            # tablet it pushed the check-in column out of sight in English.
            "childcare_column": session.childcare_capacity is not None
            or any(row.reservation.childcare for row in data.rows),
        },
    )


@staff_page
@require_POST
def check_in(request, pk: int):
    session = page_session(request, pk, desk=True)
    code = request.POST.get("code", "")
    attended = request.POST.get("attended", "1") != "0"
    try:
        reservation = services.reservation_in_session(session, code)
        result = services.check_in(
            session=session, reservation=reservation, by=request.user, attended=attended
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect(roster_url(session, request))
    name = result.reservation.name
    if not result.changed:
        messages.info(request, _("No change: %(name)s was already in this state.") % {"name": name})
    elif attended:
        messages.success(request, _("%(name)s checked in.") % {"name": name})
    else:
        messages.success(request, _("Check-in of %(name)s undone.") % {"name": name})
    return redirect(roster_url(session, request, f"r-{result.reservation.code}"))


@staff_page
@require_POST
def no_shows(request, pk: int):
    session = page_session(request, pk, desk=True)
    try:
        marked = services.no_shows_mark(session=session, by=request.user)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)d party marked as no-show.", "%(n)d parties marked as no-show.", len(marked)
            )
            % {"n": len(marked)},
        )
    return redirect(roster_url(session, request))


@staff_page
def print_roster(request, pk: int):
    session = page_session(request, pk)
    data = selectors.roster(session=session, sort=request.GET.get("sort", "kana"))
    return render(
        request,
        "staff/print.html",
        {"session": session, "roster": data, "printed_at": timezone.now()},
    )


@staff_page
def print_name_cards(request, pk: int):
    """名札 for the parties holding seats, on A4 to cut for name holders."""
    session = page_session(request, pk)
    cards = selectors.name_cards(session=session, sort=request.GET.get("sort", "kana"))
    return render(request, "staff/name_cards.html", {"session": session, "cards": cards})


@staff_page
def roster_csv(request, pk: int):
    session = page_session(request, pk)
    data = selectors.roster(
        session=session,
        sort=request.GET.get("sort", "kana"),
        scope=request.GET.get("scope", "active"),
    )
    services.export_record(by=request.user, what="roster", rows=len(data.rows), session=session)
    start = timezone.localtime(session.start)
    return csv_response(csv_files.roster_csv(data), f"roster-{session.pk}-{start:%Y%m%d}.csv")


@staff_page
@require_http_methods(["GET", "POST"])
def walk_in(request, pk: int):
    session = page_session(request, pk, desk=True)
    # Before the session's day nobody can be checked in: the box starts unticked.
    check_in_open = services.check_in_is_open(session, timezone.now())
    form = WalkInForm(
        request.POST or None, initial={"check_in": check_in_open}, program=session.program
    )

    def booked(result):
        reservation = result.reservation
        messages.success(
            request,
            _("Walk-in %(name)s added (%(code)s).")
            % {"name": reservation.name, "code": reservation.code},
        )
        return redirect(roster_url(session, anchor=f"r-{reservation.code}"))

    return party_booking_page(
        request,
        session=session,
        form=form,
        template="staff/walk_in.html",
        book=services.walk_in_add,
        booked=booked,
        options=lambda data: {"check_in_now": data["check_in"]},
    )
