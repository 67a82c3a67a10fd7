"""Forms of the staff pages (the API has the same fields in staff_serializers)."""

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booking.attendee_fields import (
    attendee_field_names,
    attendee_fields,
    attendee_names_given,
    first_attendee_field,
)
from booking.models import Need
from booking.rules import party_errors, party_from_data
from booking.services import first_session, target_sessions
from core.filters import BoundedDateFormField, BoundedDateTimeFormField
from core.languages import supported_language
from core.phones import PhoneFormField, TelInput
from core.text import EmailFormField, MultiLineFormField, OneLineFormField
from events.models import BookingMode, Facility
from events.selectors import member_names, priority_group_label
from events.templatetags.parent_pages import months

WALK_IN_AGE_FIELDS = 4  # more children in a walk-in party are rare; their ages stay blank
WALK_IN_MAX_AGE = 6 * 12 + 11  # up to school age (6歳11か月)
# The caller often books for others (a company's managers) and does not come.
NAMES_HELP = _("The name of each adult who comes, one for each (the caller's only if they come).")


def age_choices(upto: int = WALK_IN_MAX_AGE) -> list[tuple[str, str]]:
    """Ages as people say them (1歳8か月), one choice per month, in place of raw months."""
    return [("", "—")] + [(str(m), months(m)) for m in range(0, upto + 1)]


