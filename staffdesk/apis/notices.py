"""The staff API's notice to the parties of a session (お知らせ)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.schema import ERROR_RESPONSES
from staffdesk import services
from staffdesk.apis.common import StaffApi
from staffdesk.serializers import NoticeResultSerializer, NoticeSerializer


class NoticeApi(StaffApi):
    @extend_schema(
        operation_id="staff_session_notice",
        request=NoticeSerializer,
        responses={201: NoticeResultSerializer, **ERROR_RESPONSES},
        description=(
            "Email a notice to the parties of the session (those with a seat; with "
            "include_waiting also the waiting list and the lottery's applicants), the session "
            "unchanged. Parties without an email address are listed, to be told by phone. "
            "409 session_cancelled, 409 nothing_to_send when no party holds a place."
        ),
    )
    def post(self, request, pk: int):
        session = self.session(pk, manage=True)
        serializer = NoticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = services.session_notice_send(
            session=session, by=request.user, **serializer.validated_data
        )
        body = NoticeResultSerializer(
            {"emailed": sent.emailed, "without_email": sent.without_email}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)
