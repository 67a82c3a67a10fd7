"""The staff API under /api/v1/: rosters, check-in, walk-ins, session changes, report.

Every endpoint needs a staff token (or the staff pages' session cookie with CSRF). A session
of a facility the user does not work at answers 404 as if it did not exist; a viewer asking
to write at their own facility gets 403; nobody logged in gets 401.

``?format=csv`` is DRF's format override, so the CSV endpoints list a CSV renderer: content
negotiation then picks it (as it does for ``Accept: text/csv``), and the view answers with the
finished file.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import staff_csv, staff_selectors, staff_services
from booking.rules import party_from_data
from booking.staff_serializers import (
    CancelSessionSerializer,
    CapacityResultSerializer,
    CapacitySerializer,
    CheckInResultSerializer,
    CheckInSerializer,
    ExportRowSerializer,
    MoveSerializer,
    NoShowsResultSerializer,
    PromoteSerializer,
    ReportSerializer,
    RosterSerializer,
    StaffActionSerializer,
    StaffSessionSerializer,
    TodaySessionSerializer,
    WaitingListSerializer,
    WalkInResultSerializer,
    WalkInSerializer,
)
from core.errors import AppValidationError
from core.schema import ERROR_RESPONSES
from events.models import Session


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept ``?format=csv`` / ``Accept: text/csv``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        raise TypeError("CSV views answer with a finished file")  # pragma: no cover


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=["json", "csv"],
    description="csv: UTF-8 with BOM, Japanese headers, CRLF (or send Accept: text/csv)",
)
# Errors are JSON even where the success is a CSV file.
JSON_ERRORS = {(code, "application/json"): r for code, r in ERROR_RESPONSES.items()}
CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR, description="CSV file (UTF-8 with BOM, CRLF, Japanese headers)"
)


def csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class StaffApi(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        # Errors always use the common JSON body, even when a CSV file was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # personal data: never in a shared cache
        return response

    def session(self, pk: int, *, manage: bool = False) -> Session:
        session = staff_selectors.staff_session(self.request.user, pk)
        if manage and not staff_selectors.can_manage(self.request.user, session):
            raise PermissionDenied(_("You are not a manager of this facility."))
        return session

    def wants_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "csv"

    def require_staff(self) -> None:
        if not staff_selectors.is_staff_member(self.request.user):
            raise PermissionDenied(_("You are not staff of any facility."))


def session_data(session: Session) -> dict:
    fresh = Session.objects.select_related("program", "facility", "course").get(pk=session.pk)
    return StaffSessionSerializer(fresh).data


def choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    """The query parameter if it is one of the choices, the first choice if it is empty or
    absent; anything else is refused (400) rather than read as the default."""
    value = request.query_params.get(name) or choices[0]
    if value not in choices:
        raise AppValidationError(
            {name: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}]}
        )
    return value


class RosterApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_roster",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("sort", str, enum=list(staff_selectors.SORTS), required=False),
            OpenApiParameter("q", str, required=False, description="name, kana, code, phone"),
            OpenApiParameter(
                "scope", str, enum=list(staff_selectors.ROSTER_SCOPES), required=False
            ),
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
        roster = staff_selectors.roster(
            session=session,
            sort=choice_param(request, "sort", staff_selectors.SORTS),
            query=request.query_params.get("q", ""),
            scope=choice_param(request, "scope", staff_selectors.ROSTER_SCOPES),
        )
        if self.wants_csv():
            staff_services.export_record(
                by=request.user, what="roster", rows=len(roster.rows), session=session
            )
            start = timezone.localtime(session.start)
            return csv_response(
                staff_csv.roster_csv(roster), f"roster-{session.pk}-{start:%Y%m%d}.csv"
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
        session = self.session(pk, manage=True)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = staff_services.reservation_in_session(
            session, serializer.validated_data["code"]
        )
        result = staff_services.check_in(
            session=session,
            reservation=reservation,
            by=request.user,
            attended=serializer.validated_data["attended"],
        )
        result.attended_count = staff_selectors.attended_count(session)
        return Response(CheckInResultSerializer(result).data)


class NoShowsApi(StaffApi):
    @extend_schema(
        operation_id="staff_mark_no_shows",
        request=None,
        responses={200: NoShowsResultSerializer, **ERROR_RESPONSES},
        description="After the start: mark every party not checked in as a no-show.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        marked = staff_services.no_shows_mark(session=session, by=request.user)
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
        session = self.session(pk, manage=True)
        serializer = WalkInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = staff_services.walk_in_add(
            session=session,
            by=request.user,
            party=party_from_data(data),
            name=data["name"],
            name_kana=data["name_kana"],
            phone=data["phone"],
            email=data.get("email", ""),
            notes=data["notes"],
            override_reason=data["override_reason"],
            check_in_now=data["check_in"],
        )
        reservation = result.reservation
        return Response(
            {
                "code": reservation.code,
                "status": reservation.status,
                "attendance": staff_services.attendance_of(reservation, session),
                "session": session_data(session),
            },
            status=201,
        )


class MoveApi(StaffApi):
    @extend_schema(
        operation_id="staff_session_move",
        request=MoveSerializer,
        responses={200: StaffSessionSerializer, **ERROR_RESPONSES},
        description="Move the session (time, facility) with a reason; every party is told.",
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        moved = staff_services.session_move(
            session=session,
            by=request.user,
            start=data["start"],
            end=data["end"],
            facility=data.get("facility"),
            reason=data["reason"],
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
        cancelled = staff_services.session_cancel(
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
            "capacity_below_taken; raising it promotes from the waiting list."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = CapacitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = staff_services.capacity_change(session=session, by=request.user, **data)
        return Response(
            {
                "session": session_data(result.session),
                "promoted": [r.code for r in result.promoted],
            }
        )


def waiting_list_data(session: Session) -> dict:
    wl = staff_selectors.waiting_list(session=session)

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
        reservation = staff_services.reservation_in_session(
            session, serializer.validated_data["code"]
        )
        staff_services.waitlist_promote_by_hand(
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
        staff_services.lottery_draw_now(session=session, by=request.user)
        return Response(waiting_list_data(session))


class AuditLogApi(StaffApi):
    @extend_schema(
        operation_id="staff_audit_log",
        responses={200: StaffActionSerializer(many=True), **ERROR_RESPONSES},
        description="Every staff action on the session, newest first.",
    )
    def get(self, request, pk: int):
        session = self.session(pk)
        return Response(
            StaffActionSerializer(staff_selectors.audit_log(session=session), many=True).data
        )


def parse_day(value: str | None, field: str, default: date | None = None) -> date:
    if not value:
        if default is not None:
            return default
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD).")]})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD).")]}) from None


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
        facility = staff_selectors.staff_facility(
            request.user, request.query_params.get("facility")
        )
        sessions = staff_selectors.sessions_on_day(user=request.user, day=day, facility=facility)
        return Response(TodaySessionSerializer(sessions, many=True).data)


MAX_EXPORT_DAYS = 400


class ExportApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_export",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("facility", str, required=False, description="facility slug"),
        ],
        responses={
            (200, "application/json"): ExportRowSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description="Every party of every session in a date range (inclusive).",
    )
    def get(self, request):
        self.require_staff()
        date_from = parse_day(request.query_params.get("from"), "from")
        date_to = parse_day(request.query_params.get("to"), "to")
        if date_to < date_from:
            raise AppValidationError({"to": [_("The end date is before the start date.")]})
        if (date_to - date_from).days > MAX_EXPORT_DAYS:
            raise AppValidationError({"to": [_("Export at most about a year at a time.")]})
        facility = staff_selectors.staff_facility(
            request.user, request.query_params.get("facility")
        )
        rows = staff_selectors.export_rows(
            user=request.user, date_from=date_from, date_to=date_to, facility=facility
        )
        params = {"from": date_from, "to": date_to, "facility": facility.slug if facility else ""}
        if self.wants_csv():
            staff_services.export_record(
                by=request.user,
                what="date_range",
                rows=len(rows),
                facility_id=facility.pk if facility else None,
                params=params,
            )
            return csv_response(
                staff_csv.export_csv(rows), f"reservations-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
            )
        return Response(ExportRowSerializer(rows, many=True).data)


class ReportApi(StaffApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_attendance_report",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter(
                "fiscal_year", int, required=False, description="e.g. 2025 = April 2025-March 2026"
            ),
            OpenApiParameter("facility", str, required=False, description="facility slug"),
        ],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description=(
            "Attendance report (延べ参加者数) per facility, programme and month of a fiscal "
            "year: sessions held, capacity, reserved, attended, no-shows, cancellations, "
            "waiting-list promotions, fill rate."
        ),
    )
    def get(self, request):
        self.require_staff()
        fiscal_year = parse_fiscal_year(request.query_params.get("fiscal_year"))
        facility = staff_selectors.staff_facility(
            request.user, request.query_params.get("facility")
        )
        report = staff_selectors.attendance_report(
            user=request.user, fiscal_year=fiscal_year, facility=facility
        )
        if self.wants_csv():
            suffix = f"-{facility.slug}" if facility else ""
            return csv_response(staff_csv.report_csv(report), f"report-{fiscal_year}{suffix}.csv")
        return Response(ReportSerializer(report).data)


def parse_fiscal_year(value: str | None) -> int:
    if not value:
        return staff_selectors.fiscal_year_of(timezone.localdate())
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise AppValidationError({"fiscal_year": [_("Give a year such as 2025.")]})
    return year
