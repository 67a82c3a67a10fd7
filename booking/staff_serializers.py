"""Input and output shapes of the staff API."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from booking.models import ReservationStatus, StaffAction, StaffActionKind
from booking.staff_services import is_walk_in_placeholder
from events.models import Facility, SessionStatus


class StaffSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="display_title")
    program = serializers.CharField(source="program.slug")
    facility = serializers.CharField(source="facility.slug")
    facility_name = serializers.CharField(source="facility.name")
    course = serializers.SerializerMethodField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    capacity = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    children_capacity = serializers.IntegerField(allow_null=True)
    children_taken = serializers.IntegerField()
    childcare_capacity = serializers.IntegerField(allow_null=True)
    childcare_taken = serializers.IntegerField()
    booking_mode = serializers.CharField(source="program.booking_mode")
    sequence = serializers.IntegerField()

    def get_course(self, session) -> str | None:
        return session.course.slug if session.course_id else None


class TodaySessionSerializer(StaffSessionSerializer):
    waitlist_length = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class NotificationStateSerializer(serializers.Serializer):
    """The latest email queued for a party and how far it got."""

    kind = serializers.CharField()
    status = serializers.CharField()
    at = serializers.SerializerMethodField()

    def get_at(self, notification) -> datetime:
        return serializers.DateTimeField().to_representation(
            notification.sent_at or notification.created_at
        )


class PartySerializer(serializers.Serializer):
    """A party on a roster (row fields shared by the roster and the date-range export)."""

    code = serializers.CharField(source="reservation.code")
    name = serializers.CharField(source="reservation.name")
    name_kana = serializers.CharField(source="reservation.name_kana")
    adults = serializers.IntegerField(source="reservation.adults")
    children = serializers.IntegerField(source="reservation.children")
    children_ages = serializers.ListField(
        child=serializers.IntegerField(), source="reservation.children_ages"
    )
    childcare = serializers.IntegerField(source="reservation.childcare")
    phone = serializers.CharField(source="reservation.phone")
    email = serializers.SerializerMethodField()
    notes = serializers.CharField(source="reservation.notes")
    status = serializers.ChoiceField(choices=ReservationStatus.choices, source="reservation.status")
    attendance = serializers.ChoiceField(choices=["", "attended", "no_show"])
    source = serializers.CharField(source="reservation.source")
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
    sort = serializers.CharField()
    query = serializers.CharField()
    scope = serializers.CharField()
    parties = serializers.IntegerField()
    people = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    rows = RosterRowSerializer(many=True)


class ExportRowSerializer(PartySerializer):
    session = StaffSessionSerializer()


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    attended = serializers.BooleanField(
        default=True, help_text="true: check in; false: undo the check-in"
    )


class CheckInResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="reservation.code")
    status = serializers.CharField(source="reservation.status")
    attendance = serializers.CharField()
    changed = serializers.BooleanField(
        help_text="false when the party was already in this state (e.g. a second tap)"
    )
    attended_count = serializers.IntegerField()


class NoShowsResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    codes = serializers.ListField(child=serializers.CharField())


class WalkInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    adults = serializers.IntegerField(min_value=1, max_value=20, default=1)
    children = serializers.IntegerField(min_value=0, max_value=20, default=0)
    children_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=240), required=False, default=list
    )
    childcare = serializers.IntegerField(min_value=0, max_value=20, default=0)
    phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)  # a default "" is no email
    notes = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    override_reason = serializers.CharField(
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
    code = serializers.CharField()
    status = serializers.CharField()
    attendance = serializers.CharField()
    session = StaffSessionSerializer()


class MoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    facility = serializers.SlugRelatedField(
        slug_field="slug", queryset=Facility.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=1000)


class CancelSessionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class CapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=0, max_value=100000)
    children_capacity = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    childcare_capacity = serializers.IntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class CapacityResultSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    promoted = serializers.ListField(child=serializers.CharField())


class PromoteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    reason = serializers.CharField(max_length=1000)


class WaitingPartySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_kana = serializers.CharField()
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    status = serializers.CharField()
    draw_rank = serializers.IntegerField(allow_null=True)
    priority_group = serializers.CharField()
    created_at = serializers.DateTimeField()


class DrawSerializer(serializers.Serializer):
    seed = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    winners = serializers.IntegerField()
    drawn = serializers.IntegerField()
    confirmation_deadline = serializers.DateTimeField(allow_null=True)


class WaitingListSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    waiting = WaitingPartySerializer(many=True)
    applicants = WaitingPartySerializer(many=True)
    draw = DrawSerializer(allow_null=True)


class StaffActionSerializer(serializers.ModelSerializer):
    who = serializers.CharField(source="actor_label")
    what = serializers.ChoiceField(source="kind", choices=StaffActionKind.choices)
    reservation = serializers.SerializerMethodField()

    class Meta:
        model = StaffAction
        fields = ["at", "who", "what", "reservation", "reason", "before", "after"]

    def get_reservation(self, action) -> str | None:
        return action.reservation.code if action.reservation_id else None


class ReportRowSerializer(serializers.Serializer):
    facility = serializers.CharField(source="facility_name")
    program = serializers.CharField(source="program_title")
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
