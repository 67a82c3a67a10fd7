"""What a fuzzing run of 51,800 odd requests against a running server found (2026-12-07), each
kept as the test that failed before its fix: a body in a charset Python cannot read as text, an
OPTIONS request to the API's documentation page, and the audit log of a session whose notice
or title is text that reads like a moment out of range."""

from __future__ import annotations

import pytest
from django.test import Client

from booking.models import Reservation
from events.models import StaffRole
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import SessionFactory, staff_user

pytestmark = pytest.mark.django_db

FAR = "9999-12-31T23:59:59-12:00"  # past the last moment Python has in Japan's time


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.API_THROTTLE_ENABLED = False


@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "zlib"])
def test_a_json_body_in_a_charset_that_is_no_text_encoding_is_400(api, session, charset):
    body = f'{{"session": {session.pk}, "name": "山田", "email": "a@example.jp", "adults": 1}}'
    response = api.generic(
        "POST",
        "/api/v1/reservations/",
        body.encode(),
        f"application/json; charset={charset}",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"] == "リクエストの内容を読み取れませんでした。"
    assert not Reservation.objects.exists()


def test_the_api_documentation_answers_get_and_refuses_options(client):
    assert client.get("/api/docs/").status_code == 200
    assert client.head("/api/docs/").status_code == 200
    assert client.options("/api/docs/").status_code == 405


@pytest.mark.parametrize("value", [FAR, "0001-01-01T00:00:00+14:00"])
def test_the_audit_log_shows_what_reads_like_a_moment_out_of_range(value):
    session = SessionFactory()
    for key, kind in (("message", StaffActionKind.SESSION_NOTICE), ("title", "session_update")):
        StaffAction.objects.create(
            actor_label="職員",
            kind=kind,
            session=session,
            facility=session.facility,
            before={},
            after={key: value},
        )
    # A stored moment out of range (an entry written before a limit existed) is shown as stored.
    StaffAction.objects.create(
        actor_label="職員",
        kind="session_update",
        session=session,
        facility=session.facility,
        before={"start": value},
        after={"start": "2027-01-05T10:00:00+09:00"},
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(staff_user(session.facility, StaffRole.MANAGER))
    page = client.get(f"/staff/sessions/{session.pk}/audit/")
    assert page.status_code == 200
    assert page.content.decode().count(value) == 3  # the typed text as typed, twice; the start
