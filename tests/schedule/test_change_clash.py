"""Moving the later sessions of a series to a time another session at the facility holds is
refused with the days named, and nothing moves; a free time moves them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from events.models import Session
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user
from tests.schedule.series_setup import january_series

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_new_time_that_overlaps_another_session_is_refused():
    facility = FacilityFactory(slug="ribbon")
    manager = staff_user(facility)
    series, sessions = january_series(
        ProgramFactory(slug="fureai"), facility, weekdays=[1], by=manager
    )
    SessionFactory(
        facility=facility,
        start=datetime(2027, 1, 25, 13, 30, tzinfo=TOKYO),
        end=datetime(2027, 1, 25, 15, tzinfo=TOKYO),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    url = f"/api/v1/series/{series.pk}/"
    refused = api.patch(
        url, {"from_date": "2027-01-18", "start_time": "13:00", "end_time": "14:00"}, format="json"
    )
    assert refused.status_code == 400
    assert "1月25日（月）" in str(refused.json()["fields"]["start_time"])
    before = {s.pk: s.start for s in sessions}
    assert {s.pk: s.start for s in Session.objects.filter(pk__in=before)} == before
    moved = api.patch(
        url, {"from_date": "2027-01-18", "start_time": "15:00", "end_time": "16:00"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert Session.objects.get(pk=sessions[-1].pk).start == datetime(2027, 1, 25, 15, tzinfo=TOKYO)
