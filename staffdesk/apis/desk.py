"""The desk's API on the day: the roster, check-in, no-shows, walk-ins, today's sessions."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from booking.rules import contact_from_data, party_from_data
from core.csv_files import CSV_RESPONSE, FORMAT_PARAMETER, JSON_ERRORS, CSVRenderer, csv_response
from core.schema import ERROR_RESPONSES
from staffdesk import csv_files, selectors, services
from staffdesk.apis.common import (
    StaffApi,
    choice_param,
    parse_day,
    session_data,
)
from staffdesk.found_serializers import ScannedPartySerializer
from staffdesk.serializers import (
    CheckInResultSerializer,
    CheckInSerializer,
    NoShowsResultSerializer,
    RosterSerializer,
    TodaySessionSerializer,
    WalkInResultSerializer,
    WalkInSerializer,
)


class RosterApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_roster",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("sort", str, enum=list(selectors.SORTS), required=False),
            OpenApiParameter("q", str, required=False, description="name, kana, code, phone"),
            OpenApiParameter("scope", str, enum=list(selectors.ROSTER_SCOPES), required=False),
        ],
        responses={
            (200, "application/json"): RosterSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description="The session's parties with attendance and notification state.",
    )
    def get(self, request, pk: int):
        session = self.session(pk)
        roster = selectors.roster(
            session=session,
            sort=choice_param(request, "sort", selectors.SORTS),
            query=request.query_params.get("q", ""),
            scope=choice_param(request, "scope", selectors.ROSTER_SCOPES),
        )
        if self.wants_csv():
            services.export_record(
                by=request.user, what="roster", rows=len(roster.rows), session=session
            )
            start = timezone.localtime(session.start)
            return csv_response(
                csv_files.roster_csv(roster), f"roster-{session.pk}-{start:%Y%m%d}.csv"
            )
        return Response(RosterSerializer(roster).data)


class CheckInApi(StaffApi):
    @extend_schema(
        operation_id="staff_check_in",
        request=CheckInSerializer,
        responses={200: CheckInResultSerializer, **ERROR_RESPONSES},
        description=(
            "Mark a party attended (attended=true) or undo it (false). Safe to repeat: a second "
            "tap, also by another staff member at the same time, changes nothing and answers "
            "the current state with changed=false. Check-in opens on the day of the session "
            "(409 check_in_not_open before it, with opens_on); undoing is always possible."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, desk=True)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.reservation_in_session(session, serializer.validated_data["code"])
        result = services.check_in(
            session=session,
            reservation=reservation,
            by=request.user,
            attended=serializer.validated_data["attended"],
        )
        result.attended_count = selectors.attended_count(session)
        return Response(CheckInResultSerializer(result).data)


class ScannedApi(StaffApi):
    @extend_schema(
        operation_id="staff_scanned",
        responses={200: ScannedPartySerializer, **ERROR_RESPONSES},
        description=(
            "The party a 受付用QRコード (or a typed code) names, at your facilities, with the "
            "session it comes to today (a course's session of the day, else its next): check it "
            "in with POST /api/v1/sessions/{session.id}/check-in/. 404 for a code that is not "
            "one of your facilities' reservations."
        ),
    )
    def get(self, request, code: str):
        self.require_staff()
        found = selectors.party_scanned(user=request.user, code=code)
        if found is None:
            raise NotFound()
        return Response(ScannedPartySerializer(found).data)


class NoShowsApi(StaffApi):
    @extend_schema(
        operation_id="staff_mark_no_shows",
        request=None,
        responses={200: NoShowsResultSerializer, **ERROR_RESPONSES},
        description="After the start: mark every party not checked in as a no-show.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, desk=True)
        marked = services.no_shows_mark(session=session, by=request.user)
        return Response({"count": len(marked), "codes": [r.code for r in marked]})


class WalkInApi(StaffApi):
    @extend_schema(
        operation_id="staff_walk_in",
        request=WalkInSerializer,
        responses={201: WalkInResultSerializer, **ERROR_RESPONSES},
        description=(
            "Add a party at the door. A party that does not fit is refused with "
            "override_required unless override_reason is given."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, desk=True)
        serializer = WalkInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.walk_in_add(
            session=session,
            by=request.user,
            party=party_from_data(data),
            contact=contact_from_data(data),
            override_reason=data["override_reason"],
            check_in_now=data["check_in"],
        )
        reservation = result.reservation
        return Response(
            {
                "code": reservation.code,
                "status": reservation.status,
                "attendance": services.attendance_of(reservation, session),
                "session": session_data(session),
            },
            status=201,
        )


class TodayApi(StaffApi):
    @extend_schema(
        operation_id="staff_today",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, required=False),
            OpenApiParameter("facility", str, required=False, description="facility slug"),
        ],
        responses={200: TodaySessionSerializer(many=True), **ERROR_RESPONSES},
        description="The day's sessions at your facilities: seats, waiting list, checked in.",
    )
    def get(self, request):
        self.require_staff()
        day = parse_day(request.query_params.get("date"), "date", timezone.localdate())
        facility = selectors.staff_facility(request.user, request.query_params.get("facility"))
        sessions = selectors.sessions_on_day(user=request.user, day=day, facility=facility)
        return Response(TodaySessionSerializer(sessions, many=True).data)
