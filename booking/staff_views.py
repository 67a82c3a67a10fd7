"""Server-rendered staff pages: today, roster and check-in, walk-in, session changes, waiting
list and lottery, print, CSV, audit log, attendance report.

Views only read the request, call one selector or service and render; the rules live in
``staff_services`` and ``staff_selectors``. Check-in works with a plain form POST; the page's
small script sends the same tap to the staff API instead, so the page does not reload.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from booking import staff_csv, staff_selectors, staff_services
from booking.rules import party_from_data
from booking.staff_apis import csv_response, parse_fiscal_year
from booking.staff_charts import bar_chart
from booking.staff_forms import (
    CancelForm,
    CapacityForm,
    ExportForm,
    MoveForm,
    PromoteForm,
    WalkInForm,
)
from booking.views import EmailLinkFormEmailThrottle, too_many
from core.errors import AppError
from core.throttling import EmailLinkIPThrottle, throttle_wait
from events.models import Session


def _error_page(request, status: int):
    return render(request, "staff/error.html", {"status": status}, status=status)


def staff_page(view):
    """Log in first; staff only; another facility's data is "not found"."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("staff:login"))
        if not staff_selectors.is_staff_member(request.user):
            return _error_page(request, 403)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _error_page(request, 404)
        except PermissionDenied:
            return _error_page(request, 403)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def _session(request, pk: int, *, manage: bool = False) -> Session:
    session = staff_selectors.staff_session(request.user, pk)
    if manage and not staff_selectors.can_manage(request.user, session):
        raise PermissionDenied
    return session


def _roster_url(session: Session, request=None, anchor: str = "") -> str:
    url = reverse("staff:roster", args=[session.pk])
    return url + _keep_query(request) + (f"#{anchor}" if anchor else "")


def _keep_query(request) -> str:
    """The roster's sort, search and scope, carried through a check-in and back."""
    if request is None:
        return ""
    keep = {k: request.GET[k] for k in ("sort", "q", "scope") if request.GET.get(k)}
    return "?" + urlencode(keep) if keep else ""


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# --- today -------------------------------------------------------------------------------


@staff_page
def today(request):
    day = _parse_day(request.GET.get("date"))
    facility = staff_selectors.staff_facility(request.user, request.GET.get("facility"))
    sessions = staff_selectors.sessions_on_day(user=request.user, day=day, facility=facility)
    return render(
        request,
        "staff/today.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "facility": facility,
            "facilities": list(staff_selectors.staff_facilities(request.user)),
            "sessions": sessions,
        },
    )


# --- roster and check-in -----------------------------------------------------------------


@staff_page
def roster(request, pk: int):
    session = _session(request, pk)
    data = staff_selectors.roster(
        session=session,
        sort=request.GET.get("sort", "kana"),
        query=request.GET.get("q", ""),
        scope=request.GET.get("scope", "active"),
    )
    can_manage = staff_selectors.can_manage(request.user, session)
    check_in_open = staff_services.check_in_is_open(session, timezone.now())
    return render(
        request,
        "staff/roster.html",
        {
            "session": session,
            "roster": data,
            "can_manage": can_manage,
            "can_check_in": can_manage and not session.is_cancelled and check_in_open,
            "check_in_opens_on": (
                None if check_in_open else staff_services.check_in_opens_on(session)
            ),
            "started": timezone.now() >= session.start,
            "check_in_api": reverse("staff-api-check-in", args=[session.pk]),
            "check_in_url": reverse("staff:check-in", args=[session.pk]) + _keep_query(request),
        },
    )


