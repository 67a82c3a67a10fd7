"""The demo's consultations: two types at リボン館 with a week of hours, loaded once."""

from datetime import timedelta

from django.utils import timezone

from consultations.models import ConsultationType
from consultations.selectors import free_slots
from demo.consultations import demo_consultations_load
from tests.factories import FacilityFactory


def test_demo_consultations_offer_slots_and_load_once(db):
    FacilityFactory(slug="ribbonkan")
    assert demo_consultations_load() == 2
    assert demo_consultations_load() == 0
    kind = ConsultationType.objects.get(slug="nyuen-soudan")
    assert kind.title == "入園相談"
    today = timezone.localdate()
    slots = free_slots(kind, first=today, last=today + timedelta(days=14))
    assert sum(len(day) for day in slots.values()) > 5
