from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from booking.models import StaffActionKind
from booking.staff_services import staff_action_record
from events.permissions import ReadOnlyOrFacilityManager
from core.schema import ERROR_RESPONSES
from events import selectors, services
from events.filters import SessionFilter
from events.models import Session
from events.selectors import user_can_manage_facility
from events.serializers import (
    FacilitySerializer,
    ProgramSerializer,
    SessionCancelSerializer,
    SessionSerializer,
    SessionWriteSerializer,
)


def audit(
    request, kind: str, session: Session, before: dict, after: dict, reason: str = ""
) -> None:
    """Keep the staff member's change in the session's audit log."""

    def plain(values: dict) -> dict:
        return {k: getattr(v, "slug", v) for k, v in values.items()}

    staff_action_record(
        by=request.user,
        kind=kind,
        session=session,
        reason=reason,
        before=plain(before),
        after=plain(after),
    )


@extend_schema_view(
    list=extend_schema(responses={200: FacilitySerializer(many=True), **ERROR_RESPONSES})
)
class FacilityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FacilitySerializer
    lookup_field = "slug"
    ordering_fields = ["name", "city", "slug"]
    ordering = ["city", "name"]

    def get_queryset(self):
        return selectors.facility_list()


@extend_schema_view(
    list=extend_schema(responses={200: ProgramSerializer(many=True), **ERROR_RESPONSES})
)
class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgramSerializer
    lookup_field = "slug"
    ordering_fields = ["title", "slug"]
    ordering = ["title"]

    def get_queryset(self):
        return selectors.program_list()


@extend_schema_view(
    list=extend_schema(responses={200: SessionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: SessionSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=SessionWriteSerializer, responses={201: SessionSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=SessionWriteSerializer, responses={200: SessionSerializer, **ERROR_RESPONSES}
    ),
)
class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sessions: public reads; staff of the session's facility create, change and cancel."""

    permission_classes = [ReadOnlyOrFacilityManager]
    public_read = True
    filterset_class = SessionFilter
    ordering_fields = ["start", "end", "capacity", "id"]
    ordering = ["start", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.session_list()

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return SessionWriteSerializer
        if self.action == "cancel":
            return SessionCancelSerializer
        return SessionSerializer

    def create(self, request, *args, **kwargs):
        serializer = SessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not user_can_manage_facility(request.user, serializer.validated_data["facility"].pk):
            raise PermissionDenied(_("You are not a manager of this facility."))
        session = services.session_create(by=request.user, **serializer.validated_data)
        audit(request, StaffActionKind.SESSION_UPDATE, session, {}, serializer.validated_data)
        return Response(
            SessionSerializer(selectors.session_list().get(pk=session.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        serializer = SessionWriteSerializer(session, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        facility = serializer.validated_data.get("facility")
        if facility is not None and not user_can_manage_facility(request.user, facility.pk):
            raise PermissionDenied(_("You are not a manager of this facility."))
        changes = serializer.validated_data
        before = {name: getattr(session, name) for name in changes}
        updated = services.session_update(session=session, by=request.user, **changes)
        audit(
            request,
            StaffActionKind.SESSION_UPDATE,
            updated,
            before,
            {name: getattr(updated, name) for name in changes},
        )
        return Response(SessionSerializer(selectors.session_list().get(pk=session.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=SessionCancelSerializer,
        responses={200: SessionSerializer, **ERROR_RESPONSES},
        description="Cancel the session; every party is told (staff of the facility only).",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session: Session = self.get_object()
        serializer = SessionCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        before = {"status": session.status}
        cancelled = services.session_cancel(
            session=session, by=request.user, **serializer.validated_data
        )
        audit(
            request,
            StaffActionKind.SESSION_CANCEL,
            cancelled,
            before,
            {"status": cancelled.status},
            reason=serializer.validated_data["reason"],
        )
        return Response(SessionSerializer(selectors.session_list().get(pk=session.pk)).data)
