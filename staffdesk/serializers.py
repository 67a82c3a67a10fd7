"""Input and output shapes of the staff API."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from booking.addresses import receives_email
from booking.models import ReservationStatus
from booking.serializers import ReservationCreateSerializer
from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
    StrictPhoneField,
    StrictSlugRelatedField,
    StrictTextField,
)
from core.serializers import StrictModelSerializer
from events.models import Facility, SessionStatus
from staffdesk.models import StaffAction, StaffActionKind


class StaffSessionSerializer(serializers.Serializer):
    id = StrictIntegerField()
    title = StrictCharField(source="display_title")
    program = StrictCharField(source="program.slug")
    facility = StrictCharField(source="facility.slug")
    facility_name = StrictCharField(source="facility.name")
    course = serializers.SerializerMethodField()
    start = StrictDateTimeField()
    end = StrictDateTimeField()
    status = StrictChoiceField(choices=SessionStatus.choices)
    capacity = StrictIntegerField()
    seats_taken = StrictIntegerField()
    children_capacity = StrictIntegerField(allow_null=True)
    children_taken = StrictIntegerField()
    childcare_capacity = StrictIntegerField(allow_null=True)
    childcare_taken = StrictIntegerField()
    booking_mode = StrictCharField(source="program.booking_mode")
    sequence = StrictIntegerField()

    def get_course(self, session) -> str | None:
        return session.course.slug if session.course_id else None


class TodaySessionSerializer(StaffSessionSerializer):
    waitlist_length = StrictIntegerField()
    checked_in = StrictIntegerField()


class NotificationStateSerializer(serializers.Serializer):
    """The latest email queued for a party and how far it got."""

    kind = StrictCharField()
    status = StrictCharField()
    at = serializers.SerializerMethodField()

    def get_at(self, notification) -> datetime:
        return StrictDateTimeField().to_representation(
            notification.sent_at or notification.created_at
        )


class PartySerializer(serializers.Serializer):
    """A party on a roster (row fields shared by the roster and the date-range export)."""

    code = StrictCharField(source="reservation.code")
    name = StrictCharField(source="reservation.name")
    name_kana = StrictCharField(source="reservation.name_kana")
    adults = StrictIntegerField(source="reservation.adults")
    children = StrictIntegerField(source="reservation.children")
    children_ages = serializers.ListField(
        child=StrictIntegerField(), source="reservation.children_ages"
    )
    childcare = StrictIntegerField(source="reservation.childcare")
    attendee_names = serializers.ListField(
        child=StrictCharField(),
        source="reservation.attendee_names",
        help_text="The name of each adult who comes, where the programme asks for them "
        "(asks_attendee_names); else empty.",
    )
    phone = StrictCharField(source="reservation.phone")
    email = serializers.SerializerMethodField()
    notes = StrictTextField(source="reservation.notes")
    status = StrictChoiceField(choices=ReservationStatus.choices, source="reservation.status")
    attendance = StrictChoiceField(choices=["", "attended", "no_show"])
    source = StrictCharField(source="reservation.source")
    course_reservation = serializers.SerializerMethodField()

    def get_email(self, row) -> str:
        email = row.reservation.email
        return email if receives_email(email) else ""

    def get_course_reservation(self, row) -> bool:
        return row.reservation.course_id is not None


class RosterRowSerializer(PartySerializer):
    notification = NotificationStateSerializer(allow_null=True)
    notifications_failed = StrictIntegerField()


class RosterSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    sort = StrictCharField()
    query = StrictCharField()
    scope = StrictCharField()
    parties = StrictIntegerField()
    people = StrictIntegerField()
    attended = StrictIntegerField()
    no_shows = StrictIntegerField()
    rows = RosterRowSerializer(many=True)


class ExportRowSerializer(PartySerializer):
    session = StaffSessionSerializer()


class CheckInSerializer(serializers.Serializer):
    code = StrictCharField(max_length=12)
    attended = StrictBooleanField(
        default=True, help_text="true: check in; false: undo the check-in"
    )


class CheckInResultSerializer(serializers.Serializer):
    code = StrictCharField(source="reservation.code")
    status = StrictCharField(source="reservation.status")
    attendance = StrictCharField()
    changed = StrictBooleanField(
        help_text="false when the party was already in this state (e.g. a second tap)"
    )
    attended_count = StrictIntegerField()


class NoShowsResultSerializer(serializers.Serializer):
    count = StrictIntegerField()
    codes = serializers.ListField(child=StrictCharField())


class WalkInSerializer(serializers.Serializer):
    """A party added at the door; the service checks its ふりがな and childcare places."""

    name = StrictCharField(max_length=100)
    name_kana = StrictCharField(max_length=100, required=False, default="", allow_blank=True)
    adults = StrictIntegerField(min_value=1, max_value=20, default=1)
    children = StrictIntegerField(min_value=0, max_value=20, default=0)
    children_ages = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=240), required=False, default=list
    )
    childcare = StrictIntegerField(min_value=0, max_value=20, default=0)
    phone = StrictPhoneField(required=False, default="", allow_blank=True)
    email = StrictEmailField(required=False, allow_blank=True)  # a default "" is no email
    notes = StrictTextField(max_length=1000, required=False, default="", allow_blank=True)
    company = StrictCharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Where the programme asks for it; for a programme limited to a member list, "
        "a member's name (stored as the list writes it) or none.",
    )
    override_reason = StrictTextField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Needed only when the party does not fit: the capacity is raised for it.",
    )
    check_in = StrictBooleanField(default=True, help_text="Mark the party attended now")


class WalkInResultSerializer(serializers.Serializer):
    code = StrictCharField()
    status = StrictCharField()
    attendance = StrictCharField()
    session = StaffSessionSerializer()


class PhoneBookingSerializer(ReservationCreateSerializer):
    """A caller's party (電話予約): the reservation API's body for the session of the URL, with
    a phone number that is required and an email address that is not."""

    session = None
    course = None
    language = None
    email = StrictEmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        # No default: '' is no email address, and an OpenAPI default must match the format.
        help_text="Only if the caller wants the confirmation by email; without it none is sent.",
    )
    phone = StrictPhoneField()
    override_reason = StrictTextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Only when the rules refuse the booking (full, outside the booking period, not "
            "eligible): it is made anyway (the capacity raised for a party that does not fit) "
            "and the reason is kept in the audit log."
        ),
    )

    def validate(self, attrs):
        """Nothing across fields: the session is the URL's, so the reservation body's "session
        or course" does not apply, and the party's details are the service's to check
        (``staffdesk.services.party_details``)."""
        return attrs


class StaffPartyResultSerializer(PartySerializer):
    """A party as the roster shows it, with its session after the change."""

    session = StaffSessionSerializer()


class PhoneBookedSerializer(StaffPartyResultSerializer):
    position = StrictIntegerField(
        allow_null=True, help_text="Place on the waiting list (status waitlisted), else null"
    )
    needs = serializers.ListField(child=StrictCharField(), source="reservation.needs")
    needs_detail = StrictCharField(source="reservation.needs_detail")
    slip = StrictCharField(help_text="The 受付票 page to print and hand over or read out")


class WinConfirmSerializer(serializers.Serializer):
    code = StrictCharField(max_length=12)
    note = StrictCharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="What was said on the phone, if worth keeping: the audit log only.",
    )


class MoveSerializer(serializers.Serializer):
    start = StrictDateTimeField()
    end = StrictDateTimeField()
    # Left out, the session stays where it is; null or "" is a mistake, never "stay".
    facility = StrictSlugRelatedField(
        slug_field="slug", queryset=Facility.objects.all(), required=False
    )
    reason = StrictTextField(max_length=1000, help_text="Internal note: the audit log only.")
    message = StrictTextField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional message to the parties, in the email about the move.",
    )


class CancelSessionSerializer(serializers.Serializer):
    reason = StrictTextField(max_length=1000)


class CapacitySerializer(serializers.Serializer):
    capacity = StrictIntegerField(min_value=0, max_value=100000)
    children_capacity = StrictIntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    childcare_capacity = StrictIntegerField(
        min_value=0, max_value=100000, required=False, allow_null=True
    )
    reason = StrictTextField(max_length=1000, required=False, default="", allow_blank=True)


class CapacityResultSerializer(serializers.Serializer):
    session = StaffSessionSerializer()
    promoted = serializers.ListField(child=StrictCharField())


class PromoteSerializer(serializers.Serializer):
    code = StrictCharField(max_length=12)
    reason = StrictTextField(max_length=1000)


class WaitingPartySerializer(serializers.Serializer):
    position = StrictIntegerField()
    code = StrictCharField()
    name = StrictCharField()
    name_kana = StrictCharField()
    adults = StrictIntegerField()
    children = StrictIntegerField()
    status = StrictCharField()
    draw_rank = StrictIntegerField(allow_null=True)
    priority_group = StrictCharField()
    created_at = StrictDateTimeField()


class DrawSerializer(serializers.Serializer):
    seed = StrictCharField()
    drawn_at = StrictDateTimeField()
    winners = StrictIntegerField()
    drawn = StrictIntegerField()
    confirmation_deadline = StrictDateTimeField(allow_null=True)


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
    month = StrictDateField()
    sessions_held = StrictIntegerField()
    sessions_cancelled = StrictIntegerField()
    capacity = StrictIntegerField()
    reserved = StrictIntegerField(help_text="Seats held, as the programme counts a party")
    reserved_parties = StrictIntegerField()
    attended = StrictIntegerField(help_text="Parties that came")
    attended_people = StrictIntegerField(help_text="Adults and children who came")
    no_shows = StrictIntegerField()
    cancellations = StrictIntegerField()
    promotions = StrictIntegerField(help_text="Promotions from the waiting list")
    fill_rate = serializers.FloatField(allow_null=True, help_text="reserved / capacity")


class ReportTotalSerializer(ReportRowSerializer):
    facility = None
    program = None


class ReportSerializer(serializers.Serializer):
    fiscal_year = StrictIntegerField()
    facility = serializers.SerializerMethodField()
    rows = ReportRowSerializer(many=True)
    months = ReportTotalSerializer(many=True)
    total = ReportTotalSerializer()

    def get_facility(self, report) -> str | None:
        return report.facility.slug if report.facility else None


class NoticeSerializer(serializers.Serializer):
    message = StrictTextField(max_length=2000)
    include_waiting = StrictBooleanField(required=False, default=False)


class NoticePartySerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()
    phone = StrictCharField()


class NoticeResultSerializer(serializers.Serializer):
    emailed = StrictIntegerField(help_text=_("Parties the notice was emailed to."))
    without_email = NoticePartySerializer(
        many=True, help_text=_("Parties without an email address, to be told by phone.")
    )
