"""OpenAPI pieces shared by every API: the one error body."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Machine-readable code, e.g. session_full"),
        "message": serializers.CharField(help_text="Human message in the request language"),
        "fields": serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="Field errors, for validation failures",
        ),
    },
)

ERROR_RESPONSES = {
    code: OpenApiResponse(response=ErrorSerializer, description=text)
    for code, text in [
        (400, "Invalid input"),
        (401, "Not authenticated"),
        (403, "Not allowed"),
        (404, "Not found"),
        (409, "Refused by a business rule"),
        (413, "Request body too large"),
        (429, "Too many requests (see Retry-After)"),
    ]
}
