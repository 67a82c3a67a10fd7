"""Finding a party across the sessions of the staff member's facilities (予約の検索)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from core.schema import ERROR_RESPONSES
from core.search import (
    SEARCH_LIMIT,
    SEARCH_PAGE_PARAMETERS,
    SEARCH_PAGES_DOC,
    search_pages_param,
    search_query_param,
)
from staffdesk import selectors, services
from staffdesk.apis.common import StaffApi
from staffdesk.found_serializers import ReservationSearchSerializer


class ReservationSearchApi(StaffApi):
    @extend_schema(
        operation_id="staff_reservation_search",
        parameters=[
            OpenApiParameter(
                "q", str, required=True, description="name, kana, code, phone or email"
            ),
            *SEARCH_PAGE_PARAMETERS,
        ],
        responses={200: ReservationSearchSerializer, **ERROR_RESPONSES},
        description=(
            "Reservations of every status at your facilities that match `q` as the roster's "
            "search does (spaces and hyphens ignored, hiragana and katakana alike): `upcoming` "
            "(sessions not over, the soonest first) and `past` (the latest first), at most "
            f"{SEARCH_LIMIT} each; `more` when either found more; {SEARCH_PAGES_DOC}."
        ),
    )
    def get(self, request):
        self.require_staff()
        query = search_query_param(
            request.query_params, _("Give a name, kana, code, phone or email.")
        )
        upcoming_from, past_from = search_pages_param(request.query_params)
        found = selectors.reservations_search(
            user=request.user, query=query, upcoming_from=upcoming_from, past_from=past_from
        )
        services.search_record(by=request.user, codes=found.codes, facility_ids=found.facility_ids)
        return Response(ReservationSearchSerializer(found).data)