class WalkInForm(forms.Form):
    """A party added at the door. The ふりがな and the childcare places are checked by the
    service (``staffdesk.services.party_details``), for this form and the API alike."""

    # The desk's own words for each mistake, not Django's generic "この項目は必須です".
    name = OneLineFormField(
        label=_("Name"), max_length=100, error_messages={"required": _("Enter the name.")}
    )
    name_kana = OneLineFormField(label=_("Name (kana)"), max_length=100, required=False)
    adults = forms.IntegerField(
        label=_("Adults"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={
            "required": _("Enter the number of adults."),
            "min_value": _("A party has at least 1 adult."),
        },
    )
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=20, initial=0)
    childcare = forms.IntegerField(label=_("Childcare places"), min_value=0, initial=0)
    phone = PhoneFormField(
        label=_("Phone"), required=False, widget=TelInput(attrs={"autocomplete": "off"})
    )
    email = EmailFormField(label=_("Email"), required=False)
    notes = MultiLineFormField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = OneLineFormField(
        label=_("Reason to go over capacity"),
        required=False,
        help_text=_("Only when the session is full: the capacity is raised for this party."),
    )
    check_in = forms.BooleanField(label=_("Check in now"), required=False, initial=True)

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = age_choices()  # one choice per child
        for n in range(1, WALK_IN_AGE_FIELDS + 1):
            self.fields[f"child_age_{n}"] = forms.TypedChoiceField(
                label=_("Age of child %(n)d") % {"n": n},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
        if program is not None and program.max_children == 0:
            # A seminar for adults: no child to count or age, at the door or on the phone.
            for name in ["children"] + [field.name for field in self.age_fields()]:
                del self.fields[name]
        if program is not None and not program.childcare_offered:
            del self.fields["childcare"]  # no 託児 field where the programme offers none
        if program is not None and program.member_list_id:
            # The list's members only (the walk-in's company may stay unsaid); a phone booking
            # naming a company off the list needs its reason.
            names = member_names(member_list_id=program.member_list_id)
            self.fields["company"] = forms.ChoiceField(
                label=_("Company or organisation"),
                choices=[("", "—")] + [(name, name) for name in names],
                required=False,
            )
        elif program is not None and program.requires_company:
            self.fields["company"] = OneLineFormField(
                label=_("Company or organisation"), max_length=200, required=False
            )

    def add_rule_errors(self) -> None:
        """The programme's rules, said on a form refused for other mistakes: none for a walk-in,
        who is let in whatever they say."""

    def age_fields(self):
        names = (f"child_age_{n}" for n in range(1, WALK_IN_AGE_FIELDS + 1))
        return [self[name] for name in names if name in self.fields]

    def clean(self):
        data = super().clean()
        ages = [data.get(field.name) for field in self.age_fields()]
        data["children_ages"] = [age for age in ages if age is not None]
        if len(data["children_ages"]) > (data.get("children") or 0):
            self.add_error("child_age_1", _("More ages than children are given."))
        data.setdefault("company", "")
        return data


class PhoneBookingForm(WalkInForm):
    """A caller's party (電話予約): the walk-in's fields, a phone number that is required, an
    email address that is not, the fields the programme asks for, and 配慮事項."""

    phone = PhoneFormField(
        label=_("Phone"),
        error_messages={"required": _("Enter the phone number.")},
        widget=TelInput(attrs={"autocomplete": "off"}),  # the caller's, not the desk's own
    )
    email = EmailFormField(
        label=_("Email"),
        required=False,
        help_text=_(
            "Only if the caller wants the confirmation by email. Without it, no email is sent."
        ),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_detail = OneLineFormField(label=_("Needs (details)"), max_length=200, required=False)
    override_reason = OneLineFormField(
        label=_("Reason to book outside the rules"),
        required=False,
        help_text=_(
            "Only when the rules refuse the booking (full, outside the booking period, not "
            "eligible): the booking is made anyway and the reason is kept in the audit log."
        ),
    )

    def __init__(self, *args, program=None, session=None, **kwargs):
        super().__init__(*args, program=program, **kwargs)
        del self.fields["check_in"]
        self.program, self.session = program, session
        if program is None:
            return
        if program.requires_due_date:
            self.fields["due_date"] = BoundedDateFormField(
                label=_("Expected due date"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        if program.requires_residency:
            city = session.facility.city if session is not None else ""
            self.fields["resident"] = forms.BooleanField(
                label=_("Lives in %(city)s") % {"city": city}, required=False
            )
        groups = [g for g in program.priority_groups if isinstance(g, dict) and g.get("key")]
        language = supported_language(get_language())
        if program.booking_mode == BookingMode.LOTTERY and groups:
            self.fields["priority_group"] = forms.ChoiceField(
                label=_("Priority group"),
                choices=[("", _("None of these"))]
                + [(g["key"], priority_group_label(g, language)) for g in groups],
                required=False,
            )
        self.fields.update(attendee_fields(program, help_text=NAMES_HELP))

    def rule_fields(self):
        """The fields the programme asks for, in the form's order (the names of those who come
        last, one per adult)."""
        names = ("due_date", "resident", "company", "priority_group")
        names += tuple(attendee_field_names(self.fields))
        return [self[name] for name in names if name in self.fields]

    def field_for(self, name: str) -> str | None:
        """The field that shows a service's error on ``name`` (None: above the form)."""
        if name == "attendee_names":
            return first_attendee_field(self.fields)
        return name if name in self.fields else None

    def add_rule_errors(self) -> None:
        """The programme's rules on the party (the names of those who come, eligibility), said
        with the form's own mistakes: the booking is not tried before those are fixed, so the
        rules would speak only then. Not where a reason lifts them, nor on a field that already
        says what is wrong with it."""
        data = self.cleaned_data
        if self.program is None or self.session is None or data.get("override_reason"):
            return
        if "adults" not in data:  # the party itself is wrong: the rules cannot count it
            return
        course = self.session.course if self.session.course_id else None
        sessions = target_sessions(session=None if course else self.session, course=course)
        day = timezone.localtime(first_session(sessions).start).date()
        for name, messages in party_errors(self.program, party_from_data(data), day).items():
            field = self.field_for(name)
            if field is not None and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)

    def clean(self):
        data = super().clean()
        data["resident"] = data.get("resident") if "resident" in self.fields else None
        data.setdefault("company", "")
        data.setdefault("priority_group", "")
        data["attendee_names"] = attendee_names_given(self.fields, data)
        return data


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MoveForm(forms.Form):
    start = BoundedDateTimeFormField(
        label=_("New start"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    end = BoundedDateTimeFormField(
        label=_("New end"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    facility = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Facility.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose"),
    )
    reason = MultiLineFormField(
        label=_("Internal note (audit log only)"),
        max_length=1000,
        help_text=_("Why the session moves, for the staff. Parents do not see it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message = MultiLineFormField(
        label=_("Message to parents"),
        max_length=1000,
        required=False,
        help_text=_("Optional: added to the email every party gets with the new date and place."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, facilities=None, session=None, **kwargs):
        if session is not None:
            kwargs.setdefault(
                "initial",
                {
                    "start": timezone.localtime(session.start),
                    "end": timezone.localtime(session.end),
                    "facility": session.facility,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = (
            facilities if facilities is not None else Facility.objects.none()
        )


class CancelForm(forms.Form):
    reason = MultiLineFormField(
        label=_("Reason (sent to every party)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Yes, cancel this session and tell every party"))


class NoticeForm(forms.Form):
    """A notice to the parties of a session (お知らせ): staff's words, as the email gives them."""

    message = MultiLineFormField(
        label=_("Notice"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Sent as you write it, in an email that gives the session, the party and the link "
            "to the reservation page in each party's language."
        ),
    )
    include_waiting = forms.BooleanField(
        label=_("Also send it to the parties on the waiting list or in the lottery"),
        required=False,
    )


class CapacityForm(forms.Form):
    """The capacity, and the children's own limit of a session that has one (子どもの定員)."""

    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=100000)
    reason = MultiLineFormField(label=_("Reason"), max_length=1000, required=False)

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None and session.children_capacity is not None:
            self.fields["children_capacity"] = forms.IntegerField(
                label=_("Children's capacity"),
                min_value=0,
                max_value=100000,
                initial=session.children_capacity,
            )
            self.order_fields(["capacity", "children_capacity", "reason"])


class PromoteForm(forms.Form):
    code = forms.CharField(max_length=12, widget=forms.HiddenInput)
    reason = MultiLineFormField(label=_("Reason"), max_length=1000)


class WinConfirmForm(forms.Form):
    """A lottery win confirmed for a party staff phoned, with what was said if worth keeping."""

    code = forms.CharField(max_length=12, widget=forms.HiddenInput)
    note = OneLineFormField(label=_("Note (optional)"), max_length=200, required=False)


class ExportForm(forms.Form):
    date_from = BoundedDateFormField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateFormField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All my facilities"),
    )

    def __init__(self, *args, facilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = (
            facilities if facilities is not None else Facility.objects.none()
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        if start and end and (end - start).days > 400:
            self.add_error("date_to", _("Export at most about a year at a time."))
        return data
