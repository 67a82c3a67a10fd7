"""The catalogue's API: facilities, programmes and sessions, read by anyone."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from core.schema import ERROR_RESPONSES
from events import selectors
from events.filters import SessionFilter
from events.models import FACILITY_ORDER, PROGRAM_ORDER
from events.permissions import ReadOnlyOrFacilityManager
from events.serializers import (
    FacilitySerializer,
    ProgramSerializer,
    SessionSerializer,
)


@extend_schema_view(
    list=extend_schema(responses={200: FacilitySerializer(many=True), **ERROR_RESPONSES})
)
class FacilityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FacilitySerializer
    lookup_field = "slug"
    ordering_fields = ["name", "city", "slug", "display_order"]
    ordering = FACILITY_ORDER

    def get_queryset(self):
        return selectors.facility_list()


@extend_schema_view(
    list=extend_schema(responses={200: ProgramSerializer(many=True), **ERROR_RESPONSES})
)
class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgramSerializer
    lookup_field = "slug"
    ordering_fields = ["title", "slug"]
    ordering = PROGRAM_ORDER

    def get_queryset(self):
        return selectors.program_list_with_members()


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions, read by anyone. The staff desk adds the writes (``staffdesk.apis``)."""

    permission_classes = [ReadOnlyOrFacilityManager]
    public_read = True
    filterset_class = SessionFilter
    ordering_fields = ["start", "end", "capacity", "id"]
    ordering = ["start", "id"]

    def get_queryset(self):
        return selectors.session_list()

    def get_serializer_class(self):
        return SessionSerializer
