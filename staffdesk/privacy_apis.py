"""Staff managers export or erase the personal data held for an email address."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import privacy
from core.fields import StrictEmailField, StrictIntegerField
from core.schema import ERROR_RESPONSES
from events.models import StaffRole
from events.selectors import staff_facility_ids
from staffdesk.models import StaffActionKind
from staffdesk.services import staff_action_record


class EmailQuerySerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


class PersonalDataExportApi(APIView):
    """Staff: everything held for an email address at their facilities (個人情報の開示請求)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("email", OpenApiTypes.EMAIL, OpenApiParameter.QUERY, required=True)
        ],
        responses={
            200: inline_serializer(
                "PersonalDataExport",
                {
                    "email": StrictEmailField(),
                    "reservations": serializers.ListField(child=serializers.DictField()),
                    "appointments": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **ERROR_RESPONSES,
        },
    )
    def get(self, request):
        query = EmailQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        facility_ids = staff_facility_ids(request.user)
        if facility_ids is not None and not facility_ids:
            raise PermissionDenied(_("Only facility staff may do this."))
        email = query.validated_data["email"]
        rows = privacy.personal_data_export(email=email, facility_ids=facility_ids)
        others = privacy.personal_data_export_others(
            email=email,
            facility_ids=facility_ids,
            private_facility_ids=staff_facility_ids(request.user, role=StaffRole.MANAGER),
        )
        # The log names the reservations, not the address: an erasure must not leave it behind.
        staff_action_record(
            by=request.user,
            kind=StaffActionKind.EXPORT,
            after={
                "reservations": [row["code"] for row in rows],
                **{name: [row["code"] for row in held] for name, held in others.items()},
            },
        )
        response = Response({"email": email.lower(), "reservations": rows, **others})
        response["Cache-Control"] = "no-store"
        return response


class PersonalDataEraseApi(APIView):
    """Staff (managers): erase everything held for an email address at their facilities."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=EmailQuerySerializer,
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
        data = EmailQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facility_ids = staff_facility_ids(request.user, role=StaffRole.MANAGER)
        if facility_ids is not None and not facility_ids:
            raise PermissionDenied(_("Only facility managers may do this."))
        erased = privacy.personal_data_erase(
            email=data.validated_data["email"], facility_ids=facility_ids, by=request.user
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
