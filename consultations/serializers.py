"""The consultations API's bodies: strict JSON types (core.fields), bounded dates; the staff-entered
texts (titles, topics, counsellors' names) in the request's language."""

from rest_framework import serializers

from consultations.topics import topic_labels
from core.fields import (
    StrictCharField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
    StrictPhoneField,
    StrictSlugField,
    StrictTextField,
)


class TopicsField(serializers.ListField):
    """A type's topics in the request's language (``consultations.topics``): a booking may send
    one of them back as its ``topic``, or the Japanese item."""

    def get_attribute(self, instance):
        return topic_labels(instance)


class ConsultationTypeSerializer(serializers.Serializer):
    slug = StrictCharField()
    title = StrictCharField()
    facility = StrictCharField(source="facility.name")
    minutes = StrictIntegerField()
    description = StrictCharField()
    audience = StrictCharField()
    mode = StrictCharField()
    topics = TopicsField(child=StrictCharField())


class SlotSerializer(serializers.Serializer):
    start = StrictDateTimeField()
    end = StrictDateTimeField()
    counsellor = StrictCharField(source="counsellor_name")


class AppointmentCreateSerializer(serializers.Serializer):
    consultation = StrictSlugField(max_length=80)
    start = StrictDateTimeField()
    name = StrictCharField(max_length=100)
    email = StrictEmailField(max_length=254)
    phone = StrictPhoneField(required=False, default="", allow_blank=True)
    child_age_months = StrictIntegerField(
        min_value=0, max_value=240, required=False, allow_null=True, default=None
    )
    topic = StrictCharField(max_length=100, required=False, default="", allow_blank=True)
    free_text = StrictTextField(max_length=2000, required=False, default="", allow_blank=True)


class AppointmentSerializer(serializers.Serializer):
    code = StrictCharField()
    # A staff block of a slot has no consultation type.
    consultation = StrictCharField(source="consultation_type.slug", default=None, allow_null=True)
    start = StrictDateTimeField()
    end = StrictDateTimeField()
    counsellor = StrictCharField(source="counsellor.display_name")
    status = StrictCharField()


class AppointmentCreatedSerializer(AppointmentSerializer):
    token = StrictCharField()
    manage_url = StrictCharField()
