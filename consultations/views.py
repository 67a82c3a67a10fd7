"""The parents' consultation pages: the types, a type's free slots by day with the booking
form, and the appointment's page (opened with its manage token) with the cancel button.

The manage token travels in the URL only once: the email's ``?token=`` link is traded for a
signed cookie per appointment code (``core.credentials``) and redirected to the clean URL, and
the booking form redirects there with the cookie already set, so that the page's address, its
forms, its Referer and the access log hold no secret."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consultations import my_reservations, selectors, services
from consultations.apis import published_types
from consultations.forms import QuestionnaireForm
from consultations.models import AppointmentAnswers
from consultations.topics import topic_choices, topic_shown
from core.credentials import CookieCredential, private
from core.errors import AppError
from core.filters import BoundedDateTimeFormField
from core.languages import html_lang, supported_language
from core.phones import PhoneFormField
from core.text import EmailFormField, OneLineFormField
from core.throttling import lookup_blocked, lookup_failed, too_many

SHOWN_DAYS = 28
# Its own prefix and salt: a reservation's cookie (``rsv-``) never opens an appointment.
# The manage token of the booking's email, or the key of a "my reservations" list.
APPOINTMENT = CookieCredential(
    prefix="apt", salt="consultations.credentials", keys=("token", my_reservations.KEY)
)


class BookingForm(QuestionnaireForm):
    field_order = ["start", "name", "email", "phone"]
    # The times are radio buttons the page draws itself; the error summary links to them.
    start = BoundedDateTimeFormField(
        label=_("Date and time"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a time."), "invalid": _("Choose a time.")},
    )
    # The words of the reservation form (parents.forms): one message for one mistake.
    name = OneLineFormField(
        label=_("Name"), max_length=100, error_messages={"required": _("Enter your name.")}
    )
    email = EmailFormField(
        label=_("Email address"),
        max_length=254,
        error_messages={"required": _("Enter your email address.")},
    )
    phone = PhoneFormField(label=_("Phone"), required=False)
    free_text_label = _("Anything you would like us to know")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On a phone: the numeric keypad, without a number box's spinner.
        self.fields["child_age_months"].widget = forms.TextInput(attrs={"inputmode": "numeric"})


def consultation_list(request):
    return render(request, "consultations/list.html", {"kinds": published_types()})


def consultation_detail(request, slug: str):
    kind = get_object_or_404(published_types(), slug=slug)
    error, status = "", 200
    form = BookingForm(
        request.POST or None,
        topics=topic_choices(kind),
        phone_needed=services.phone_needed(kind),
    )
    if request.method == "POST" and not form.is_valid():
        status = 400  # the form again with what is wrong, as the event booking page answers
    elif request.method == "POST":
        data = form.cleaned_data
        family = services.family_from_data(data, language=supported_language(get_language()))
        try:
            appointment, token = services.appointment_book(
                kind=kind, start=data["start"], family=family
            )
        except AppError as exc:
            # As the API answers: 409 for a time taken meanwhile or a family's limit reached,
            # 400 for what the form could not tell (a topic, a phone number).
            error, status = str(exc.message), exc.status_code
        else:
            messages.success(request, _("Your consultation is booked. We have sent you an email."))
            url = reverse("appointment-page", kwargs={"code": appointment.code})
            return APPOINTMENT.redirect(request, url, appointment.code, {"token": token})
    today = timezone.localdate()
    found = selectors.free_slots(kind, first=today, last=today + timedelta(days=SHOWN_DAYS))
    chosen = form.data.get("start", "") if form.is_bound else ""
    days = days_shown(found, chosen)
    context = {"kind": kind, "form": form, "error": error, "chosen": chosen, "days": days}
    return render(
        request,
        "consultations/detail.html",
        {**context, "only_counsellor": only_counsellor(days)},
        status=status,
    )


def only_counsellor(days: list[tuple]) -> str:
    """The counsellor's name when one person holds every time shown: said once above the
    times, not on each (a phone broke the name beside every time)."""
    names = {slot.counsellor_name for _day, slots, _open in days for slot in slots}
    return names.pop() if len(names) == 1 else ""


def days_shown(found: dict, chosen: str) -> list[tuple]:
    """Each day's free slots and whether its list is open: a month of times is one line per
    day on a phone. Shown again after an error, the day of the time the parent chose opens, so
    that they see their choice beside the error; otherwise the first day does."""
    days = sorted(found.items())
    opened = next(
        (day for day, slots in days if any(s.start.isoformat() == chosen for s in slots)),
        days[0][0] if days else None,
    )
    return [(day, slots, day == opened) for day, slots in days]


def appointment_page(request, code: str):
    wait = lookup_blocked(request)  # a client that guessed too often is refused first
    if wait is not None:
        return too_many(request, wait)
    credential = APPOINTMENT.held(request, code)
    token = credential.get("token", "")
    if token:
        appointment = selectors.appointment_by_code_and_token(code, token)
    else:
        appointment = my_reservations.appointment_by_code_and_key(
            code, credential.get(my_reservations.KEY)
        )
    if appointment is None:
        lookup_failed(request)
        return link_not_valid(request, code)
    exchange = APPOINTMENT.traded(request, appointment.code, credential)
    if exchange is not None:
        return exchange
    error = notice = chosen = ""
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rebook":
                # Bounded: a time in year 1 or 9999 cannot be moved to Japan time.
                start = BoundedDateTimeFormField(required=False).clean(request.POST.get("start"))
                if start is None:
                    raise AppError("start_required", _("Choose a time."), status_code=400)
                appointment = services.appointment_rebook(
                    appointment=appointment, start=start, token=token
                )
                notice = _("Your consultation has moved to the new time. We have sent an email.")
            else:
                appointment = services.appointment_cancel(appointment=appointment)
        except AppError as exc:
            # 400 for no time or one that is no time; 409 for a time taken meanwhile or no
            # longer offered, or a deadline passed (the API's answers).
            error, status = str(exc.message), exc.status_code
        except forms.ValidationError:
            error, status = str(_("Choose a time.")), 400
        # A refused move comes back with the parent's choice checked, its day open.
        if error and request.POST.get("action") == "rebook":
            chosen = request.POST.get("start", "")
    deadline = selectors.change_deadline(appointment)
    days = []
    if appointment.status == "booked" and timezone.now() <= deadline:
        today = timezone.localdate()
        found = selectors.free_slots_to_move(
            appointment, first=today, last=today + timedelta(days=SHOWN_DAYS)
        )
        days = days_shown(found, chosen)
    # The family's own choice, stored in Japanese, in the page's language.
    stored = AppointmentAnswers.objects.filter(appointment=appointment)
    stored = stored.values_list("topic", flat=True).first() or ""
    topic, topic_lang = topic_shown(appointment.consultation_type, stored)
    response = render(
        request,
        "consultations/appointment.html",
        {
            "appointment": appointment,
            "topic": topic,
            "topic_lang": html_lang(topic_lang),
            "error": error,
            "notice": notice,
            "deadline": deadline,
            "days": days,
            "chosen": chosen,
            "only_counsellor": only_counsellor(days),
        },
        status=status,
    )
    return private(response)  # personal data behind a credential


def link_not_valid(request, code: str) -> HttpResponse:
    """A wrong, expired or replaced credential: the site's not-found page, and the cookie that
    held it ended so the next visit does not present it again."""
    response = render(
        request, "pages/not_found.html", {"message": _("This link is not valid.")}, status=404
    )
    # Only a real code's page ever set a cookie; a made-up one ("１", "a;b") names none, and
    # no cookie could be named after it.
    if selectors.CODE_PATTERN.fullmatch(code.upper()):
        APPOINTMENT.clear(response, code)
    return private(response)
