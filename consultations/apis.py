"""The parents' consultations API: types, free slots by day, book, look up and cancel with the
manage token (as reservations take theirs: ``token`` or ``X-Reservation-Token``)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.idempotency import run_idempotent, succeeded_before
from consultations import selectors, services
from consultations.emails import manage_url
from consultations.models import CONSULTATION_TYPE_BY_FACILITY_ORDER, Appointment, ConsultationType
from consultations.selectors import CODE_PATTERN
from consultations.serializers import (
    AppointmentCreatedSerializer,
    AppointmentCreateSerializer,
    AppointmentSerializer,
    ConsultationTypeSerializer,
    SlotSerializer,
)
from core.errors import AppValidationError, api_exception_handler
from core.fields import StrictDateTimeField, parse_bounded_date
from core.languages import supported_language
from core.schema import ERROR_RESPONSES
from core.throttling import (
    ReservationCreateIPThrottle,
    TokenLookupThrottle,
    found_by_token,
)

MAX_RANGE_DAYS = 31
# The staff's API says it too (its own longest range), in the request's language.
RANGE_TOO_LONG = _("Give at most %(days)d days, the first day not after the last.")
SCOPE = "appointment_create"
__all__ = ["CODE_PATTERN", "RANGE_TOO_LONG", "published_types"]  # read by the pages and staff_apis
TOKEN_PARAMETERS = [
    OpenApiParameter("token", str, OpenApiParameter.QUERY, required=False),
    OpenApiParameter("X-Reservation-Token", str, OpenApiParameter.HEADER, required=False),
]


def published_types():
    return (
        ConsultationType.objects.filter(published=True)
        .select_related("facility")
        .order_by(*CONSULTATION_TYPE_BY_FACILITY_ORDER)
    )


class ConsultationListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: ConsultationTypeSerializer(many=True)})
    def get(self, request):
        return Response(ConsultationTypeSerializer(published_types(), many=True).data)


class ConsultationSlotsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("to", str, OpenApiParameter.QUERY, required=False),
        ],
        responses={200: SlotSerializer(many=True), **ERROR_RESPONSES},
        description="Free slots (Japan time), at most 31 days at once.",
    )
    def get(self, request, slug: str):
        kind = get_object_or_404(published_types(), slug=slug)
        today = timezone.localdate()
        given_from = request.query_params.get("from")
        first = parse_bounded_date(given_from, field="from") if given_from else today
        given_to = request.query_params.get("to")
        last = parse_bounded_date(given_to, field="to") if given_to else first + timedelta(7)
        if last < first or (last - first).days > MAX_RANGE_DAYS:
            raise AppValidationError({"to": [RANGE_TOO_LONG % {"days": MAX_RANGE_DAYS}]})
        by_day = selectors.free_slots(kind, first=first, last=last)
        slots = [slot for day in sorted(by_day) for slot in by_day[day]]
        return Response(SlotSerializer(slots, many=True).data)


class AppointmentCreateApi(APIView):
    """Book a slot (anonymous). Send an Idempotency-Key header to make retries safe."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ReservationCreateIPThrottle]

    def check_throttles(self, request):
        """A replay of a booking that succeeded is never throttled: it books nothing."""
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is not None and succeeded_before(scope=SCOPE, key=key, payload=request.data):
            return
        super().check_throttles(request)

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: AppointmentCreatedSerializer, 422: ERROR_RESPONSES[409], **ERROR_RESPONSES},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    def post(self, request):
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is None:
            code, body = self.create(request)
            return Response(body, status=code, headers={"Cache-Control": "no-store"})
        code, body, replayed = run_idempotent(
            scope=SCOPE, key=key, payload=request.data, handler=lambda: self.create(request)
        )
        response = Response(body, status=code, headers={"Cache-Control": "no-store"})
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def create(self, request) -> tuple[int, dict]:
        """Book and answer (status, body); a refusal is an answer too, so that a retry with
        the same key replays it."""
        try:
            serializer = AppointmentCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            kind = published_types().filter(slug=data["consultation"]).first()
            if kind is None:
                raise NotFound()
            family = services.family_from_data(
                data, language=supported_language(getattr(request, "LANGUAGE_CODE", None))
            )
            appointment, token = services.appointment_book(
                kind=kind, start=data["start"], family=family
            )
        except Exception as exc:  # errors keep the common body (core.errors)
            response = api_exception_handler(exc, {"request": request, "view": self})
            if response is None:
                raise
            return response.status_code, dict(response.data)
        body = dict(AppointmentSerializer(appointment).data)
        body["token"] = token
        body["manage_url"] = manage_url(appointment.code, token)
        return 201, body


def appointment_from_request(request, code: str) -> Appointment:
    """The appointment a code and its token open; 404 (counted as a failed look-up) for any
    other pair, 429 for a client that failed too often (as reservations)."""
    return found_by_token(
        request, lambda token: selectors.appointment_by_code_and_token(code, token)
    )


class RebookSerializer(serializers.Serializer):
    start = StrictDateTimeField()


class AppointmentDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS, responses={200: AppointmentSerializer, **ERROR_RESPONSES}
    )
    def get(self, request, code: str):
        appointment = appointment_from_request(request, code)
        return Response(
            AppointmentSerializer(appointment).data, headers={"Cache-Control": "no-store"}
        )


class AppointmentCancelApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=None,
        responses={200: AppointmentSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, code: str):
        appointment = appointment_from_request(request, code)
        appointment = services.appointment_cancel(appointment=appointment)
        return Response(AppointmentSerializer(appointment).data)


class AppointmentRebookApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=RebookSerializer,
        responses={200: AppointmentSerializer, **ERROR_RESPONSES},
        description="Move to another free slot of the same type, before the deadline; the "
        "calendar event is updated (same UID, higher SEQUENCE).",
    )
    def post(self, request, code: str):
        appointment = appointment_from_request(request, code)
        serializer = RebookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = request.query_params.get("token") or request.headers.get("X-Reservation-Token")
        appointment = services.appointment_rebook(
            appointment=appointment, start=serializer.validated_data["start"], token=token
        )
        return Response(AppointmentSerializer(appointment).data)
