"""The private calendar link API: ask for a link by email, rotate it, revoke it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from calendars.tokens import feed_token_revoke, feed_token_rotate, feed_urls, private_link_request
from core.fields import StrictCharField, StrictEmailField, StrictURLField
from core.languages import supported_language
from core.schema import ERROR_RESPONSES
from core.throttling import (
    EmailLinkEmailThrottle,
    EmailLinkIPThrottle,
    LookupFailureLimit,
    TokenLookupThrottle,
    lookup_failed,
)


class PrivateLinkRequestSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


# In the request's language, as every other answer of the API.
PRIVATE_LINK_ACCEPTED = _(
    "If this address has reservations, a link to its private calendar is on its way."
)


FeedUrlsSerializer = inline_serializer(
    "PrivateCalendarFeed",
    {"feed_url": StrictURLField(), "webcal_url": StrictCharField()},
)


class PrivateFeedLinkApi(APIView):
    """Email the link of a parent's private calendar feed to the address given."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [EmailLinkIPThrottle, EmailLinkEmailThrottle]

    @extend_schema(
        operation_id="calendar_private_link",
        request=PrivateLinkRequestSerializer,
        responses={
            202: OpenApiResponse(
                inline_serializer("PrivateLinkAccepted", {"detail": StrictCharField()}),
                description="Always the same answer, whether or not the address has booked.",
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request):
        data = PrivateLinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        private_link_request(
            email=data.validated_data["email"],
            # The whole code: やさしい日本語 is "ja-easy", and its first two letters are Japanese.
            language=supported_language(getattr(request, "LANGUAGE_CODE", None)),
        )
        return Response({"detail": str(PRIVATE_LINK_ACCEPTED)}, status=status.HTTP_202_ACCEPTED)


class PrivateFeedRotateApi(APIView):
    """End every private feed link of the token's address and return a new one."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    # A wrong token counts as a failed look-up, as on the manage page: guessing is refused.
    throttle_classes = [LookupFailureLimit, TokenLookupThrottle]

    @extend_schema(
        operation_id="calendar_private_rotate",
        request=None,
        responses={200: FeedUrlsSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, token: str):
        new_token = feed_token_rotate(token=token)
        if new_token is None:
            lookup_failed(request)
            raise NotFound()
        return Response(feed_urls(new_token), status=status.HTTP_200_OK)


class PrivateFeedRevokeApi(APIView):
    """End every private feed link of the token's address (ask for a new one by email)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LookupFailureLimit, TokenLookupThrottle]

    @extend_schema(
        operation_id="calendar_private_revoke",
        request=None,
        responses={
            204: OpenApiResponse(description="Every link of the address ended."),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request, token: str):
        if not feed_token_revoke(token=token):
            lookup_failed(request)
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
