"""Output and input shapes of the catalogue's API."""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSlugRelatedField,
    StrictTextField,
)
from core.languages import lang_query
from core.serializers import StrictModelSerializer
from events.models import Course, Facility, Program, Session
from events.selectors import member_names


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


class CalendarLinksMixin(serializers.Serializer):
    """`calendar_url` (https) and `webcal_url` of the object's subscription feed, in the
    request's language (``?lang=``, none for Japanese)."""

    calendar_url = serializers.SerializerMethodField()
    webcal_url = serializers.SerializerMethodField()
    calendar_url_name = ""

    def get_calendar_url(self, obj) -> str:
        return absolute(reverse(self.calendar_url_name, kwargs={"slug": obj.slug}) + lang_query())

    def get_webcal_url(self, obj) -> str:
        return webcal(self.get_calendar_url(obj))


class FacilitySerializer(CalendarLinksMixin, StrictModelSerializer):
    calendar_url_name = "calendar-facility"

    class Meta:
        model = Facility
        fields = [
            "slug",
            "name",
            "name_en",
            "city",
            "address",
            "access",
            "phone",
            "email",
            "latitude",
            "longitude",
            "calendar_url",
            "webcal_url",
        ]


class ProgramSerializer(CalendarLinksMixin, StrictModelSerializer):
    calendar_url_name = "calendar-program"
    member_list = StrictCharField(
        source="member_list.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The member list (e.g. 鹿児島市イクボス推進同盟) whose members alone can book; "
        "null: none.",
    )
    member_names = serializers.SerializerMethodField(
        help_text="The official names of the list's active members in the order of their "
        "reading: a booking's company must be one of them. Empty without a list."
    )

    def get_member_names(self, obj: Program) -> list[str]:
        if obj.member_list is None:
            return []
        members = getattr(obj.member_list, "active_members", None)
        if members is None:
            return member_names(member_list_id=obj.member_list_id)
        return [member.name for member in members]

    class Meta:
        model = Program
        fields = [
            "slug",
            "title",
            "title_en",
            "description",
            "audience",
            "what_to_bring",
            "eligibility_note",
            "requires_due_date",
            "requires_child_ages",
            "child_age_min_months",
            "child_age_max_months",
            "requires_residency",
            "requires_company",
            "asks_attendee_names",
            "member_list",
            "member_names",
            "booking_mode",
            "party_counting",
            "max_adults",
            "max_children",
            "childcare_offered",
            "waitlist_enabled",
            "waitlist_limit",
            "priority_groups",
            "calendar_url",
            "webcal_url",
        ]


class SessionSerializer(StrictModelSerializer):
    """A session as parents and calendar tools see it."""

    program = StrictSlugRelatedField(slug_field="slug", read_only=True)
    facility = StrictSlugRelatedField(slug_field="slug", read_only=True)
    course = StrictSlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    title = StrictCharField(source="display_title", read_only=True)
    seats_left = StrictIntegerField(read_only=True)
    children_left = StrictIntegerField(read_only=True, allow_null=True)
    childcare_left = StrictIntegerField(read_only=True)
    booking_mode = StrictCharField(source="program.booking_mode", read_only=True)
    audience = StrictCharField(source="program.audience", read_only=True)
    waitlist_enabled = StrictBooleanField(source="program.waitlist_enabled", read_only=True)
    waitlist_limit = StrictIntegerField(
        source="waitlist_capacity",
        read_only=True,
        allow_null=True,
        help_text="Parties the waiting list takes (the session's own limit, else the "
        "programme's); null: no limit.",
    )
    waitlist_left = StrictIntegerField(
        read_only=True,
        allow_null=True,
        help_text="Places left on the waiting list; null: no limit.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "program",
            "facility",
            "course",
            "title",
            "audience",
            "start",
            "end",
            "capacity",
            "seats_taken",
            "seats_left",
            "children_capacity",
            "children_left",
            "childcare_capacity",
            "childcare_left",
            "status",
            "cancel_reason",
            "booking_mode",
            "waitlist_enabled",
            "waitlist_limit",
            "waitlist_taken",
            "waitlist_left",
            "registration_opens",
            "registration_closes",
            "cancellation_deadline",
            "sequence",
        ]
        read_only_fields = fields


class SessionWriteSerializer(StrictModelSerializer):
    """Fields staff may set on a session; the rules are checked in events.services."""

    program = StrictSlugRelatedField(slug_field="slug", queryset=Program.objects.all())
    facility = StrictSlugRelatedField(slug_field="slug", queryset=Facility.objects.all())
    course = StrictSlugRelatedField(
        slug_field="slug", queryset=Course.objects.all(), required=False, allow_null=True
    )
    title = StrictCharField(max_length=200, required=False, allow_blank=True)
    capacity = StrictIntegerField(min_value=0, max_value=100_000)
    children_capacity = StrictIntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    childcare_capacity = StrictIntegerField(
        min_value=0, max_value=1_000, required=False, allow_null=True
    )
    waitlist_limit = StrictIntegerField(
        min_value=0,
        max_value=10_000,
        required=False,
        allow_null=True,
        help_text="キャンセル待ち上限 in parties for this session; null: the programme's limit.",
    )

    class Meta:
        model = Session
        fields = [
            "program",
            "facility",
            "course",
            "title",
            "start",
            "end",
            "capacity",
            "children_capacity",
            "childcare_capacity",
            "waitlist_limit",
            "registration_opens",
            "registration_closes",
            "cancellation_deadline",
        ]


class SessionCancelSerializer(serializers.Serializer):
    reason = StrictTextField(max_length=1000, required=False, allow_blank=True, default="")
