"""The staff's consultations API: a counsellor's days (held and free), blocks, booking for a
family who phoned, done / no-show with a private note, the questionnaire's answers, and the
yearly report (JSON, or the page's CSV with ``?format=csv``).

Scoped to the staff member's facilities: another facility's counsellor or appointment is 404;
the answers are 403 to staff of the facility who are neither its counsellor nor a manager.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations import reports, selectors, services
from consultations.apis import CODE_PATTERN, RANGE_TOO_LONG
from consultations.audit import appointments_search_record
from consultations.models import Appointment, ConsultationType, Counsellor
from consultations.report_csv import year_csv, year_csv_name
from consultations.search import appointments_search
from consultations.serializers import AppointmentCreateSerializer, AppointmentSerializer
from core.csv_files import (
    CSV_RESPONSE,
    JSON_ERRORS,
    YEAR_REPORT_PARAMETERS,
    CSVApiView,
    CSVRenderer,
    csv_response,
)
from core.errors import AppValidationError
from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictIntegerField,
    StrictTextField,
    parse_bounded_date,
    parse_fiscal_year,
)
from core.schema import ERROR_RESPONSES
from core.search import (
    SEARCH_LIMIT,
    SEARCH_PAGE_PARAMETERS,
    SEARCH_PAGES_DOC,
    search_pages_param,
    search_query_param,
)
from core.serializers import SearchPagesSerializer
from events.selectors import staff_facility, staff_facility_ids, user_can_view_facility

MAX_DAYS = 14


class HeldSerializer(AppointmentSerializer):
    name = StrictCharField()
    phone = StrictCharField()
    booked_by_staff = StrictBooleanField()


class FreeSerializer(serializers.Serializer):
    consultation = StrictCharField()
    start = StrictDateTimeField()
    end = StrictDateTimeField()


class FoundAppointmentSerializer(HeldSerializer):
    email = StrictCharField()
    facility = StrictCharField(source="counsellor.facility.slug")


class AppointmentSearchSerializer(SearchPagesSerializer):
    upcoming = FoundAppointmentSerializer(many=True)
    past = FoundAppointmentSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    held = HeldSerializer(many=True)
    free = FreeSerializer(many=True)


class BlockSerializer(serializers.Serializer):
    start = StrictDateTimeField()
    minutes = StrictIntegerField(min_value=5, max_value=600)


class CloseSerializer(serializers.Serializer):
    status = StrictChoiceField(choices=["done", "no_show"])
    note = StrictTextField(max_length=4000, required=False, allow_blank=True, default="")


class AnswersSerializer(serializers.Serializer):
    child_age_months = StrictIntegerField(allow_null=True)
    topic = StrictCharField()
    free_text = StrictCharField()
    staff_note = StrictCharField()


def visible_counsellor(request, pk: int) -> Counsellor:
    counsellor = Counsellor.objects.filter(pk=pk).first() if pk < 2**63 else None
    if counsellor is None or not user_can_view_facility(request.user, counsellor.facility_id):
        raise NotFound()
    return counsellor


def visible_appointment(request, code: str) -> Appointment:
    appointment = None
    if CODE_PATTERN.fullmatch(code):
        appointment = (
            Appointment.objects.select_related("counsellor", "consultation_type")
            .filter(code=code)
            .first()
        )
    if appointment is None or not user_can_view_facility(
        request.user, appointment.counsellor.facility_id
    ):
        raise NotFound()
    return appointment


def may_act(request, counsellor: Counsellor) -> None:
    """Blocks and closing: the counsellor themself or a manager of the facility."""
    probe = Appointment(counsellor=counsellor)
    if not selectors.can_read_answers(request.user, probe):
        raise PermissionDenied()


class CounsellorPlanApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, OpenApiParameter.QUERY, required=False),
            OpenApiParameter("to", str, OpenApiParameter.QUERY, required=False),
        ],
        responses={200: PlanSerializer, **ERROR_RESPONSES},
        description="A counsellor's day or week: appointments, blocks and free slots.",
    )
    def get(self, request, pk: int):
        counsellor = visible_counsellor(request, pk)
        given_from, given_to = request.query_params.get("from"), request.query_params.get("to")
        first = parse_bounded_date(given_from, field="from") if given_from else timezone.localdate()
        last = parse_bounded_date(given_to, field="to") if given_to else first
        if last < first or (last - first).days >= MAX_DAYS:
            raise AppValidationError({"to": [RANGE_TOO_LONG % {"days": MAX_DAYS}]})
        plan = selectors.counsellor_day_plan(counsellor, first=first, last=last)
        body = {
            "held": plan["held"],
            "free": [
                {"consultation": kind.slug, "start": slot.start, "end": slot.end}
                for kind, slot in plan["free"]
            ],
        }
        return Response(PlanSerializer(body).data, headers={"Cache-Control": "no-store"})


class CounsellorBlockApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=BlockSerializer, responses={201: AppointmentSerializer, **ERROR_RESPONSES}
    )
    def post(self, request, pk: int):
        counsellor = visible_counsellor(request, pk)
        may_act(request, counsellor)
        serializer = BlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = services.appointment_block(
            counsellor=counsellor, by=request.user, **serializer.validated_data
        )
        return Response(AppointmentSerializer(block).data, status=201)


class StaffAppointmentCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="staff_appointment_search",
        parameters=[
            OpenApiParameter("q", str, required=True, description="name, code, phone or email"),
            *SEARCH_PAGE_PARAMETERS,
        ],
        responses={200: AppointmentSearchSerializer, **ERROR_RESPONSES},
        description=(
            "Families' appointments at your facilities (booked, done, no-show, cancelled) that "
            "match `q`, spaces and hyphens ignored: `upcoming` (the soonest first) and `past` "
            f"(the latest first), at most {SEARCH_LIMIT} each; `more` when either found more; "
            f"{SEARCH_PAGES_DOC}."
        ),
    )
    def get(self, request):
        query = search_query_param(request.query_params, _("Give a name, code, phone or email."))
        upcoming_from, past_from = search_pages_param(request.query_params)
        found = appointments_search(
            user=request.user, query=query, upcoming_from=upcoming_from, past_from=past_from
        )
        appointments_search_record(
            by=request.user, codes=found.codes, facility_ids=found.facility_ids
        )
        return Response(AppointmentSearchSerializer(found).data)

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: AppointmentSerializer, **ERROR_RESPONSES},
        description="Book for a family who phoned (no lead time; the other rules hold).",
    )
    def post(self, request):
        serializer = AppointmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind = ConsultationType.objects.filter(slug=data["consultation"]).first()
        if kind is None or not user_can_view_facility(request.user, kind.facility_id):
            raise NotFound()
        family = services.family_from_data(data)
        appointment, _token = services.appointment_book(
            kind=kind, start=data["start"], family=family, by_staff=True, by=request.user
        )
        return Response(AppointmentSerializer(appointment).data, status=201)


class StaffAppointmentCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: AppointmentSerializer, **ERROR_RESPONSES})
    def post(self, request, code: str):
        appointment = visible_appointment(request, code)
        appointment = services.appointment_cancel(
            appointment=appointment, by_staff=True, by=request.user
        )
        return Response(AppointmentSerializer(appointment).data)


class StaffAppointmentCloseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CloseSerializer, responses={200: AppointmentSerializer, **ERROR_RESPONSES}
    )
    def post(self, request, code: str):
        appointment = visible_appointment(request, code)
        may_act(request, appointment.counsellor)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_close(
            appointment=appointment, by=request.user, **serializer.validated_data
        )
        return Response(AppointmentSerializer(appointment).data)


class StaffAppointmentAnswersApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AnswersSerializer, **ERROR_RESPONSES})
    def get(self, request, code: str):
        appointment = visible_appointment(request, code)
        if not selectors.can_read_answers(request.user, appointment):
            raise PermissionDenied()
        answers = getattr(appointment, "answers", None)
        body = {
            "child_age_months": answers.child_age_months if answers else None,
            "topic": answers.topic if answers else "",
            "free_text": answers.free_text if answers else "",
            "staff_note": answers.staff_note if answers else "",
        }
        return Response(AnswersSerializer(body).data, headers={"Cache-Control": "no-store"})


class ConsultationReportRowSerializer(serializers.Serializer):
    facility = StrictCharField(source="kind.facility.name")
    consultation = StrictCharField(source="kind.slug", help_text="the consultation type's slug")
    title = StrictCharField(source="kind.title")
    months = serializers.ListField(
        child=StrictIntegerField(), help_text="April to March, as the report's months"
    )
    total = StrictIntegerField()
    done = StrictIntegerField()
    no_show = StrictIntegerField()


class ConsultationReportTotalSerializer(serializers.Serializer):
    months = serializers.ListField(child=StrictIntegerField(), source="totals")
    total = StrictIntegerField()
    done = StrictIntegerField()
    no_show = StrictIntegerField()


class ConsultationReportSerializer(serializers.Serializer):
    fiscal_year = StrictIntegerField()
    facility = serializers.SerializerMethodField()
    months = serializers.ListField(child=StrictDateField(), help_text="first day of each month")
    rows = ConsultationReportRowSerializer(many=True)
    totals = ConsultationReportTotalSerializer(source="*")

    def get_facility(self, report) -> str | None:
        return report.facility.slug if report.facility else None


class ConsultationReportApi(CSVApiView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="staff_consultation_report",
        parameters=YEAR_REPORT_PARAMETERS,
        responses={
            (200, "application/json"): ConsultationReportSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **JSON_ERRORS,
        },
        description=(
            "Consultations of a fiscal year by consultation type and month (Japan time) at the "
            "staff member's facilities: booked, done or no-show (cancellations and blocks are "
            "not counted), with the done and no-show totals; the report page's CSV with "
            "?format=csv."
        ),
    )
    def get(self, request):
        ids = staff_facility_ids(request.user)
        if ids is not None and not ids:
            raise PermissionDenied(_("You are not staff of any facility."))
        fiscal_year = parse_fiscal_year(request.query_params.get("fiscal_year"))
        facility = staff_facility(request.user, request.query_params.get("facility"))
        report = reports.consultation_year(request.user, fiscal_year, facility)
        if self.wants_csv():
            return csv_response(year_csv(report), year_csv_name(report))
        return Response(ConsultationReportSerializer(report).data)
