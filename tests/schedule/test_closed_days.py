"""A facility's closed days from the staff page: added, shown, skipped by a series' preview,
opened again; one per date; managers of the facility only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from events.models import Facility, StaffRole
from schedule.models import ClosedDay
from tests.factories import FacilityFactory, ProgramFactory, api_key, staff_user

pytestmark = pytest.mark.django_db
URL = "/staff/schedule/closed-days/?facility=ribbon"


@pytest.fixture
def manager():
    facility = FacilityFactory(slug="ribbon")
    ProgramFactory(slug="fureai")
    return staff_user(facility)


def preview_skipped(user) -> list[dict]:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    body = {
        "program": "fureai",
        "facility": "ribbon",
        "weekdays": [3],
        "start_time": "10:00",
        "end_time": "11:00",
        "first_date": "2027-03-01",
        "last_date": "2027-03-31",
        "capacity": 10,
    }
    answer = api.post("/api/v1/series/?dry_run=1", body, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()["skipped"]


def test_a_closed_day_staff_add_is_listed_and_skipped_then_opened_again(client, manager):
    client.force_login(manager)
    added = client.post(URL, {"action": "add", "date": "2027-03-17", "name": "館内点検"})
    assert added.status_code == 302
    page = client.get(URL).content.decode()
    assert "2027年3月17日" in page and "館内点検" in page
    assert preview_skipped(manager) == [
        {"date": "2027-03-17", "reason": "closed", "name": "館内点検"}
    ]
    again = client.post(URL, {"action": "add", "date": "2027-03-17", "name": "重複"})
    assert again.status_code == 200 and 'role="alert"' in again.content.decode()
    assert ClosedDay.objects.count() == 1
    day = ClosedDay.objects.get()
    assert client.post(URL, {"action": "remove", "pk": str(day.pk)}).status_code == 302
    assert not ClosedDay.objects.exists()
    assert preview_skipped(manager) == []


def test_viewers_and_other_facilities_cannot_close_a_day(client, manager):
    client.force_login(staff_user(FacilityFactory(slug="elsewhere")))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"action": "add", "date": "2027-03-17"}).status_code == 404
    ribbon = Facility.objects.get(slug="ribbon")
    client.force_login(staff_user(ribbon, StaffRole.VIEWER, username="ribbon-viewer"))
    assert client.post(URL, {"action": "add", "date": "2027-03-17"}).status_code == 403
    assert not ClosedDay.objects.exists()
