"""Session edits through the generic API, draws and privacy requests reach the audit log."""

import pytest

from staffdesk.models import StaffAction
from tests.factories import book

pytestmark = pytest.mark.django_db


def test_api_session_changes_are_audited(manager_api, manager, session):
    manager_api.patch(f"/api/v1/sessions/{session.pk}/", {"capacity": 15}, format="json")
    manager_api.post(f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "大雪"}, format="json")
    actions = list(StaffAction.objects.filter(session=session).order_by("id"))
    assert [a.kind for a in actions] == ["session_update", "session_cancel"]
    assert actions[0].before == {"capacity": 10} and actions[0].after == {"capacity": 15}
    assert actions[1].reason == "大雪" and actions[1].actor == manager


def test_privacy_requests_are_audited_without_the_address(manager_api, session):
    code = book(session, email="privacy@example.jp").reservation.code
    manager_api.get("/api/v1/privacy/export/?email=privacy@example.jp")
    manager_api.post("/api/v1/privacy/erase/", {"email": "privacy@example.jp"}, format="json")
    actions = list(StaffAction.objects.order_by("id"))
    assert [a.kind for a in actions] == ["export", "personal_data_erase"]
    assert actions[0].after == {"reservations": [code], "appointments": []}
    assert actions[1].after["erased"] == 1 and len(actions[1].after["reservations"]) == 1
    assert actions[1].after["links_ended"] is True
    assert "privacy@example.jp" not in str([(a.before, a.after, a.reason) for a in actions])