@staff_page
@require_POST
def check_in(request, pk: int):
    session = _session(request, pk, manage=True)
    code = request.POST.get("code", "")
    attended = request.POST.get("attended", "1") != "0"
    try:
        reservation = staff_services.reservation_in_session(session, code)
        result = staff_services.check_in(
            session=session, reservation=reservation, by=request.user, attended=attended
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect(_roster_url(session, request))
    name = result.reservation.name
    if not result.changed:
        messages.info(request, _("No change: %(name)s was already in this state.") % {"name": name})
    elif attended:
        messages.success(request, _("%(name)s checked in.") % {"name": name})
    else:
        messages.success(request, _("Check-in of %(name)s undone.") % {"name": name})
    return redirect(_roster_url(session, request, f"r-{result.reservation.code}"))


@staff_page
@require_POST
def no_shows(request, pk: int):
    session = _session(request, pk, manage=True)
    try:
        marked = staff_services.no_shows_mark(session=session, by=request.user)
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
    return redirect(_roster_url(session, request))


@staff_page
def print_roster(request, pk: int):
    session = _session(request, pk)
    data = staff_selectors.roster(session=session, sort=request.GET.get("sort", "kana"))
    return render(request, "staff/print.html", {"session": session, "roster": data})


@staff_page
def roster_csv(request, pk: int):
    session = _session(request, pk)
    data = staff_selectors.roster(
        session=session,
        sort=request.GET.get("sort", "kana"),
        scope=request.GET.get("scope", "active"),
    )
    staff_services.export_record(
        by=request.user, what="roster", rows=len(data.rows), session=session
    )
    start = timezone.localtime(session.start)
    return csv_response(staff_csv.roster_csv(data), f"roster-{session.pk}-{start:%Y%m%d}.csv")


# --- walk-in -----------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def walk_in(request, pk: int):
    session = _session(request, pk, manage=True)
    # Before the session's day nobody can be checked in: the box starts unticked.
    check_in_open = staff_services.check_in_is_open(session, timezone.now())
    form = WalkInForm(request.POST or None, initial={"check_in": check_in_open})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = staff_services.walk_in_add(
                    session=session,
                    by=request.user,
                    party=party_from_data(data),
                    name=data["name"],
                    name_kana=data["name_kana"],
                    phone=data["phone"],
                    email=data["email"],
                    notes=data["notes"],
                    override_reason=data["override_reason"],
                    check_in_now=data["check_in"],
                )
            except AppError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Walk-in %(name)s added (%(code)s).")
                    % {"name": result.reservation.name, "code": result.reservation.code},
                )
                return redirect(_roster_url(session, anchor=f"r-{result.reservation.code}"))
        status = 409 if form.non_field_errors() else 400
    session.refresh_from_db()
    return render(
        request,
        "staff/walk_in.html",
        {"session": session, "form": form, "full": session.seats_left == 0, "can_manage": True},
        status=status,
    )


def _form_error(form, exc: AppError) -> None:
    if exc.fields:
        for name, errors in exc.fields.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, str(error))
    if not exc.fields or exc.code != "invalid":
        form.add_error(None, str(exc.message))


# --- session changes ---------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def change(request, pk: int):
    session = _session(request, pk, manage=True)
    facilities = staff_selectors.staff_facilities(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    move_form = MoveForm(
        request.POST if action == "move" else None, facilities=facilities, session=session
    )
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    capacity_form = CapacityForm(
        request.POST if action == "capacity" else None, initial={"capacity": session.capacity}
    )
    status = 200
    if action:
        form = {"move": move_form, "cancel": cancel_form, "capacity": capacity_form}.get(action)
        if form is None:
            return _error_page(request, 400)
        if form.is_valid():
            try:
                done = _apply_change(request, session, action, form.cleaned_data)
            except AppError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, done)
                return redirect(reverse("staff:change", args=[session.pk]))
        status = 409 if form.non_field_errors() else 400
    return render(
        request,
        "staff/change.html",
        {
            "session": session,
            "move_form": move_form,
            "cancel_form": cancel_form,
            "capacity_form": capacity_form,
            "can_manage": True,
        },
        status=status,
    )


def _apply_change(request, session: Session, action: str, data: dict) -> str:
    if action == "move":
        staff_services.session_move(
            session=session,
            by=request.user,
            start=data["start"],
            end=data["end"],
            facility=data["facility"],
            reason=data["reason"],
        )
        return _("The session was moved; every party is being told.")
    if action == "cancel":
        staff_services.session_cancel(session=session, by=request.user, reason=data["reason"])
        return _("The session was cancelled; every party is being told.")
    result = staff_services.capacity_change(
        session=session, by=request.user, capacity=data["capacity"], reason=data["reason"]
    )
    if result.promoted:
        n = len(result.promoted)
        return ngettext(
            "Capacity changed; %(n)d party promoted from the waiting list.",
            "Capacity changed; %(n)d parties promoted from the waiting list.",
            n,
        ) % {"n": n}
    return _("Capacity changed.")


