"""The series API: preview and publish a month of sessions, read a series, change its later
sessions or cancel them (``?dry_run=1``: what would change and the first email, first).
Staff of the series' facility only (managers to write)."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import query_integer
from core.schema import ERROR_RESPONSES
from events.permissions import facility_manager_required
from schedule import selectors, services
from schedule.serializers import (
    LaterPreviewSerializer,
    PreviewSerializer,
    PublishedSerializer,
    SeriesChangeSerializer,
    SeriesPatternSerializer,
    SeriesSerializer,
)


class SeriesCreateApi(APIView):
    """Preview (``?dry_run=1``) or publish the sessions of a repeating pattern in one step."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="series_create",
        parameters=[
            OpenApiParameter(
                "dry_run", str, enum=["0", "1"], description="1: answer the dates, create nothing"
            )
        ],
        request=SeriesPatternSerializer,
        responses={200: PreviewSerializer, 201: PublishedSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        serializer = SeriesPatternSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pattern = services.SeriesPattern(**serializer.validated_data)
        facility_manager_required(request.user, pattern.facility.pk)
        if request.query_params.get("dry_run") == "1":
            preview = services.series_preview(pattern)
            body = {"dates": preview.dates, "skipped": [asdict(s) for s in preview.skipped]}
            return Response(PreviewSerializer(body).data)
        series, sessions = services.series_publish(pattern, by=request.user)
        return Response(
            {"id": series.pk, "sessions": [s.pk for s in sessions]},
            status=status.HTTP_201_CREATED,
        )


class SeriesDetailApi(APIView):
    """A series and its sessions; PATCH changes this and later sessions or cancels them."""

    permission_classes = [IsAuthenticated]

    def series(self, request, pk: str):
        number = query_integer(pk)
        series = selectors.staff_series(request.user).filter(pk=number).first() if number else None
        if series is None:
            raise NotFound()
        return series

    @extend_schema(operation_id="series_read", responses={200: SeriesSerializer, **ERROR_RESPONSES})
    def get(self, request, pk: str):
        return Response(SeriesSerializer(self.series(request, pk)).data)

    @extend_schema(
        operation_id="series_change",
        parameters=[
            OpenApiParameter(
                "dry_run",
                str,
                enum=["0", "1"],
                description="1: answer what would change and the first email, change nothing",
            )
        ],
        request=SeriesChangeSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="SeriesChangeAnswer",
                serializers=[SeriesSerializer, LaterPreviewSerializer],
                resource_type_field_name=None,
            ),
            **ERROR_RESPONSES,
        },
    )
    def patch(self, request, pk: str):
        series = self.series(request, pk)
        facility_manager_required(request.user, series.facility_id)
        serializer = SeriesChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if request.query_params.get("dry_run") == "1":
            return Response(LaterPreviewSerializer(self.preview(series, request, data)).data)
        if data["cancel"]:
            services.series_cancel_rest(series, **self.cancel(request, data))
        else:
            services.series_change_later(series, **self.changes(request, data))
        return Response(SeriesSerializer(self.series(request, pk)).data)

    def preview(self, series, request, data) -> services.LaterPreview:
        if data["cancel"]:
            return services.series_cancel_preview(series, **self.cancel(request, data))
        return services.series_change_preview(series, **self.changes(request, data))

    @staticmethod
    def cancel(request, data) -> dict:
        return {"from_date": data["from_date"], "reason": data["reason"], "by": request.user}

    @staticmethod
    def changes(request, data) -> dict:
        return {
            "from_date": data["from_date"],
            "by": request.user,
            "start_time": data.get("start_time"),
            "end_time": data.get("end_time"),
            "capacity": data.get("capacity"),
            "reason": data["reason"],
        }
