"""The staff's consultation pages (under /staff/consultations/): the counsellors, a counsellor's
day or week (appointments, blocks and free slots), blocking a time, booking for a family who
phoned, and an appointment's page: done / no-show, the private note, cancelling.

They look like the staff desk's pages (``staff/base.html``, its error page and error summary),
which they share as templates only: the staff desk is a sibling app and is not imported. The
questionnaire's answers and the note are shown only to the counsellor and the facility's
managers; another facility's counsellor or appointment is "not found".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from consultations import selectors, services
from consultations.apis import CODE_PATTERN
from consultations.audit import appointment_actions, appointments_search_record
from consultations.models import Appointment, AppointmentStatus, ConsultationType, Counsellor
from consultations.report_csv import year_csv, year_csv_name
from consultations.reports import consultation_year, report_facilities
from consultations.search import appointments_search
from consultations.staff_forms import BlockForm, CloseForm, NoteForm, StaffBookingForm
from consultations.topics import topic_choices
from core.csv_files import csv_response
from core.errors import AppError
from core.fields import bounded_date, parse_fiscal_year, query_integer
from core.filters import BoundedDateTimeFormField
from core.fiscal_years import fiscal_year_of
from core.search import search_page_asked
from events.selectors import staff_facility, user_can_view_facility
from events.staff_pages import error_page, staff_page


def counsellor_of(request, pk: int) -> Counsellor:
    counsellor = Counsellor.objects.select_related("facility").filter(pk=pk).first()
    if counsellor is None or not user_can_view_facility(request.user, counsellor.facility_id):
        raise Http404
    return counsellor


def appointment_of(request, code: str) -> Appointment:
    appointment = None
    if CODE_PATTERN.fullmatch(code):
        appointment = (
            Appointment.objects.select_related(
                "counsellor__facility", "consultation_type", "answers"
            )
            .filter(code=code)
            .first()
        )
    if appointment is None or not user_can_view_facility(
        request.user, appointment.counsellor.facility_id
    ):
        raise Http404
    return appointment


def may_act(request, counsellor: Counsellor) -> bool:
    """Blocks, closing and notes: the counsellor themself or a manager of the facility."""
    return selectors.can_read_answers(request.user, Appointment(counsellor=counsellor))


def plan_url(counsellor: Counsellor, day: date, span: str = "day") -> str:
    url = reverse("consult_staff:plan", args=[counsellor.pk])
    return f"{url}?date={day:%Y-%m-%d}" + ("&span=week" if span == "week" else "")


@staff_page
def desk(request):
    """The counsellors of the staff member's facilities, each with a link to today and the week;
    with ``q``, the families' appointments found by name, code, phone or email above them."""
    counsellors = selectors.staff_counsellors(request.user)
    asked = search_page_asked(request.GET)
    context = {"counsellors": counsellors, "today": timezone.localdate(), "query": asked.query}
    if asked.error:
        context["error"] = asked.error
        return render(request, "consultations/staff/desk.html", context, status=400)
    if asked.query:
        found = context["found"] = appointments_search(
            user=request.user,
            query=asked.query,
            upcoming_from=asked.upcoming_from,
            past_from=asked.past_from,
        )
        appointments_search_record(
            by=request.user, codes=found.codes, facility_ids=found.facility_ids
        )
    return render(request, "consultations/staff/desk.html", context)


@staff_page
def plan(request, pk: int):
    """A counsellor's day (or week, Monday to Sunday): held times and free slots."""
    counsellor = counsellor_of(request, pk)
    day = bounded_date(request.GET.get("date")) or timezone.localdate()
    span = "week" if request.GET.get("span") == "week" else "day"
    first = day - timedelta(days=day.weekday()) if span == "week" else day
    last = first + timedelta(days=6) if span == "week" else day
    step = timedelta(days=7 if span == "week" else 1)
    return render(
        request,
        "consultations/staff/plan.html",
        {
            "counsellor": counsellor,
            "day": day,
            "span": span,
            "first": first,
            "last": last,
            "days": selectors.plan_by_day(counsellor, first=first, last=last),
            "previous_url": plan_url(counsellor, first - step, span),
            "next_url": plan_url(counsellor, first + step, span),
            "day_url": plan_url(counsellor, day, "day"),
            "week_url": plan_url(counsellor, day, "week"),
            "may_act": may_act(request, counsellor),
            "block_form": BlockForm(initial={"start": f"{day:%Y-%m-%d}T10:00"}),
        },
    )


@staff_page
@require_POST
def block(request, pk: int):
    """Hold a counsellor's time so that no family can book it."""
    counsellor = counsellor_of(request, pk)
    if not may_act(request, counsellor):
        raise PermissionDenied
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the time and the minutes to block."))
        return redirect(plan_url(counsellor, timezone.localdate()))
    start = form.cleaned_data["start"]
    try:
        services.appointment_block(
            counsellor=counsellor,
            start=start,
            minutes=form.cleaned_data["minutes"],
            by=request.user,
        )
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The time is blocked."))
    return redirect(plan_url(counsellor, timezone.localtime(start).date()))


