"""Filters of the sessions list (API and pages): facility, programme, audience, dates, seats."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from core.filters import BoundedDateFilter
from events.models import Audience, BookingMode, Course, Facility, Program, Session, SessionStatus


def slug_filter(queryset: QuerySet, description: str) -> django_filters.ModelChoiceFilter:
    """A related row named by its slug, documented as the string it is.

    drf-spectacular would document the model's integer key, and a client built from the schema
    would send a number and be refused.
    """
    found = django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", help_text=description
    )
    set_override(found, "field", {"type": "string", "description": description})
    return found


def _day_start(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min), timezone.get_default_timezone())


class SessionFilter(django_filters.FilterSet):
    facility = slug_filter(Facility.objects.all(), _("Facility slug"))
    program = slug_filter(Program.objects.all(), _("Programme slug"))
    course = slug_filter(Course.objects.all(), _("Course slug"))
    audience = django_filters.ChoiceFilter(field_name="program__audience", choices=Audience.choices)
    booking_mode = django_filters.ChoiceFilter(
        field_name="program__booking_mode", choices=BookingMode.choices
    )
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    date_from = BoundedDateFilter(
        method="filter_date_from", help_text=_("Sessions starting on or after this day (JST)")
    )
    date_to = BoundedDateFilter(
        method="filter_date_to", help_text=_("Sessions starting on or before this day (JST)")
    )
    has_seats = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")],
        method="filter_has_seats",
        help_text=_(
            "true: only scheduled sessions with seats left whose registration has not closed; "
            "false: the others"
        ),
    )

    class Meta:
        model = Session
        fields = ["facility", "program", "course", "audience", "booking_mode", "status"]

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(start__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(start__lt=_day_start(value + timedelta(days=1)))

    def filter_has_seats(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # A seat nobody can book any more (registration closed) is no seat to a parent.
        with_seats = queryset.filter(
            status=SessionStatus.SCHEDULED,
            seats_taken__lt=F("capacity"),
            registration_closes__gt=timezone.now(),
        )
        if value in ("true", "1"):
            return with_seats
        return queryset.exclude(pk__in=with_seats.values("pk"))
