"""Input and output shapes of the staff API."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from booking.models import ReservationStatus
from core.fields import StrictCharField, StrictChoiceField, StrictEmailField, StrictSlugRelatedField
from core.serializers import StrictModelSerializer
from events.models import Facility, SessionStatus
from staffdesk.models import StaffAction, StaffActionKind
from staffdesk.services import is_walk_in_placeholder


class StaffSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField(source="display_title")
    program = StrictCharField(source="program.slug")
    facility = StrictCharField(source="facility.slug")
    facility_name = StrictCharField(source="facility.name")
    course = serializers.SerializerMethodField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = StrictChoiceField(choices=SessionStatus.choices)
    capacity = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    children_capacity = serializers.IntegerField(allow_null=True)
    children_taken = serializers.IntegerField()
    childcare_capacity = serializers.IntegerField(allow_null=True)
    childcare_taken = serializers.IntegerField()
    booking_mode = StrictCharField(source="program.booking_mode")
    sequence = serializers.IntegerField()

    def get_course(self, session) -> str | None:
        return session.course.slug if session.course_id else None


class TodaySessionSerializer(StaffSessionSerializer):
    waitlist_length = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class NotificationStateSerializer(serializers.Serializer):
    """The latest email queued for a party and how far it got."""

    kind = StrictCharField()
    status = StrictCharField()
    at = serializers.SerializerMethodField()

    def get_at(self, notification) -> datetime:
        return serializers.DateTimeField().to_representation(
            notification.sent_at or notification.created_at
        )


class PartySerializer(serializers.Serializer):
    """A party on a roster (row fields shared by the roster and the date-range export)."""

    code = StrictCharField(source="reservation.code")
    name = StrictCharField(source="reservation.name")
    name_kana = StrictCharField(source="reservation.name_kana")
    adults = serializers.IntegerField(source="reservation.adults")
    children = serializers.IntegerField(source="reservation.children")
    children_ages = serializers.ListField(
        child=serializers.IntegerField(), source="reservation.children_ages"
    )
    childcare = serializers.IntegerField(source="reservation.childcare")
    phone = StrictCharField(source="reservation.phone")
    email = serializers.SerializerMethodField()
    notes = StrictCharField(source="reservation.notes")
    status = StrictChoiceField(choices=ReservationStatus.choices, source="reservation.status")
    attendance = StrictChoiceField(choices=["", "attended", "no_show"])
    source = StrictCharField(source="reservation.source")
    course_reservation = serializers.SerializerMethodField()

    def get_email(self, row) -> str:
        email = row.reservation.email
        return "" if is_walk_in_placeholder(email) else email

    def get_course_reservation(self, row) -> bool:
        return row.reservation.course_id is not None


class RosterRowSerializer(PartySerializer):
    notification = NotificationStateSerializer(allow_null=True)
    notifications_failed = serializers.IntegerField()


class RosterSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    sort = StrictCharField()
    query = StrictCharField()
    scope = StrictCharField()
    parties = serializers.IntegerField()
    people = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    rows = RosterRowSerializer(many=True)


class ExportRowSerializer(PartySerializer):
    session = StaffSessionSerializer()


class CheckInSerializer(serializers.Serializer):
    code = StrictCharField(max_length=12)
    attended = serializers.BooleanField(
        default=True, help_text="true: check in; false: undo the check-in"
    )


class CheckInResultSerializer(serializers.Serializer):
    code = StrictCharField(source="reservation.code")
    status = StrictCharField(source="reservation.status")
    attendance = StrictCharField()
    changed = serializers.BooleanField(
        help_text="false when the party was already in this state (e.g. a second tap)"
    )
    attended_count = serializers.IntegerField()


class NoShowsResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    codes = serializers.ListField(child=StrictCharField())


class WalkInSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    name_kana = StrictCharField(max_length=100, required=False, default="", allow_blank=True)
    adults = serializers.IntegerField(min_value=1, max_value=20, default=1)
    children = serializers.IntegerField(min_value=0, max_value=20, default=0)
    children_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=240), required=False, default=list
    )
    childcare = serializers.IntegerField(min_value=0, max_value=20, default=0)
    phone = StrictCharField(max_length=30, required=False, default="", allow_blank=True)
    email = StrictEmailField(required=False, allow_blank=True)  # a default "" is no email
    notes = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)
    override_reason = StrictCharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Needed only when the party does not fit: the capacity is raised for it.",
    )
    check_in = serializers.BooleanField(default=True, help_text="Mark the party attended now")

    def validate(self, attrs):
        if attrs["childcare"] > attrs["children"]:
            raise serializers.ValidationError(
                {"childcare": [_("Childcare cannot be more than the number of children.")]}
            )
        return attrs


class WalkInResultSerializer(serializers.Serializer):
    code = StrictCharField()
    status = StrictCharField()
    attendance = StrictCharField()
    session = StaffSessionSerializer()


class MoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    facility = StrictSlugRelatedField(
        slug_field="slug", queryset=Facility.objects.all(), required=False, allow_null=True
    )
    reason = StrictCharField(max_length=1000)


class CancelSessionSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=1000)


class CapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=100000)
    children_capacity = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    childcare_capacity = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    reason = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)


class CapacityResultSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    promoted = serializers.ListField(child=StrictCharField())


class PromoteSerializer(serializers.Serializer):
    code = StrictCharField(max_length=12)
    reason = StrictCharField(max_length=1000)


class WaitingPartySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    code = StrictCharField()
    name = StrictCharField()
    name_kana = StrictCharField()
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    status = StrictCharField()
    draw_rank = serializers.IntegerField(allow_null=True)
    priority_group = StrictCharField()
    created_at = serializers.DateTimeField()


class DrawSerializer(serializers.Serializer):
    seed = StrictCharField()
    drawn_at = serializers.DateTimeField()
    winners = serializers.IntegerField()
    drawn = serializers.IntegerField()
    confirmation_deadline = serializers.DateTimeField(allow_null=True)


class WaitingListSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    waiting = WaitingPartySerializer(many=True)
    applicants = WaitingPartySerializer(many=True)
    draw = DrawSerializer(allow_null=True)


class StaffActionSerializer(StrictModelSerializer):
    who = StrictCharField(source="actor_label")
    what = StrictChoiceField(source="kind", choices=StaffActionKind.choices)
    reservation = serializers.SerializerMethodField()

    class Meta:
        model = StaffAction
        fields = ["at", "who", "what", "reservation", "reason", "before", "after"]

    def get_reservation(self, action) -> str | None:
        return action.reservation.code if action.reservation_id else None


class ReportRowSerializer(serializers.Serializer):
    facility = StrictCharField(source="facility_name")
    program = StrictCharField(source="program_title")
    month = serializers.DateField()
    sessions_held = serializers.IntegerField()
    sessions_cancelled = serializers.IntegerField()
    capacity = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text="Seats held, as the programme counts a party")
    reserved_parties = serializers.IntegerField()
    attended = serializers.IntegerField(help_text="Parties that came")
    attended_people = serializers.IntegerField(help_text="Adults and children who came")
    no_shows = serializers.IntegerField()
    cancellations = serializers.IntegerField()
    promotions = serializers.IntegerField(help_text="Promotions from the waiting list")
    fill_rate = serializers.FloatField(allow_null=True, help_text="reserved / capacity")


class ReportTotalSerializer(ReportRowSerializer):
    facility = None
    program = None


class ReportSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    facility = serializers.SerializerMethodField()
    rows = ReportRowSerializer(many=True)
    months = ReportTotalSerializer(many=True)
    total = ReportTotalSerializer()

    def get_facility(self, report) -> str | None:
        return report.facility.slug if report.facility else None
