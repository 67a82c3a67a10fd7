"""The parents' reservation API: book, look up, change, cancel, confirm a lottery win, replace
links."""

from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors, services
from booking.idempotency import run_idempotent, succeeded_before
from booking.links import reservation_links_replace
from booking.rules import contact_from_data, party_from_data, party_patched
from booking.selectors import session_id_from_request
from booking.serializers import (
    RESERVATION_CREATE_SCHEMA,
    CancelSerializer,
    PartySerializer,
    ReservationCreatedSerializer,
    ReservationCreateSerializer,
    ReservationMoveSerializer,
    ReservationSerializer,
    manage_url,
)
from core.errors import AppError
from core.languages import supported_language
from core.schema import ERROR_RESPONSES
from core.throttling import (
    ReservationCreateEmailThrottle,
    ReservationCreateIPThrottle,
    TokenLookupThrottle,
    found_by_token,
)
from events.selectors import user_can_manage_facility
from events.serializers import SessionSerializer

TOKEN_PARAMETERS = [
    OpenApiParameter(
        "token",
        str,
        OpenApiParameter.QUERY,
        required=False,
        description="Manage token (or send X-Reservation-Token)",
    ),
    OpenApiParameter("X-Reservation-Token", str, OpenApiParameter.HEADER, required=False),
]


def request_language(request, given: str | None = None) -> str:
    """The language a reservation keeps: the one the body names, else the request's."""
    return supported_language(given or getattr(request, "LANGUAGE_CODE", None) or get_language())


class ReservationCreateApi(APIView):
    """Reserve seats (anonymous). Send an Idempotency-Key header to make retries safe."""

    permission_classes = [AllowAny]
    throttle_classes = [ReservationCreateIPThrottle, ReservationCreateEmailThrottle]

    def check_throttles(self, request):
        """A replay of a booking that succeeded is never throttled: it books nothing."""
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is not None and succeeded_before(
            scope="reservation_create", key=key, payload=request.data
        ):
            return
        super().check_throttles(request)

    def perform_authentication(self, request):
        """Authenticate when ``request.user`` is first read (DRF's lazy form), not up front.

        Parents book without credentials; only a staff override needs the user, and a request
        refused before that (a sold-out session in a rush) never pays for authentication.
        """

    @extend_schema(
        request=RESERVATION_CREATE_SCHEMA,
        responses={201: ReservationCreatedSerializer, 422: ERROR_RESPONSES[409], **ERROR_RESPONSES},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    def post(self, request):
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")  # request.headers copies every header
        if key is None:
            code, body = self._create(request)
            if code == 201:
                ReservationCreateEmailThrottle.record_success(request)
            return Response(body, status=code)
        code, body, replayed = run_idempotent(
            scope="reservation_create",
            key=key,
            payload=request.data,
            handler=lambda: self._create(request),
        )
        if code == 201 and not replayed:
            ReservationCreateEmailThrottle.record_success(request)
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def _create(self, request) -> tuple[int, dict]:
        data = request.data
        session_id = (
            session_id_from_request(data.get("session")) if isinstance(data, Mapping) else None
        )
        session = selectors.session_for_booking(session_id) if session_id else None
        if session is not None and not data.get("override_reason"):
            # A sold-out or closed session answers before the body is validated.
            refusal = selectors.booking_refusal(session, timezone.now())
            if refusal:
                error = AppError(refusal)
                return error.status_code, error.body()
        serializer = ReservationCreateSerializer(data=data, context={"session": session})
        try:
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            target = data.get("session") or data.get("course")
            by = None
            if data["override_reason"]:
                if not user_can_manage_facility(request.user, target.facility_id):
                    raise PermissionDenied(_("Only staff of the facility may override the rules."))
                by = request.user
            elif request.user.is_authenticated:
                by = request.user
            result = services.reservation_create(
                session=data.get("session"),
                course=data.get("course"),
                party=party_from_data(data),
                contact=contact_from_data(data),
                language=request_language(request, data.get("language")),
                by=by,
                override_reason=data["override_reason"],
                source="api",
            )
        except AppError as exc:
            return exc.status_code, exc.body()
        except Exception as exc:  # validation and permission errors keep the common body
            from core.errors import api_exception_handler

            response = api_exception_handler(exc, {"request": request, "view": self})
            if response is None:
                raise
            return response.status_code, response.data
        answer = ReservationCreatedSerializer(
            result.reservation, context={"position": result.position}
        )
        body = answer.data
        body["token"] = result.token
        body["manage_url"] = manage_url(result.reservation.code, result.token)
        return status.HTTP_201_CREATED, dict(body)


def reservation_from_request(request, code: str):
    """The reservation a code and its token open; 404 (counted as a failed look-up) for any
    other pair, 429 for a client that failed too often."""
    return found_by_token(
        request, lambda token: selectors.reservation_by_code_and_token(code, token)
    )


class ReservationDetailApi(APIView):
    """See or resize a reservation with its manage token."""

    permission_classes = [AllowAny]
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS, responses={200: ReservationSerializer, **ERROR_RESPONSES}
    )
    def get(self, request, code: str):
        reservation = reservation_from_request(request, code)
        # Personal data behind a credential: never kept by a browser or a shared cache.
        return Response(
            ReservationSerializer(reservation).data, headers={"Cache-Control": "no-store"}
        )

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=PartySerializer,
        responses={200: ReservationSerializer, **ERROR_RESPONSES},
        description="Change the party within the seats left (before the cancellation deadline).",
    )
    def patch(self, request, code: str):
        reservation = reservation_from_request(request, code)
        # A PATCH changes only what it names; the whole resulting party is checked again.
        serializer = PartySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        party = party_patched(reservation, serializer.validated_data)
        reservation = services.reservation_change_party(reservation=reservation, party=party)
        return Response(ReservationSerializer(reservation).data)


class ReservationCancelApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=CancelSerializer,
        responses={200: ReservationSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, code: str):
        reservation = reservation_from_request(request, code)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reservation_cancel(
            reservation=reservation,
            reason=serializer.validated_data["reason"],
        )
        reservation.refresh_from_db()
        return Response(ReservationSerializer(reservation).data)


class ReservationLinksReplaceApi(APIView):
    """End every manage link of the reservation; its address is emailed the way back in.

    For a link that may have leaked: the token used here stops working, with every link in
    emails, and a "my reservations" link goes to the reservation's email address.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=None,
        responses={
            202: inline_serializer("LinksReplaced", {"emailed": serializers.BooleanField()}),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request, code: str):
        reservation = reservation_from_request(request, code)
        reservation_links_replace(reservation=reservation, language=request_language(request))
        return Response({"emailed": True}, status=status.HTTP_202_ACCEPTED)


class ReservationConfirmApi(APIView):
    """Confirm a lottery win before the deadline."""

    permission_classes = [AllowAny]
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=None,
        responses={200: ReservationSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, code: str):
        reservation = reservation_from_request(request, code)
        reservation = services.reservation_confirm_win(reservation=reservation)
        return Response(ReservationSerializer(reservation).data)


class ReservationMoveApi(APIView):
    """Move a confirmed reservation to another date of its programme (日程の変更)."""

    permission_classes = [AllowAny]
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        responses={200: SessionSerializer(many=True), **ERROR_RESPONSES},
        description="The dates the reservation may move to now, soonest first: the "
        "programme's other sessions taking bookings, first come first served, with the seats "
        "the party needs left (as read; the move decides). A party on the waiting list may "
        "move to one of them and leave the list. Empty when it cannot move (a course, a "
        "lottery application, the cancellation deadline passed).",
    )
    def get(self, request, code: str):
        reservation = reservation_from_request(request, code)
        choices = services.move_choices(reservation)
        return Response(
            SessionSerializer(choices, many=True).data, headers={"Cache-Control": "no-store"}
        )

    @extend_schema(
        parameters=TOKEN_PARAMETERS,
        request=ReservationMoveSerializer,
        responses={200: ReservationSerializer, **ERROR_RESPONSES},
        description="Take the party's seats on the new date and give back the old date's, in "
        "one step, before the old date's cancellation deadline; the code and links stay. "
        "409 `session_full` when the seats are not left, `registration_closed` when the new "
        "date takes no bookings now, `cancellation_closed` after the deadline, "
        "`duplicate_reservation` when the address is booked on that date; 400 `invalid` on "
        "`session` for a date of another programme, on the party's fields when it does not "
        "meet the rules on the new date. A party on the waiting list takes the seats and "
        "leaves the old date's list, until that date's start (409 `invalid_state` when it was "
        "promoted there meanwhile). An email tells the parent, with the old date's invite "
        "cancelled (none for a date it waited for) and the new date's.",
    )
    def post(self, request, code: str):
        reservation = reservation_from_request(request, code)
        serializer = ReservationMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.reservation_move(
            reservation=reservation, to=serializer.validated_data["session"]
        )
        return Response(ReservationSerializer(reservation).data)
