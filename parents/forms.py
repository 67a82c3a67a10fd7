"""Forms of the parents' pages: the reservation form asks only what the programme needs.

A programme's rules are checked by ``booking.services`` (``party_errors``); the forms only parse
input, and put the service's field errors back next to the fields they belong to. Where the form
refuses before the booking is tried (a party larger than the seats left), it asks the same
``party_errors`` so that every mistake shows at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking.attendee_fields import (
    attendee_fields,
    attendee_initial,
    attendee_names_given,
    first_attendee_field,
)
from booking.idempotency import request_fingerprint
from booking.models import IdempotencyKey
from booking.rules import Party, party_errors, party_resized, party_seats
from booking.services import ReservationResult
from core.errors import AppError, errors_on_form
from core.filters import BoundedDateFormField
from core.languages import current_language
from core.phones import PhoneFormField
from core.text import OneLineFormField
from events.models import BookingMode, Program, Session
from events.selectors import priority_group_label
from events.templatetags.parent_pages import months
from parents.company_field import company_field
from parents.family_fields import email_field, kana_cleaned, kana_field, needs_fields

FORM_SCOPE = "reservation_form"
FORM_KEY_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"

# Ages offered when a programme sets no range: up to six years (pre-school).
DEFAULT_MAX_AGE_MONTHS = 6 * 12 + 11


def new_form_key() -> str:
    """Return a fresh one-time key for a reservation form (sent back in a hidden field)."""
    return secrets.token_urlsafe(24)


def submit_once(
    *, key: str, session: Session, create: Callable[[], ReservationResult]
) -> tuple[str, str]:
    """Reserve once per form key and return (code, token); a resubmission gets the first answer.

    A double tap, the back button or a reload sends the same key again: the first reservation
    is returned instead of a second one. The key is stored (as an ``IdempotencyKey``, the same
    table the API's Idempotency-Key header uses) in the transaction that creates the
    reservation, so a concurrent second request either finds it, or fails on the key's or the
    reservation's unique constraint once the first commits, and then finds it. A form key
    belongs to one form for good: unlike the API's keys it is never reused after expiry.
    """
    fingerprint = request_fingerprint({"session": session.pk})
    row = _stored(key)
    if row is None:
        try:
            with transaction.atomic():
                result = create()
                body = {"code": result.reservation.code, "token": result.token}
                IdempotencyKey.objects.create(
                    scope=FORM_SCOPE,
                    key=key,
                    request_hash=fingerprint,
                    response_status=201,
                    response_body=body,
                )
            return body["code"], body["token"]
        except IntegrityError:
            row = _stored(key)
            if row is None:
                raise
        except AppError as exc:
            if exc.code != "duplicate_reservation":
                raise
            row = _stored(key)
            if row is None:
                raise
    if row.request_hash != fingerprint:
        raise AppError("idempotency_key_reused", status_code=422)
    return row.response_body["code"], row.response_body["token"]


def _stored(key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(scope=FORM_SCOPE, key=key).first()


def _count_choices(low: int, high: int) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(low, high + 1)]


def _age_choices(program: Program) -> list[tuple[str, str]]:
    low = program.child_age_min_months or 0
    high = program.child_age_max_months
    if high is None:
        high = max(DEFAULT_MAX_AGE_MONTHS, low)
    return [("", _("Choose"))] + [(str(m), months(m)) for m in range(low, high + 1)]


def largest_party_seats(program: Program) -> int:
    """Return the general seats the largest party the programme accepts would take."""
    largest = Party(adults=program.max_adults, children=program.max_children)
    return party_seats(program, largest).seats


def party_fields_for(program: Program) -> dict[str, forms.Field]:
    """Return the party fields a programme asks for (also used when a party is changed)."""
    fields: dict[str, forms.Field] = {}
    if program.max_adults > 1:
        fields["adults"] = forms.TypedChoiceField(
            label=_("Adults coming"),
            choices=_count_choices(1, program.max_adults),
            coerce=int,
            initial=1,
        )
    if program.max_children > 0:
        if program.requires_child_ages:
            for n in range(1, program.max_children + 1):
                fields[f"child_age_{n}"] = forms.TypedChoiceField(
                    label=_("Age of child %(n)d") % {"n": n},
                    choices=_age_choices(program),
                    coerce=int,
                    empty_value=None,
                    required=n == 1,
                    help_text=_("The child's age on the day, in months.") if n == 1 else "",
                    error_messages={"required": _("Choose your child's age.")},
                )
        else:
            fields["children"] = forms.TypedChoiceField(
                label=_("Children coming"),
                choices=_count_choices(0, program.max_children),
                coerce=int,
                empty_value=0,
                required=False,
                initial=0,
            )
        if program.childcare_offered:
            fields["childcare"] = forms.TypedChoiceField(
                label=_("Children to leave in childcare (託児)"),
                choices=_count_choices(0, program.max_children),
                coerce=int,
                empty_value=0,
                required=False,
                initial=0,
                help_text=_("Childcare during the session has its own small number of places."),
            )
    return fields


class ReservationForm(forms.Form):
    """The reservation form for one session, with the fields its programme needs."""

    required_css_class = "required"

    def __init__(
        self,
        *args: Any,
        session: Session,
        seats_left: int | None = None,
        party_day: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        # The day the programme's rules measure the party against (a course's first session).
        self.party_day = party_day or timezone.localtime(session.start).date()
        program = session.program
        self.program = program
        self.fields["form_key"] = forms.RegexField(regex=FORM_KEY_PATTERN, widget=forms.HiddenInput)
        self.fields.update(party_fields_for(program))
        # Seats left for a first-come booking whose largest party would not fit: the parent
        # chooses before sending between a smaller party and the waiting list (issue 21).
        self.seats_left = seats_left
        if seats_left is not None and seats_left < largest_party_seats(program):
            self.fields["join_waitlist"] = forms.BooleanField(
                label=_("If our party does not fit, put us on the waiting list"),
                required=False,
                help_text=ngettext(
                    "Only %(left)d seat left: a party of %(more)d or more is too many "
                    "for the seats left and goes on the waiting list.",
                    "Only %(left)d seats left: a party of %(more)d or more is too many "
                    "for the seats left and goes on the waiting list.",
                    seats_left,
                )
                % {"left": seats_left, "more": seats_left + 1},
            )
        if program.requires_due_date:
            self.fields["due_date"] = BoundedDateFormField(
                label=_("Expected due date"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "required": _("Enter the expected due date."),
                    "invalid": _("Enter a date such as 2026-12-05."),
                },
            )
        if program.requires_residency:
            self.fields["resident"] = forms.BooleanField(
                label=_("I live in %(city)s") % {"city": session.facility.city},
                error_messages={"required": _("This programme is for residents of the city.")},
            )
        if program.requires_company or program.member_list_id:
            self.fields["company"] = company_field(program)
        self.fields.update(attendee_fields(program, first_required=True))
        groups = [g for g in program.priority_groups if isinstance(g, dict) and g.get("key")]
        if program.booking_mode == BookingMode.LOTTERY and groups:
            self.fields["priority_group"] = forms.ChoiceField(
                label=_("Does one of these apply to you?"),
                choices=[(g["key"], priority_group_label(g, current_language())) for g in groups]
                + [("", _("None of these"))],
                widget=forms.RadioSelect,
                required=False,
                initial="",
                help_text=_("Applicants in these groups are drawn first."),
            )
        self.fields["name"] = OneLineFormField(
            # Those who come are named above: this is who books (and gets the emails).
            label=_("Name of the person booking") if program.asks_attendee_names else _("Name"),
            max_length=100,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
            error_messages={"required": _("Enter your name.")},
        )
        self.fields["name_kana"] = kana_field()  # ふりがな (issue 21)
        self.fields["email"] = email_field(
            _("We send the confirmation and the link to change or cancel here.")
        )
        self.fields["phone"] = PhoneFormField(
            label=_("Phone number"),
            required=False,
            help_text=_("Only used if we must reach you on the day."),
        )
        self.fields.update(needs_fields())  # 配慮事項 (issue 25)
        self.fields["consent"] = forms.BooleanField(
            label=_("I agree to the privacy notice"),
            error_messages={"required": _("Agree to the privacy notice to reserve.")},
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_name_kana(self) -> str:
        return kana_cleaned(self.cleaned_data.get("name_kana", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "join_waitlist" in self.fields and not self.errors and not data.get("join_waitlist"):
            seats = party_seats(self.program, self.party()).seats
            if seats > (self.seats_left or 0):
                self.add_error(
                    "join_waitlist",
                    ngettext(
                        "Only %(left)d seat left: a party of %(n)d goes on the waiting list. "
                        "Make the party smaller, or tick the box to join the waiting list.",
                        "Only %(left)d seats left: a party of %(n)d goes on the waiting list. "
                        "Make the party smaller, or tick the box to join the waiting list.",
                        self.seats_left or 0,
                    )
                    % {"left": self.seats_left, "n": seats},
                )
        if self.errors:
            self.add_rule_errors()
        return data

    def add_rule_errors(self) -> None:
        """The programme's rules on the party (the names of those who come, eligibility), on a
        form refused for its own mistakes: the booking is not tried then, so the rules would
        speak only after the parent fixed those. Every mistake comes in one answer; a field
        that already says what is wrong keeps its word, and a party the form could not read
        (a wrong number of people) is not judged."""
        counted = ("adults", "children", "childcare", "child_age_")
        if any(name.startswith(counted) for name in self.errors):
            return
        for name, messages in party_errors(self.program, self.party(), self.party_day).items():
            field = _form_field_for(self, name)
            if field is None or field not in self.errors:
                for message in messages:
                    self.add_error(field, message)

    def children_ages(self) -> list[int]:
        data = self.cleaned_data
        return [
            data[name]
            for name in self.fields
            if name.startswith("child_age_") and data.get(name) is not None
        ]

    def party(self) -> Party:
        data = self.cleaned_data
        ages = self.children_ages()
        children = len(ages) if self.program.requires_child_ages else data.get("children") or 0
        return Party(
            adults=data.get("adults", 1),
            children=children,
            children_ages=ages,
            childcare=data.get("childcare") or 0,
            due_date=data.get("due_date"),
            resident=data.get("resident") if "resident" in self.fields else None,
            company=data.get("company", ""),
            priority_group=data.get("priority_group", ""),
            attendee_names=tuple(attendee_names_given(self.fields, data)),
        )

    def add_service_error(self, exc: AppError) -> None:
        """Put a refused booking's errors next to their fields, or above the form."""
        add_service_errors(self, exc)


def add_service_errors(form: forms.Form, exc: AppError) -> None:
    errors_on_form(form, exc, lambda name: _form_field_for(form, name))


def _form_field_for(form: forms.Form, name: str) -> str | None:
    if name in form.fields:
        return name
    if name in ("children", "children_ages") and "child_age_1" in form.fields:
        return "child_age_1"
    if name == "children_ages" and "children" in form.fields:
        return "children"
    if name == "attendee_names":
        return first_attendee_field(form.fields)
    return None


class PartyChangeForm(forms.Form):
    """Change the party of a reservation: the same party fields the programme asked for."""

    def __init__(self, *args: Any, reservation, program: Program, **kwargs: Any) -> None:
        initial = {"adults": reservation.adults, "children": reservation.children}
        initial["childcare"] = reservation.childcare
        for n, age in enumerate(reservation.children_ages or [], start=1):
            initial[f"child_age_{n}"] = age
        initial.update(attendee_initial(reservation.attendee_names or []))
        kwargs.setdefault("initial", initial)
        kwargs.setdefault("prefix", "party")
        super().__init__(*args, **kwargs)
        self.reservation = reservation
        self.program = program
        self.fields.update(party_fields_for(program))
        self.fields.update(attendee_fields(program, first_required=True))

    def party(self) -> Party:
        data = self.cleaned_data
        r = self.reservation
        ages = [
            data[name]
            for name in self.fields
            if name.startswith("child_age_") and data.get(name) is not None
        ]
        if self.program.requires_child_ages:
            children, asked = len(ages), ages
        else:
            children, asked = data.get("children") or 0, None
        return party_resized(
            r,
            adults=data.get("adults", 1),
            children=children,
            ages=asked,
            childcare=data.get("childcare") or 0,
            attendee_names=attendee_names_given(self.fields, data),
        )
