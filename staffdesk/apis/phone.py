"""The desk's API for parties on the phone: a booking for a caller (電話予約) and a lottery win
confirmed for a party staff phoned, the same services as the desk's pages."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from booking.idempotency import run_idempotent
from booking.rules import contact_from_data, party_from_data
from core.schema import ERROR_RESPONSES, ErrorSerializer
from events.models import Session
from staffdesk import services
from staffdesk.apis.common import StaffApi, staff_party
from staffdesk.serializers import (
    PhoneBookedSerializer,
    PhoneBookingSerializer,
    StaffPartyResultSerializer,
    WinConfirmSerializer,
)

PHONE_BOOKING_REFUSALS = OpenApiResponse(
    response=ErrorSerializer,
    description=(
        "Refused by the programme's rules, as the parents' booking is (without override_reason): "
        "registration_closed, session_full (no waiting list), waitlist_full, childcare_full; "
        "always: session_cancelled, duplicate_reservation (the email address given already "
        "holds a reservation here)."
    ),
)

WIN_REFUSALS = OpenApiResponse(
    response=ErrorSerializer,
    description=(
        "invalid_state (with status): the party has not won or has confirmed already, lapsed "
        "or cancelled; confirmation_closed: the confirmation deadline has passed."
    ),
)


class PhoneBookingApi(StaffApi):
    @extend_schema(
        operation_id="staff_phone_booking",
        request=PhoneBookingSerializer,
        responses={201: PhoneBookedSerializer, **ERROR_RESPONSES, 409: PHONE_BOOKING_REFUSALS},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
        description=(
            "Book a caller's party at the session (its course, for a course's session), as the "
            "desk's 電話予約 page does (managers of the facility). A phone number is required, "
            "an email address is not: without one, no email is ever written for the "
            "reservation. The parents' rules apply (seats, waiting list, lottery application, "
            "booking period, eligibility): the answer's status is confirmed, waitlisted (with "
            "position) or applied. With override_reason the rules are lifted and the capacity "
            "is raised for a party that does not fit. Kept in the audit log (phone_booking). "
            "With an Idempotency-Key a retry gets the first answer again (Idempotent-Replayed) "
            "instead of a second booking: a caller without an email address has nothing else "
            "that would stop one."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = PhoneBookingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is None:
            return Response(self.book(request, session, serializer.validated_data), status=201)
        # Keys are the staff member's own: another's key never replays this one's answer.
        status, body, replayed = run_idempotent(
            scope=f"staff_phone_booking:{request.user.pk}",
            key=key,
            payload={"session": session.pk, **request.data},
            handler=lambda: (201, self.book(request, session, serializer.validated_data)),
        )
        response = Response(body, status=status)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def book(self, request, session: Session, data: dict) -> dict:
        result = services.phone_booking_create(
            session=session,
            by=request.user,
            party=party_from_data(data),
            contact=contact_from_data(data),
            override_reason=data["override_reason"],
        )
        reservation = result.reservation
        party = staff_party(
            reservation,
            session,
            position=result.position,
            slip=reverse("staff:slip", args=[session.pk, reservation.code]),
        )
        return dict(PhoneBookedSerializer(party).data)


class WinConfirmApi(StaffApi):
    @extend_schema(
        operation_id="staff_confirm_win",
        request=WinConfirmSerializer,
        responses={200: StaffPartyResultSerializer, **ERROR_RESPONSES, 409: WIN_REFUSALS},
        description=(
            "Confirm a party's lottery win on its behalf (managers), as the roster's "
            "当選を確定する "
            "does: for a party booked by phone without an email address, or any winner who "
            "phones in, before the confirmation deadline. The parent's own confirmation (its "
            "email when the party has an address), kept in the audit log (win_confirm) with "
            "the optional note. A code not on this session's roster is 404."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = WinConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reservation = services.reservation_in_session(session, data["code"])
        confirmed = services.lottery_win_confirm(
            session=session, reservation=reservation, by=request.user, note=data["note"]
        )
        return Response(StaffPartyResultSerializer(staff_party(confirmed, session)).data)
