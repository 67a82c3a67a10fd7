"""Serializer bases shared by the apps."""

from __future__ import annotations

import copy

from django.db import models
from rest_framework import serializers

from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
    StrictSlugField,
    StrictTextField,
    StrictTimeField,
    StrictURLField,
)


def _field_copy(field: serializers.Field) -> serializers.Field:
    """Return an unbound copy of a declared field that shares its (unchanging) attributes."""
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child"):
        # A child field is bound to its parent when the parent is built: rebuild both.
        return copy.deepcopy(field)
    clone = object.__new__(field.__class__)
    clone.__dict__.update(field.__dict__)
    return clone


class DeclaredFieldsSerializer(serializers.Serializer):
    """A serializer whose instances copy the declared fields' attributes, not their arguments.

    DRF gives each serializer instance fresh fields by building every declared field again from
    deep copies of its arguments (a queryset is cloned, validators and choices rebuilt): a
    third of the cost of validating a booking. The fields declared on these serializers are
    never changed after declaration, and a field's own state (its name, parent, source) is set
    on the copy when it is bound, so a copy of the attributes gives the same fields. Setting an
    attribute on an instance's field stays with that instance; changing a shared container in
    place (``field.validators.append``) would reach every instance, so do not.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _field_copy(field) for name, field in self._declared_fields.items()}


# A ModelSerializer whose fields take only the JSON type the schema says (core.fields). A comment,
# not a docstring: drf-spectacular would describe every subclass without one of its own with it.
class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictTextField,
        models.EmailField: StrictEmailField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
        models.DateField: StrictDateField,
        models.DateTimeField: StrictDateTimeField,
        models.TimeField: StrictTimeField,
    }
    serializer_choice_field = StrictChoiceField
    serializer_related_field = StrictPrimaryKeyRelatedField


# What a staff search answers besides its rows: the words and where its two lists stand
# (core.search.SearchPages); each search adds its ``upcoming`` and ``past`` rows. A comment, not
# a docstring, as above.
class SearchPagesSerializer(serializers.Serializer):
    query = StrictCharField()
    more = StrictBooleanField()
    more_upcoming = StrictBooleanField(source="pages.upcoming.more")
    more_past = StrictBooleanField(source="pages.past.more")
    upcoming_from = StrictIntegerField(source="pages.upcoming.start")
    past_from = StrictIntegerField(source="pages.past.start")
