"""Pagination of the API's lists; a page past the end, or a page or size that is not ASCII digits
in range, answers 400 ``invalid_page`` (documented on every list)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from core.errors import AppError


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination that refuses a bad page or page size with 400 instead of guessing."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0
        if size < 1 or size > self.max_page_size:
            raise AppError(
                "invalid_page",
                _("page_size must be between 1 and %(max)d.") % {"max": self.max_page_size},
                status_code=400,
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["name"] == self.page_query_param:
                schema.update({"minimum": 1, "maximum": 999_999_999})
            elif parameter["name"] == self.page_size_query_param:
                schema.update({"minimum": 1, "maximum": self.max_page_size})
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
            raise AppError("invalid_page", status_code=400)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise AppError("invalid_page", status_code=400) from exc