@staff_page
@require_http_methods(["GET", "POST"])
def book(request, slug: str):
    """Book a free slot for a family who phoned (no lead time; the other rules hold)."""
    kind = ConsultationType.objects.select_related("facility").filter(slug=slug).first()
    if kind is None or not user_can_view_facility(request.user, kind.facility_id):
        raise Http404
    data = request.POST if request.method == "POST" else None
    initial = {
        "start": request.GET.get("start", ""),
        "counsellor": query_integer(request.GET.get("counsellor")),
    }
    form = StaffBookingForm(
        data,
        initial=initial,
        # Staff read the answers in Japanese: the list they choose from is the Japanese too.
        topics=topic_choices(kind, settings.LANGUAGE_CODE),
        phone_needed=services.phone_needed(kind),
    )
    when = start_of(form["start"].value())
    if data is None and (when is None or initial["counsellor"] is None):
        raise Http404  # the page is opened from a free slot of the plan
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400  # as the staff desk's forms answer
    elif request.method == "POST":
        cleaned = form.cleaned_data
        counsellor = counsellor_of(request, cleaned["counsellor"])
        family = services.family_from_data(cleaned)
        try:
            appointment, _token = services.appointment_book(
                kind=kind,
                start=cleaned["start"],
                family=family,
                counsellor_id=counsellor.pk,
                by_staff=True,
                by=request.user,
            )
        except AppError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code  # 409: the time was taken meanwhile
        else:
            messages.success(request, _("The consultation is booked."))
            return redirect("consult_staff:appointment", code=appointment.code)
    # The time as every page writes it, its end included: 2026年12月15日（火）10:40〜11:10.
    slot = (
        None
        if when is None
        else selectors.Slot(when, when + timedelta(minutes=kind.minutes), 0, "")
    )
    return render(
        request,
        "consultations/staff/book.html",
        {"kind": kind, "form": form, "slot": slot},
        status=status,
    )


def start_of(value) -> datetime | None:
    """The slot's start a booking page carries (ISO 8601), or None."""
    try:
        return BoundedDateTimeFormField().clean(value)
    except ValidationError:
        return None


# What the counsellor and the facility's managers save on an appointment's page, by the form's
# ``action``: the form that reads it, the service that saves it, and what the page then says.
APPOINTMENT_ACTIONS = {
    "close": (CloseForm, services.appointment_close, gettext_lazy("The outcome is saved.")),
    "note": (NoteForm, services.appointment_note, gettext_lazy("The note is saved.")),
}


@staff_page
@require_http_methods(["GET", "POST"])
def appointment(request, code: str):
    """An appointment or a block: details; for the counsellor and managers the answers, the
    outcome and the private note; cancelling (or lifting a block) for the facility's staff."""
    found = appointment_of(request, code)
    allowed = may_act(request, found.counsellor)
    shown = {
        action: form_class() for action, (form_class, _save, _said) in APPOINTMENT_ACTIONS.items()
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action in APPOINTMENT_ACTIONS and not allowed:
            raise PermissionDenied
        try:
            if action == "cancel":
                services.appointment_cancel(appointment=found, by_staff=True, by=request.user)
                messages.success(request, _("The appointment is cancelled."))
                return redirect("consult_staff:appointment", code=found.code)
            if action in APPOINTMENT_ACTIONS:
                form_class, save, said = APPOINTMENT_ACTIONS[action]
                form = shown[action] = form_class(request.POST)
                if form.is_valid():
                    save(appointment=found, by=request.user, **form.cleaned_data)
                    messages.success(request, str(said))
                    return redirect("consult_staff:appointment", code=found.code)
            status = 400  # a form with what is wrong on it, or no action this page takes
        except AppError as exc:
            messages.error(request, exc.message)
            status = exc.status_code  # 409: no longer held, not begun yet, not closed
    close_form, note_form = shown["close"], shown["note"]
    answers = getattr(found, "answers", None) if allowed else None
    if allowed and answers is not None:
        note_form = note_form if note_form.is_bound else NoteForm({"note": answers.staff_note})
    closed = found.status in (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW)
    return render(
        request,
        "consultations/staff/appointment.html",
        {
            "appointment": found,
            "may_act": allowed,
            "answers": answers,
            "close_form": close_form,
            "note_form": note_form,
            "can_close": allowed
            and found.status == AppointmentStatus.BOOKED
            and found.start <= timezone.now(),
            "closed": closed,
            "back_url": plan_url(found.counsellor, timezone.localtime(found.start).date()),
            "actions": appointment_actions(found) if allowed else [],
        },
        status=status,
    )


@staff_page
def report(request):
    """Consultations by type and month of a fiscal year (年度), at the staff member's facilities."""
    try:
        year = parse_fiscal_year(request.GET.get("fiscal_year"))
    except AppError:  # as the attendance report's page and this report's CSV answer
        return error_page(request, 400)
    current = fiscal_year_of(timezone.localdate())
    facility = staff_facility(request.user, request.GET.get("facility"))
    report = consultation_year(request.user, year, facility)
    query = urlencode(
        {"fiscal_year": report.fiscal_year, **({"facility": facility.slug} if facility else {})}
    )
    return render(
        request,
        "consultations/staff/report.html",
        {
            "report": report,
            "years": list(range(current, current - 6, -1)),
            "facilities": report_facilities(request.user),
            "csv_url": reverse("consult_staff:report-csv") + "?" + query,
        },
    )


@staff_page
def report_csv(request):
    """The report as the city's CSV file (Japanese, for Excel): a year, and a facility if given."""
    try:
        year = parse_fiscal_year(request.GET.get("fiscal_year"))
    except AppError:
        return error_page(request, 400)
    facility = staff_facility(request.user, request.GET.get("facility"))
    report = consultation_year(request.user, year, facility)
    return csv_response(year_csv(report), year_csv_name(report))
