"""Staff create, change and cancel sessions through the sessions API (/api/v1/sessions/).

The reads are the catalogue's (``events.apis.SessionViewSet``); this view set adds the writes,
which carry a change through booking and notifications and keep it in the audit log.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.schema import ERROR_RESPONSES
from events import selectors
from events import services as catalogue
from events.apis import SessionViewSet as SessionReadViewSet
from events.models import Session
from events.permissions import facility_manager_required
from events.serializers import SessionCancelSerializer, SessionSerializer, SessionWriteSerializer
from staffdesk.models import StaffActionKind
from staffdesk.services import session_cancel_all, session_update, staff_action_record


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
    list=extend_schema(responses={200: SessionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: SessionSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=SessionWriteSerializer, responses={201: SessionSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=SessionWriteSerializer, responses={200: SessionSerializer, **ERROR_RESPONSES}
    ),
)
class SessionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, SessionReadViewSet):
    """Sessions: public reads; staff of the session's facility create, change and cancel."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return SessionWriteSerializer
        if self.action == "cancel":
            return SessionCancelSerializer
        return SessionSerializer

    def create(self, request, *args, **kwargs):
        serializer = SessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        facility_manager_required(request.user, serializer.validated_data["facility"].pk)
        session = catalogue.session_create(by=request.user, **serializer.validated_data)
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
        if facility is not None:
            facility_manager_required(request.user, facility.pk)
        changes = serializer.validated_data
        before = {name: getattr(session, name) for name in changes}
        updated = session_update(session=session, by=request.user, **changes)
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
        cancelled = session_cancel_all(
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
