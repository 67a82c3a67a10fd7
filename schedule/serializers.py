"""The series API's bodies: strict JSON types (core.fields), ISO weekdays (Monday = 1)."""

from __future__ import annotations

from datetime import time

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictIntegerField,
    StrictSlugRelatedField,
    StrictTextField,
    StrictTimeField,
)
from core.serializers import StrictModelSerializer
from events.models import Facility, Program
from schedule.models import OpensRule, Series


class SeriesPatternSerializer(serializers.Serializer):
    """A repeating pattern: weekdays (and weeks of the month), times, dates, sizes, windows."""

    program = StrictSlugRelatedField(slug_field="slug", queryset=Program.objects.all())
    facility = StrictSlugRelatedField(slug_field="slug", queryset=Facility.objects.all())
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    weekdays = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=7), max_length=7, allow_empty=True
    )
    nth = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=5),
        max_length=5,
        required=False,
        default=list,
        help_text="Weeks of the month (1-5); [2] with weekdays [3]: the second Wednesday.",
    )
    start_time = StrictTimeField()
    end_time = StrictTimeField()
    first_date = StrictDateField()
    last_date = StrictDateField()
    capacity = StrictIntegerField(min_value=0, max_value=100_000)
    children_capacity = StrictIntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True, default=None
    )
    childcare_capacity = StrictIntegerField(
        min_value=0, max_value=1_000, required=False, allow_null=True, default=None
    )
    opens_rule = StrictChoiceField(
        choices=OpensRule.choices, required=False, default=OpensRule.DAYS_BEFORE
    )
    opens_days_before = StrictIntegerField(min_value=0, max_value=365, required=False, default=30)
    opens_time = StrictTimeField(required=False, default=time(9, 0))
    closes_days_before = StrictIntegerField(min_value=0, max_value=365, required=False, default=1)
    closes_time = StrictTimeField(required=False, default=time(17, 0))
    cancel_days_before = StrictIntegerField(min_value=0, max_value=365, required=False, default=1)
    cancel_time = StrictTimeField(required=False, default=time(17, 0))
    include = serializers.ListField(
        child=StrictDateField(), max_length=400, required=False, default=list
    )
    exclude = serializers.ListField(
        child=StrictDateField(), max_length=400, required=False, default=list
    )


class SkippedSerializer(serializers.Serializer):
    date = StrictDateField()
    reason = StrictChoiceField(choices=["past", "holiday", "closed", "clash"])
    name = StrictCharField()


class PreviewSerializer(serializers.Serializer):
    dates = serializers.ListField(child=StrictDateField())
    skipped = SkippedSerializer(many=True)


class PublishedSerializer(serializers.Serializer):
    id = StrictIntegerField()
    sessions = serializers.ListField(child=StrictIntegerField())


class SeriesSerializer(StrictModelSerializer):
    id = StrictIntegerField(read_only=True)
    program = StrictSlugRelatedField(slug_field="slug", read_only=True)
    facility = StrictSlugRelatedField(slug_field="slug", read_only=True)
    name = StrictCharField(
        read_only=True, help_text="What staff call it: its rule, start and title."
    )
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = Series
        fields = [
            "id",
            "name",
            "program",
            "facility",
            "title",
            "weekdays",
            "nth",
            "start_time",
            "end_time",
            "first_date",
            "last_date",
            "capacity",
            "children_capacity",
            "childcare_capacity",
            "opens_rule",
            "opens_days_before",
            "opens_time",
            "closes_days_before",
            "closes_time",
            "cancel_days_before",
            "cancel_time",
            "sessions",
        ]

    def get_sessions(self, series) -> list[int]:
        return sorted(link.session_id for link in series.links.all())


class SeriesChangeSerializer(serializers.Serializer):
    """Change this and later sessions (``from``), or cancel them (``cancel``: true)."""

    from_date = StrictDateField(help_text="This and later sessions change.")
    start_time = StrictTimeField(required=False)
    end_time = StrictTimeField(required=False)
    capacity = StrictIntegerField(min_value=0, max_value=100_000, required=False)
    cancel = StrictBooleanField(required=False, default=False)
    reason = StrictTextField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        changes = [n for n in ("start_time", "end_time", "capacity") if n in attrs]
        if attrs["cancel"] and changes:
            raise serializers.ValidationError({"cancel": [_("Cancel, or change: not both.")]})
        if not attrs["cancel"] and not changes:
            raise serializers.ValidationError(
                {"capacity": [_("Give a new time or capacity, or cancel.")]}
            )
        if attrs["cancel"] and not attrs["reason"]:
            raise serializers.ValidationError({"reason": [_("Say why: every party is told.")]})
        return attrs


class LaterPreviewSerializer(serializers.Serializer):
    """What a change or cancellation would do (``?dry_run=1``): nothing is changed or sent."""

    sessions = StrictIntegerField(help_text="Sessions changed or cancelled.")
    parties = StrictIntegerField(help_text="Parties emailed about the change.")
    subject = StrictCharField(help_text="The first email's subject, in its party's language.")
    text = StrictCharField(help_text="The first email's text.")
