"""Copy a facility's month to the next: preview (``?dry_run=1``) and copy in one step.
Managers of the facility only; audit-logged by the service."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import (
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictIntegerField,
    StrictSlugRelatedField,
)
from core.schema import ERROR_RESPONSES
from events.models import Facility
from events.permissions import facility_manager_required
from schedule.copying import month_copy, month_copy_preview


class MonthCopySerializer(serializers.Serializer):
    facility = StrictSlugRelatedField(slug_field="slug", queryset=Facility.objects.all())
    month = StrictCharField(max_length=7, help_text="The month to copy from, YYYY-MM.")
    exclude = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**31 - 1),
        max_length=1000,
        required=False,
        default=list,
        help_text="Ids of the month's sessions staff unticked.",
    )

    def validate_month(self, value: str) -> date:
        if not re.fullmatch(r"(20[0-9]{2})-(0[1-9]|1[0-2])", value) or value > "2099-12":
            raise serializers.ValidationError(_("Give the month as YYYY-MM."))
        return date(int(value[:4]), int(value[5:]), 1)


class CopiedSerializer(serializers.Serializer):
    source = StrictIntegerField(help_text="The session of the month copied.")
    date = StrictDateField(help_text="The day of the next month it moves to.")
    reason = StrictChoiceField(
        choices=["", "holiday", "closed", "clash", "no_day"], help_text="Why it is skipped."
    )
    name = StrictCharField()


class MonthCopyPreviewSerializer(serializers.Serializer):
    sessions = CopiedSerializer(many=True)
    skipped = CopiedSerializer(many=True)


class MonthCopiedSerializer(serializers.Serializer):
    sessions = serializers.ListField(child=StrictIntegerField())


class MonthCopyApi(APIView):
    """Copy last month's sessions of a facility to the next month, by weekday of the week."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="month_copy",
        parameters=[
            OpenApiParameter(
                "dry_run", str, enum=["0", "1"], description="1: answer the days, copy nothing"
            )
        ],
        request=MonthCopySerializer,
        responses={200: MonthCopyPreviewSerializer, 201: MonthCopiedSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        serializer = MonthCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facility_manager_required(request.user, data["facility"].pk)
        if request.query_params.get("dry_run") == "1":
            items = month_copy_preview(data["facility"], data["month"])
            rows = [
                {"source": i.source.pk, "date": i.date, "reason": i.reason, "name": i.name}
                for i in items
            ]
            body = {
                "sessions": [
                    r for r in rows if not r["reason"] and r["source"] not in data["exclude"]
                ],
                "skipped": [r for r in rows if r["reason"]],
            }
            return Response(MonthCopyPreviewSerializer(body).data)
        copies = month_copy(
            data["facility"], data["month"], exclude=data["exclude"], by=request.user
        )
        return Response({"sessions": [s.pk for s in copies]}, status=status.HTTP_201_CREATED)
