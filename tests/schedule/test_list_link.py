"""The parents' list of one facility's sessions links to its printable monthly calendar; the
list of every facility, or of an unknown one, links to none (and is no error)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import FacilityFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_the_list_of_one_facility_links_to_its_printable_calendar():
    SessionFactory(facility=FacilityFactory(slug="ribbon"))
    one = Client().get("/", {"facility": "ribbon"}).content.decode()
    assert 'href="/facilities/ribbon/calendar/"' in one
    for query in [{}, {"facility": "no such place!"}]:
        answer = Client().get("/", query)
        assert answer.status_code == 200
        assert '/calendar/"' not in answer.content.decode().replace("/calendar/sessions", "")
