"""The forms of a party's page at the desk: its party changed, moved to another date, its
booking cancelled."""

from django import forms
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from booking.attendee_fields import (
    attendee_field_names,
    attendee_fields,
    attendee_initial,
    attendee_names_given,
    first_attendee_field,
)
from booking.rules import Party, party_resized
from core.dates import format_span
from core.text import MultiLineFormField
from staffdesk.forms import NAMES_HELP, WALK_IN_MAX_AGE, age_choices


class PartyChangeForm(forms.Form):
    """A booked party resized at the desk: adults, children (with their ages where the
    programme asks for them), childcare places where it offers them, and the names of those
    who come where it asks for them. The programme's rules
    and the seats left are the booking service's (``reservation_change_party``)."""

    adults = forms.IntegerField(label=_("Adults"), min_value=1, max_value=20)
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=20)
    childcare = forms.IntegerField(label=_("Childcare places"), min_value=0, max_value=20)

    def __init__(self, *args, reservation, program, **kwargs):
        initial = {
            "adults": reservation.adults,
            "children": reservation.children,
            "childcare": reservation.childcare,
        }
        ages = list(reservation.children_ages or [])
        for n, age in enumerate(ages, start=1):
            initial[f"child_age_{n}"] = str(age)
        initial.update(attendee_initial(list(reservation.attendee_names or [])))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.reservation = reservation
        self.program = program
        self.age_count = 0
        if program.requires_child_ages:
            self.age_count = max(program.max_children, len(ages), 1)
            upto = max(WALK_IN_MAX_AGE, program.child_age_max_months or 0, *ages)
            for n in range(1, self.age_count + 1):
                self.fields[f"child_age_{n}"] = forms.TypedChoiceField(
                    label=_("Age of child %(n)d") % {"n": n},
                    choices=age_choices(upto),
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        if not program.childcare_offered:
            del self.fields["childcare"]
        if program.max_children == 0 and not reservation.children:
            del self.fields["children"]  # a seminar for adults: no child to count
        self.fields.update(attendee_fields(program, help_text=NAMES_HELP))

    def age_fields(self):
        return [self[f"child_age_{n}"] for n in range(1, self.age_count + 1)]

    def name_fields(self):
        return [self[name] for name in attendee_field_names(self.fields)]

    def party(self) -> Party:
        """The party as the form gives it; what the form does not ask is the reservation's."""
        data = self.cleaned_data
        r = self.reservation
        ages = None  # ages the programme does not ask for are kept while they still fit
        if self.age_count:
            ages = [data[f"child_age_{n}"] for n in range(1, self.age_count + 1)]
            ages = [age for age in ages if age is not None]
        return party_resized(
            r,
            adults=data["adults"],
            children=data.get("children", r.children),
            ages=ages,
            childcare=data.get("childcare") or 0,
            attendee_names=attendee_names_given(self.fields, data),
        )

    def field_for(self, name: str) -> str | None:
        """The field that shows a service's error on ``name`` (None: above the form)."""
        if name in self.fields:
            return name
        if name == "children_ages":
            return "child_age_1" if self.age_count else "children"
        if name == "attendee_names":
            return first_attendee_field(self.fields)
        return None


class ReservationCancelForm(forms.Form):
    """A party's booking cancelled at the desk; the reason goes to the parent's email too."""

    reason = MultiLineFormField(
        label=_("Reason (sent to the parent)"),
        max_length=1000,
        help_text=_("Kept in the history and the audit log, and written in the parent's email."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartyMoveForm(forms.Form):
    """Another date of the programme for a booked party, among ``choices`` (the sessions the
    staff member may move it to); the seats are the booking service's (``reservation_move``)."""

    session = forms.TypedChoiceField(label=_("New date"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in choices}
        self.fields["session"].choices = [(s.pk, move_choice_label(s)) for s in choices]

    def chosen(self):
        return self.sessions[self.cleaned_data["session"]]


def move_choice_label(session) -> str:
    """A date as the desk's select names it: 12月21日（月）10:00〜11:00 りぼんかん（残り15席）."""
    left = ngettext("%(n)s seat left", "%(n)s seats left", session.seats_left) % {
        "n": session.seats_left
    }
    return _("%(when)s %(facility)s (%(left)s)") % {
        "when": format_span(session.start, session.end, get_language()),
        "facility": session.facility.name,
        "left": left,
    }
