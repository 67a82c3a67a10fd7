"""Staff managers export or erase the personal data held for an email address or a phone
number (a phone booking may hold no address)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import privacy
from core.fields import StrictCharField, StrictEmailField, StrictIntegerField
from core.phones import phone_digits
from core.schema import ERROR_RESPONSES
from events.models import StaffRole
from events.selectors import staff_facility_ids
from staffdesk.models import StaffActionKind
from staffdesk.services import staff_action_record

# The digits of a whole number: a local number without its area code (6) to E.164's longest.
PHONE_DIGITS = (6, 15)


class PersonQuerySerializer(serializers.Serializer):
    """Whom a request is about: an email address, or a phone number as typed (090-1234-5678,
    ０９０１２３４５６７８ and +81 90 1234 5678 are one number; only the whole number matches)."""

    email = StrictEmailField(max_length=254, required=False)
    phone = StrictCharField(max_length=30, required=False)

    def validate_phone(self, value: str) -> str:
        digits = phone_digits(value)
        low, high = PHONE_DIGITS
        if digits is None or not low <= len(digits) <= high:
            raise serializers.ValidationError(
                _("Enter a whole phone number, such as 090-1234-5678.")
            )
        return digits

    def validate(self, data: dict) -> dict:
        if ("email" in data) == ("phone" in data):
            raise serializers.ValidationError(_("Give either an email address or a phone number."))
        return data


class PersonalDataExportApi(APIView):
    """Staff: everything held for an email address or a phone number at their facilities
    (個人情報の開示請求)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "email",
                OpenApiTypes.EMAIL,
                OpenApiParameter.QUERY,
                description="The address (give this or phone).",
            ),
            OpenApiParameter(
                "phone",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="A whole phone number, hyphens, spaces and full-width digits "
                "ignored (give this or email).",
            ),
        ],
        responses={
            200: inline_serializer(
                "PersonalDataExport",
                {
                    "email": StrictEmailField(required=False),
                    "phone": StrictCharField(required=False, help_text="the number's digits"),
                    "reservations": serializers.ListField(child=serializers.DictField()),
                    "appointments": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **ERROR_RESPONSES,
        },
    )
    def get(self, request):
        query = PersonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        facility_ids = staff_facility_ids(request.user)
        if facility_ids is not None and not facility_ids:
            raise PermissionDenied(_("Only facility staff may do this."))
        subject = privacy.DataSubject.of(**query.validated_data)
        rows = privacy.personal_data_export(subject=subject, facility_ids=facility_ids)
        others = privacy.personal_data_export_others(
            subject=subject,
            facility_ids=facility_ids,
            private_facility_ids=staff_facility_ids(request.user, role=StaffRole.MANAGER),
        )
        # The log names the reservations, not the address or number: an erasure must not leave
        # it behind.
        staff_action_record(
            by=request.user,
            kind=StaffActionKind.EXPORT,
            after={
                "reservations": [row["code"] for row in rows],
                **{name: [row["code"] for row in held] for name, held in others.items()},
            },
        )
        asked = {"phone": subject.phone} if subject.phone else {"email": subject.email}
        response = Response({**asked, "reservations": rows, **others})
        response["Cache-Control"] = "no-store"
        return response


class PersonalDataEraseApi(APIView):
    """Staff (managers): erase everything held for an email address or a phone number at
    their facilities."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PersonQuerySerializer,
        responses={
            200: inline_serializer(
                "PersonalDataErased",
                {
                    "erased": StrictIntegerField(help_text="reservations erased"),
                    "appointments": StrictIntegerField(help_text="appointments erased"),
                },
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request):
        data = PersonQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facility_ids = staff_facility_ids(request.user, role=StaffRole.MANAGER)
        if facility_ids is not None and not facility_ids:
            raise PermissionDenied(_("Only facility managers may do this."))
        subject = privacy.DataSubject.of(**data.validated_data)
        erased = privacy.personal_data_erase(
            subject=subject, facility_ids=facility_ids, by=request.user
        )
        # Exactly what was erased (the codes, not the address: it must not stay behind).
        staff_action_record(
            by=request.user,
            kind=StaffActionKind.PERSONAL_DATA_ERASE,
            after={
                "erased": len(erased.codes),
                "reservations": erased.codes,
                **erased.others,
                "links_ended": erased.links_ended,
            },
        )
        counts = {name: len(codes) for name, codes in erased.others.items()}
        return Response({"erased": len(erased.codes), **counts})
