"""Filter backends of the API (unknown or malformed filters answer 400 with the choices), and the
bounded date fields of query strings and forms (2000-2100: no session has another year)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from core.errors import AppError
from core.fields import DATE_RANGE_MESSAGE, date_in_range, datetime_in_range


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter backend that answers an invalid filter value with the error body (400)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise AppError(
                "invalid_filter",
                status_code=400,
                fields={k: v for k, v in filterset.errors.items()},
            )
        return filterset.qs


class StrictOrderingFilter(OrderingFilter):
    """Ordering filter that refuses unknown fields instead of silently ignoring them."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            bad = [f for f in fields if f.lstrip("-") not in valid]
            if bad:
                raise AppError(
                    "invalid_filter",
                    status_code=400,
                    fields={
                        self.ordering_param: [
                            _("Unknown ordering field: %(f)s") % {"f": ", ".join(bad)}
                        ]
                    },
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = [name for name, _label in self.get_valid_fields(None, view, {"request": None})]
        choices = [f for name in fields for f in (name, f"-{name}")]
        for parameter in parameters:
            if parameter["name"] == self.ordering_param and choices:
                parameter["schema"] = {"type": "string", "enum": choices}
        return parameters


class BoundedDateFormField(forms.DateField):
    """A date in a query string, between ``core.fields.DATE_MIN`` and ``DATE_MAX``."""

    def to_python(self, value):
        if isinstance(value, str) and value and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        parsed = super().to_python(value)
        if parsed is not None and not date_in_range(parsed):
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return parsed


class BoundedDateTimeFormField(forms.DateTimeField):
    """A date and time in a form (ASCII digits), its day in Japan time between ``DATE_MIN`` and
    ``DATE_MAX``."""

    def to_python(self, value):
        if isinstance(value, str) and value and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:  # year 1 or 9999 moved to Japan time
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range") from exc
        if parsed is not None and not datetime_in_range(parsed):
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return parsed


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses dates no session can have (year 1, 9999) with a 400."""

    field_class = BoundedDateFormField
