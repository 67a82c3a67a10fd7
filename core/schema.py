"""OpenAPI pieces shared by every API: the one error body."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from core.fields import StrictCharField

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": StrictCharField(help_text="Machine-readable code, e.g. session_full"),
        "message": StrictCharField(help_text="Human message in the request language"),
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
        (405, "Method not allowed"),
        (406, "Not acceptable"),
        (415, "Unsupported media type"),
        (401, "Not authenticated"),
        (403, "Not allowed"),
        (404, "Not found"),
        (409, "Refused by a business rule"),
        (413, "Request body too large"),
        (429, "Too many requests (see Retry-After)"),
    ]
}


class ProjectAutoSchema(AutoSchema):
    """drf-spectacular schema with the project's conventions applied to every operation.

    - every operation documents the common error body for the 4xx answers any view can give;
    - public reads of staff-writable resources are marked as needing no authentication.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in ERROR_RESPONSES.items():
            responses.setdefault(str(code), self._get_response_for_code(response, str(code)))
        return responses

    def get_auth(self):
        auths = super().get_auth()
        public_read = getattr(self.view, "public_read", False)
        if public_read and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


# Optional query parameters that the API reads as absent when they are sent empty
# (``?date=&ordering=``, as an HTML form sends a blank field): django-filter's filters, the
# ordering, DRF's ``format`` override, and the staff reads' own parameters. ``page``,
# ``page_size`` and the required ones refuse an empty value, so they are not listed.
EMPTY_MEANS_ABSENT = frozenset(
    {"audience", "booking_mode", "course", "date", "date_from", "date_to", "facility"}
    | {"fiscal_year", "format", "has_seats", "ordering", "program", "q", "scope", "sort"}
    | {"status"}
)


def allow_empty_query_values(result, generator, request, public):
    """Postprocessing hook: say ``allowEmptyValue`` where an empty value means "not given"."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("in") == "query"
                    and not parameter.get("required")
                    and parameter.get("name") in EMPTY_MEANS_ABSENT
                ):
                    parameter["allowEmptyValue"] = True
    return result
