"""The staff API that changes a session: move, cancel, capacity, waiting list, draw, audit log."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import services as booking_services
from booking.serializers import LotteryDrawSerializer
from core.errors import AppError
from core.schema import ERROR_RESPONSES
from events.models import Session
from events.selectors import user_can_manage_facility, user_can_view_facility
from staffdesk import selectors, services
from staffdesk.apis.common import StaffApi, session_data
from staffdesk.models import StaffActionKind
from staffdesk.serializers import (
    CancelSessionSerializer,
    CapacityResultSerializer,
    CapacitySerializer,
    MoveSerializer,
    PromoteSerializer,
    StaffActionSerializer,
    StaffSessionSerializer,
    WaitingListSerializer,
)
from staffdesk.services import staff_action_record


class MoveApi(StaffApi):
    @extend_schema(
        operation_id="staff_session_move",
        request=MoveSerializer,
        responses={200: StaffSessionSerializer, **ERROR_RESPONSES},
        description=(
            "Move the session (time, facility) with an internal reason (audit log only); every "
            "party is emailed the new date and place, with `message` when given."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        moved = services.session_move(
            session=session,
            by=request.user,
            start=data["start"],
            end=data["end"],
            facility=data.get("facility"),
            reason=data["reason"],
            message=data["message"],
        )
        return Response(session_data(moved))


class CancelSessionApi(StaffApi):
    @extend_schema(
        operation_id="staff_session_cancel",
        request=CancelSessionSerializer,
        responses={200: StaffSessionSerializer, **ERROR_RESPONSES},
        description="Cancel the session with a reason; every reservation is cancelled and told.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = CancelSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancelled = services.session_cancel(
            session=session, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(session_data(cancelled))


class CapacityApi(StaffApi):
    @extend_schema(
        operation_id="staff_session_capacity",
        request=CapacitySerializer,
        responses={200: CapacityResultSerializer, **ERROR_RESPONSES},
        description=(
            "Raise or lower the capacity. Lower than the seats taken is refused with "
            "capacity_below_taken; raising it promotes from the waiting list. "
            "`children_capacity` (optional) changes a session's own children's limit the same "
            "way, in the same transaction: 400 for a session without one, 409 "
            "capacity_below_taken under the children's seats taken."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = CapacitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = services.capacity_change(session=session, by=request.user, **data)
        return Response(
            {
                "session": session_data(result.session),
                "promoted": [r.code for r in result.promoted],
            }
        )


def waiting_list_data(session: Session) -> dict:
    wl = selectors.waiting_list(session=session)

    def party(position, r):
        return {
            "position": position,
            "code": r.code,
            "name": r.name,
            "name_kana": r.name_kana,
            "adults": r.adults,
            "children": r.children,
            "status": r.status,
            "draw_rank": r.draw_rank,
            "priority_group": r.priority_group,
            "created_at": r.created_at,
        }

    draw = None
    if wl.draw is not None:
        draw = {
            "seed": wl.draw.seed,
            "drawn_at": wl.draw.drawn_at,
            "winners": len(wl.draw.winners),
            "drawn": len(wl.draw.order),
            "confirmation_deadline": wl.draw.confirmation_deadline,
        }
    return WaitingListSerializer(
        {
            "session": session,
            "waiting": [party(i, r) for i, r in enumerate(wl.waiting, start=1)],
            "applicants": [party(i, r) for i, r in enumerate(wl.applicants, start=1)],
            "draw": draw,
        }
    ).data


class WaitingListApi(StaffApi):
    @extend_schema(
        operation_id="staff_waiting_list",
        responses={200: WaitingListSerializer, **ERROR_RESPONSES},
        description="The waiting list in promotion order, lottery applicants and the draw.",
    )
    def get(self, request, pk: int):
        return Response(waiting_list_data(self.session(pk)))


class PromoteApi(StaffApi):
    @extend_schema(
        operation_id="staff_waiting_list_promote",
        request=PromoteSerializer,
        responses={200: WaitingListSerializer, **ERROR_RESPONSES},
        description="Promote a waitlisted party by hand, out of order, with a reason.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = PromoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.reservation_in_session(session, serializer.validated_data["code"])
        services.waitlist_promote_by_hand(
            session=session,
            reservation=reservation,
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(waiting_list_data(session))


class DrawApi(StaffApi):
    @extend_schema(
        operation_id="staff_lottery_draw",
        request=None,
        responses={200: WaitingListSerializer, **ERROR_RESPONSES},
        description="Run the lottery now; applications close early if still open.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        services.lottery_draw_now(session=session, by=request.user)
        return Response(waiting_list_data(session))


class AuditLogApi(StaffApi):
    @extend_schema(
        operation_id="staff_audit_log",
        responses={200: StaffActionSerializer(many=True), **ERROR_RESPONSES},
        description="Every staff action on the session, newest first.",
    )
    def get(self, request, pk: int):
        session = self.session(pk)
        return Response(StaffActionSerializer(selectors.audit_log(session=session), many=True).data)


class SessionDrawApi(APIView):
    """The lottery draw of a session: staff see it and may run it early."""

    permission_classes = [IsAuthenticated]

    def _session(self, request, pk: int, *, manage: bool) -> Session:
        """The session, for its facility's staff: others get 404 (nothing to see), a viewer
        who may not draw gets 403, as every other refusal of a viewer."""
        session = get_object_or_404(Session.objects.select_related("program"), pk=pk)
        if not user_can_view_facility(request.user, session.facility_id):
            raise NotFound()
        if manage and not user_can_manage_facility(request.user, session.facility_id):
            raise PermissionDenied(_("Only managers of the facility may draw the lottery."))
        return session

    @extend_schema(responses={200: LotteryDrawSerializer, **ERROR_RESPONSES})
    def get(self, request, pk: int):
        session = self._session(request, pk, manage=False)
        draw = getattr(session, "lottery_draw", None)
        if draw is None:
            raise AppError("draw_not_done", status_code=404)
        return Response(LotteryDrawSerializer(draw).data)

    @extend_schema(request=None, responses={200: LotteryDrawSerializer, **ERROR_RESPONSES})
    def post(self, request, pk: int):
        session = self._session(request, pk, manage=True)
        existed = hasattr(session, "lottery_draw")
        draw = booking_services.lottery_draw(session=session, by=request.user)
        if not existed:
            staff_action_record(
                by=request.user,
                kind=StaffActionKind.LOTTERY_DRAW,
                session=session,
                after={"seed": draw.seed, "winners": len(draw.winners)},
            )
        return Response(LotteryDrawSerializer(draw).data)