# --- waiting list and lottery ------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def waiting_list(request, pk: int):
    session = _session(request, pk, manage=request.method == "POST")
    promote_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draw":
                draw = staff_services.lottery_draw_now(session=session, by=request.user)
                n = len(draw.winners)
                messages.success(
                    request,
                    ngettext("Lottery drawn: %(n)d winner.", "Lottery drawn: %(n)d winners.", n)
                    % {"n": n},
                )
            elif action == "promote":
                promote_form = PromoteForm(request.POST)
                if promote_form.is_valid():
                    reservation = staff_services.reservation_in_session(
                        session, promote_form.cleaned_data["code"]
                    )
                    staff_services.waitlist_promote_by_hand(
                        session=session,
                        reservation=reservation,
                        by=request.user,
                        reason=promote_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("%(name)s promoted.") % {"name": reservation.name})
                else:
                    messages.error(request, _("Give a reason to promote out of order."))
            else:
                return _error_page(request, 400)
        except AppError as exc:
            if exc.status_code == 404:
                raise Http404 from exc
            messages.error(request, exc.message)
        return redirect(reverse("staff:waiting-list", args=[session.pk]))
    data = staff_selectors.waiting_list(session=session)
    return render(
        request,
        "staff/waiting_list.html",
        {
            "session": session,
            "wl": data,
            "can_manage": staff_selectors.can_manage(request.user, session),
            "is_lottery": session.program.booking_mode == "lottery",
        },
    )


# --- audit log ---------------------------------------------------------------------------


@staff_page
def audit(request, pk: int):
    session = _session(request, pk)
    return render(
        request,
        "staff/audit.html",
        {
            "session": session,
            "actions": staff_selectors.audit_log(session=session),
            "can_manage": staff_selectors.can_manage(request.user, session),
        },
    )


# --- report and export -------------------------------------------------------------------


def _report(request):
    fiscal_year = parse_fiscal_year(request.GET.get("fiscal_year"))
    facility = staff_selectors.staff_facility(request.user, request.GET.get("facility"))
    return staff_selectors.attendance_report(
        user=request.user, fiscal_year=fiscal_year, facility=facility
    )


@staff_page
def report(request):
    try:
        data = _report(request)
    except AppError:
        return _error_page(request, 400)
    # "M" is the short month name of the active language: 4月 in Japanese, Apr in English.
    chart = bar_chart(
        [m.attended_people for m in data.months], [date_format(m.month, "M") for m in data.months]
    )
    current = staff_selectors.fiscal_year_of(timezone.localdate())
    query = urlencode(
        {
            "fiscal_year": data.fiscal_year,
            **({"facility": data.facility.slug} if data.facility else {}),
        }
    )
    return render(
        request,
        "staff/report.html",
        {
            "report": data,
            "chart": chart,
            "facilities": list(staff_selectors.staff_facilities(request.user)),
            "years": list(range(current, current - 6, -1)),
            "csv_url": reverse("staff:report-csv") + "?" + query,
        },
    )


@staff_page
def report_csv(request):
    try:
        data = _report(request)
    except AppError:
        return _error_page(request, 400)
    suffix = f"-{data.facility.slug}" if data.facility else ""
    return csv_response(staff_csv.report_csv(data), f"report-{data.fiscal_year}{suffix}.csv")


@staff_page
def export(request):
    facilities = staff_selectors.staff_facilities(request.user)
    form = ExportForm(request.GET or None, facilities=facilities)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        rows = staff_selectors.export_rows(
            user=request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            facility=data["facility"],
        )
        staff_services.export_record(
            by=request.user,
            what="date_range",
            rows=len(rows),
            facility_id=data["facility"].pk if data["facility"] else None,
            params={
                "from": data["date_from"],
                "to": data["date_to"],
                "facility": data["facility"].slug if data["facility"] else "",
            },
        )
        name = f"reservations-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.csv"
        return csv_response(staff_csv.export_csv(rows), name)
    return render(
        request,
        "staff/export.html",
        {"form": form},
        status=400 if request.GET and not form.is_valid() else 200,
    )


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset emails count against the email-link limits (per client IP and address).

    Without them the form would send a stranger's inbox as many emails as it is posted.
    """

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(request, [EmailLinkIPThrottle, EmailLinkFormEmailThrottle])
        if wait is not None:
            return too_many(request, wait)
        return super().post(request, *args, **kwargs)
