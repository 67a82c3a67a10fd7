"""The parents' consultations API: types, free slots by day, book, look up and cancel with the
manage token (as reservations take theirs: ``token`` or ``X-Reservation-Token``)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.services.tokens import hash_token
from consultations import selectors, services
from consultations.emails import manage_url
from consultations.models import Appointment, ConsultationType
from consultations.serializers import (
    AppointmentCreatedSerializer,
    AppointmentCreateSerializer,
    AppointmentSerializer,
    ConsultationTypeSerializer,
    SlotSerializer,
)
from core.errors import AppValidationError
from core.fields import parse_bounded_date
from core.languages import supported_language
from core.schema import ERROR_RESPONSES
from core.throttling import (
    ReservationCreateIPThrottle,
    TokenLookupThrottle,
    lookup_blocked,
    lookup_failed,
)

MAX_RANGE_DAYS = 31
CODE_PATTERN = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{4}")
TOKEN_PARAMETERS = [
    OpenApiParameter("token", str, OpenApiParameter.QUERY, required=False),
    OpenApiParameter("X-Reservation-Token", str, OpenApiParameter.HEADER, required=False),
]


def published_types():
    return ConsultationType.objects.filter(published=True).select_related("facility")


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
            raise AppValidationError({"to": ["Give at most 31 days, from before to."]})
        by_day = selectors.free_slots(kind, first=first, last=last)
        slots = [slot for day in sorted(by_day) for slot in by_day[day]]
        return Response(SlotSerializer(slots, many=True).data)


class AppointmentCreateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ReservationCreateIPThrottle]

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: AppointmentCreatedSerializer, **ERROR_RESPONSES},
    )
    def post(self, request):
        serializer = AppointmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind = published_types().filter(slug=data["consultation"]).first()
        if kind is None:
            raise NotFound()
        family = services.Family(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=supported_language(getattr(request, "LANGUAGE_CODE", None)),
            child_age_months=data["child_age_months"],
            topic=data["topic"],
            free_text=data["free_text"],
        )
        appointment, token = services.appointment_book(
            kind=kind, start=data["start"], family=family
        )
        body = AppointmentSerializer(appointment).data
        body["token"] = token
        body["manage_url"] = manage_url(appointment.code, token)
        return Response(body, status=201, headers={"Cache-Control": "no-store"})


def appointment_from_request(request, code: str) -> Appointment:
    """The appointment a code and its token open; 404 for any other pair."""
    wait = lookup_blocked(request)
    if wait is not None:
        raise Throttled(wait)
    token = request.query_params.get("token") or request.headers.get("X-Reservation-Token")
    found = None
    if isinstance(token, str) and token and CODE_PATTERN.fullmatch(code):
        found = (
            Appointment.objects.select_related("consultation_type", "counsellor")
            .filter(code=code, token_hash=hash_token(token))
            .first()
        )
    if found is None:
        lookup_failed(request)
        raise NotFound()
    return found


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
