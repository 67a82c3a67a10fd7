"""Input and output shapes of the reservation API."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from booking.models import Need, Reservation, ReservationStatus
from booking.selectors import session_id_from_request
from booking.services import waitlist_position
from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
    StrictPhoneField,
    StrictPrimaryKeyRelatedField,
    StrictSlugRelatedField,
    StrictTextField,
)
from core.languages import language_codes
from core.serializers import DeclaredFieldsSerializer
from events.models import Course, Session


class SessionField(StrictPrimaryKeyRelatedField):
    """A session id; the session already read for this request (context "session") is reused."""

    def to_internal_value(self, data):
        known = self.context.get("session")
        if known is not None and session_id_from_request(data) == known.pk:
            return known
        return super().to_internal_value(data)


def attendee_names_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=StrictCharField(max_length=100),
        max_length=20,
        help_text="Where the programme asks for them (asks_attendee_names): the name of each "
        "adult who comes, as many as adults (the one who books need not be one of them); "
        "otherwise not kept. A wrong count or an empty name is 400 invalid on attendee_names.",
        **kwargs,
    )


class ReservationCreateSerializer(DeclaredFieldsSerializer):
    """What a parent sends to reserve; rules of the programme are checked by the service."""

    session = SessionField(queryset=Session.objects.select_related("program"), required=False)
    course = StrictSlugRelatedField(
        slug_field="slug", queryset=Course.objects.all(), required=False
    )
    name = StrictCharField(max_length=100)
    name_kana = StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="ふりがな in hiragana or katakana (half-width katakana is stored full-width); "
        "anything else is refused with 400 `invalid`.",
    )
    email = StrictEmailField(max_length=254)
    phone = StrictPhoneField(required=False, allow_blank=True, default="")
    adults = StrictIntegerField(min_value=1, max_value=20)
    children = StrictIntegerField(min_value=0, max_value=20, default=0)
    children_ages = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=216),
        max_length=20,
        required=False,
        default=list,
        help_text="Age of each child in months at the session date.",
    )
    due_date = StrictDateField(required=False, allow_null=True, default=None)
    childcare = StrictIntegerField(min_value=0, max_value=20, default=0)
    resident = StrictBooleanField(required=False, allow_null=True, default=None)
    company = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the programme asks for it (requires_company). A programme with a "
        "member_list takes only one of its member_names (full-width letters and spaces are "
        "folded when compared; the official name is stored); any other is 400 invalid on "
        "company.",
    )
    priority_group = StrictCharField(max_length=50, required=False, allow_blank=True, default="")
    attendee_names = attendee_names_field(required=False, default=list)
    notes = StrictTextField(max_length=1000, required=False, allow_blank=True, default="")
    needs = serializers.ListField(
        child=StrictChoiceField(choices=Need.choices),
        max_length=len(Need.values),
        required=False,
        default=list,
        help_text="配慮事項: what the facility should prepare (wheelchair, allergy, ...).",
    )
    needs_detail = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    language = StrictChoiceField(choices=language_codes(), required=False)
    override_reason = StrictTextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Staff only: book beyond the rules (window, eligibility, capacity).",
    )

    def validate(self, attrs):
        if ("session" in attrs) == ("course" in attrs):
            raise serializers.ValidationError(
                {"session": [_("Give exactly one of session or course.")]}
            )
        return attrs


# The request body's two shapes, for the OpenAPI schema (oneOf): a session, or a course booked
# as a whole. ``ReservationCreateSerializer`` validates both and refuses a body with both.
class SessionReservationCreateSerializer(ReservationCreateSerializer):
    session = SessionField(queryset=Session.objects.select_related("program"))
    course = None


class CourseReservationCreateSerializer(ReservationCreateSerializer):
    session = None
    course = StrictSlugRelatedField(slug_field="slug", queryset=Course.objects.all())


RESERVATION_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="ReservationCreate",
    serializers=[SessionReservationCreateSerializer, CourseReservationCreateSerializer],
    resource_type_field_name=None,
)


class PartySerializer(serializers.Serializer):
    adults = StrictIntegerField(min_value=1, max_value=20)
    children = StrictIntegerField(min_value=0, max_value=20, default=0)
    children_ages = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=216),
        max_length=20,
        required=False,
        default=list,
    )
    due_date = StrictDateField(required=False, allow_null=True, default=None)
    childcare = StrictIntegerField(min_value=0, max_value=20, default=0)
    attendee_names = attendee_names_field(required=False)


_DATETIME = StrictDateTimeField()  # to_representation only: never bound


# Fields are declared rather than read off the model: a ModelSerializer builds its fields from
# the model on every use, a third of the cost of a confirmed booking's answer.
class ReservationSerializer(DeclaredFieldsSerializer):
    """A reservation as its holder sees it (never the token)."""

    code = StrictCharField(read_only=True, label=_("reservation code"))
    status = StrictChoiceField(choices=ReservationStatus.choices, read_only=True, label=_("status"))
    position = serializers.SerializerMethodField()
    session = StrictIntegerField(source="session_id", read_only=True, allow_null=True)
    course = StrictCharField(source="course.slug", read_only=True, allow_null=True)
    session_title = serializers.SerializerMethodField()
    start = serializers.SerializerMethodField()
    adults = StrictIntegerField(read_only=True, label=_("adults"))
    children = StrictIntegerField(read_only=True, label=_("children"))
    children_ages = serializers.JSONField(read_only=True, label=_("children's ages (months)"))
    due_date = StrictDateField(read_only=True, allow_null=True, label=_("expected due date"))
    childcare = StrictIntegerField(read_only=True, label=_("childcare seats"))
    attendee_names = serializers.JSONField(read_only=True, label=_("names of those who come"))
    name = StrictCharField(read_only=True, label=_("name"))
    email = StrictEmailField(read_only=True, label=_("email"))
    phone = StrictCharField(read_only=True, label=_("phone"))
    needs = serializers.JSONField(read_only=True, label=_("needs"))
    needs_detail = StrictCharField(read_only=True, label=_("needs (details)"))
    language = StrictCharField(read_only=True, label=_("language"))
    confirm_by = StrictDateTimeField(
        read_only=True, allow_null=True, label=_("confirm the lottery win by")
    )
    created_at = StrictDateTimeField(read_only=True)

    def get_position(self, obj: Reservation) -> int | None:
        if "position" in self.context:  # known to the caller, e.g. the booking just made
            return self.context["position"]
        return waitlist_position(obj)

    def _first_session(self, obj: Reservation) -> Session | None:
        if obj.session_id:
            return obj.session
        return obj.course.sessions.order_by("start").first()

    def get_session_title(self, obj: Reservation) -> str:
        if obj.course_id:
            return obj.course.title
        return obj.session.display_title

    def get_start(self, obj: Reservation) -> str | None:
        first = self._first_session(obj)
        return _DATETIME.to_representation(first.start) if first else None


class ReservationCreatedSerializer(ReservationSerializer):
    token = StrictCharField(
        read_only=True, help_text="Shown once: keep it to manage the reservation."
    )
    manage_url = StrictCharField(read_only=True)


def manage_url(code: str, token: str) -> str:
    return (
        f"{settings.SITE_URL}{reverse('reservation-manage', kwargs={'code': code})}?token={token}"
    )


class ReservationMoveSerializer(serializers.Serializer):
    session = SessionField(
        queryset=Session.objects.select_related("program", "facility"),
        help_text="The date to move to: another session of the same programme "
        "(GET lists those with room for the party).",
    )


class CancelSerializer(serializers.Serializer):
    reason = StrictTextField(max_length=500, required=False, allow_blank=True, default="")


class LotteryDrawSerializer(serializers.Serializer):
    session = StrictIntegerField(source="session_id")
    seed = StrictCharField()
    order = serializers.ListField(child=StrictIntegerField())
    winners = serializers.ListField(child=StrictIntegerField())
    drawn_at = StrictDateTimeField()
    confirmation_deadline = StrictDateTimeField(allow_null=True)
