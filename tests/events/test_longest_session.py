"""A session lasts at most a day (events.models.LONGEST_SESSION): every way staff set a session's
start and end (the sessions API, a move by API or page, the admin) refuses an end later than that
with the end's field error in the request's language and writes nothing; exactly a day is taken.
The session table holds the rule too, in SQL each database runs without Django."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.test import Client
from django.utils import timezone

from events.models import LONGEST_SESSION, Session
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

TOO_LONG = LONGEST_SESSION + timedelta(minutes=1)
MESSAGES = {
    "ja": "終了日時は開始日時から24時間以内にしてください。",
    "en": "The end must be at most 24 hours after the start.",
}


def test_the_longest_session_is_a_day():
    assert LONGEST_SESSION == timedelta(hours=24)


@pytest.fixture
def facility():
    return FacilityFactory(slug="ribbon")


@pytest.fixture
def manager(facility):
    return staff_user(facility)


@pytest.fixture
def session(facility):
    """A booked session: a change of its time would email the party."""
    session = SessionFactory(facility=facility)
    book(session)
    return session


def unchanged(session: Session) -> None:
    """The session as it was, and nobody told or logged."""
    row = Session.objects.get(pk=session.pk)
    assert (row.start, row.end, row.sequence) == (session.start, session.end, session.sequence)
    assert not Notification.objects.filter(kind="session_changed").exists()
    assert not StaffAction.objects.exists()


def refused_on_end(response, language: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {"end": [MESSAGES[language]]}


def create_body(facility, length: timedelta) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return {
        "program": ProgramFactory().slug,
        "facility": facility.slug,
        "start": start.isoformat(),
        "end": (start + length).isoformat(),
        "capacity": 10,
        "registration_opens": (start - timedelta(days=20)).isoformat(),
        "registration_closes": (start - timedelta(days=2)).isoformat(),
        "cancellation_deadline": (start - timedelta(days=2)).isoformat(),
    }


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_sessions_api_refuses_to_create_a_session_longer_than_a_day(
    facility, manager, language
):
    api = token_client(manager)
    body = create_body(facility, TOO_LONG)
    response = api.post("/api/v1/sessions/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    refused_on_end(response, language)
    assert not Session.objects.exists()
    assert not StaffAction.objects.exists()


def test_the_sessions_api_creates_a_session_of_exactly_a_day(facility, manager):
    response = token_client(manager).post(
        "/api/v1/sessions/", create_body(facility, LONGEST_SESSION), format="json"
    )
    assert response.status_code == 201, response.json()
    session = Session.objects.get()
    assert session.end - session.start == LONGEST_SESSION


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_sessions_api_refuses_to_stretch_a_session_past_a_day(session, manager, language):
    response = token_client(manager).patch(
        f"/api/v1/sessions/{session.pk}/",
        {"end": (session.start + TOO_LONG).isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    refused_on_end(response, language)
    unchanged(session)


def test_the_sessions_api_stretches_a_session_to_exactly_a_day(session, manager):
    end = session.start + LONGEST_SESSION
    response = token_client(manager).patch(
        f"/api/v1/sessions/{session.pk}/", {"end": end.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Session.objects.get(pk=session.pk).end == end


def move_body(session: Session, length: timedelta) -> dict:
    start = (session.start + timedelta(days=1)).replace(microsecond=0)
    return {"start": start.isoformat(), "end": (start + length).isoformat(), "reason": "会場都合"}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_move_api_refuses_a_move_longer_than_a_day(session, manager, language):
    response = token_client(manager).post(
        f"/api/v1/sessions/{session.pk}/move/",
        move_body(session, TOO_LONG),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    refused_on_end(response, language)
    unchanged(session)


def test_the_move_api_moves_a_session_of_exactly_a_day(session, manager):
    body = move_body(session, LONGEST_SESSION)
    response = token_client(manager).post(
        f"/api/v1/sessions/{session.pk}/move/", body, format="json"
    )
    assert response.status_code == 200, response.json()
    moved = Session.objects.get(pk=session.pk)
    assert moved.end - moved.start == LONGEST_SESSION and moved.sequence == 1


def move_form(session: Session, length: timedelta) -> dict:
    start = timezone.localtime(session.start + timedelta(days=1))
    return {
        "action": "move",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + length).strftime("%Y-%m-%dT%H:%M"),
        "facility": session.facility.slug,
        "reason": "会場都合",
        "message": "",
    }


@pytest.mark.parametrize("confirm", [False, True])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_change_page_refuses_a_move_longer_than_a_day(session, manager, language, confirm):
    data = move_form(session, TOO_LONG) | ({"confirm": "1"} if confirm else {})
    response = page_client(manager).post(
        f"/staff/sessions/{session.pk}/change/", data, HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert MESSAGES[language] in html
    assert 'id="move-preview"' not in html
    unchanged(session)


def test_the_change_page_moves_a_session_of_exactly_a_day(session, manager):
    client = page_client(manager)
    url = f"/staff/sessions/{session.pk}/change/"
    data = move_form(session, LONGEST_SESSION)
    assert 'id="move-preview"' in client.post(url, data).content.decode()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    moved = Session.objects.get(pk=session.pk)
    assert moved.end - moved.start == LONGEST_SESSION


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("operator", "operator@example.jp", "pw-Op-123")
    )
    return client


def admin_form(session: Session, length: timedelta) -> dict:
    """The admin's fields for a session like ``session`` that lasts ``length``."""

    def split(name: str, value) -> dict:
        local = timezone.localtime(value)
        return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}

    return {
        "program": session.program_id,
        "facility": session.facility_id,
        "title": "",
        "capacity": session.capacity,
        "cancel_reason": "",
        **split("start", session.start),
        **split("end", session.start + length),
        **split("registration_opens", session.registration_opens),
        **split("registration_closes", session.registration_closes),
        **split("cancellation_deadline", session.cancellation_deadline),
    }


def end_errors(html: str) -> list[str]:
    row = re.search(r'<div class="form-row[^"]*field-end[^"]*">(.*?)</div>\s*</div>', html, re.S)
    assert row, "no end row"
    return re.findall(r'<ul class="errorlist"[^>]*><li>([^<]*)</li>', row.group(1))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_refuses_to_add_a_session_longer_than_a_day(session, operator, language):
    before = Session.objects.count()
    response = operator.post(
        "/admin/events/session/add/",
        admin_form(session, TOO_LONG),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200  # the form again
    assert end_errors(response.content.decode()) == [MESSAGES[language]]
    assert Session.objects.count() == before


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_refuses_to_stretch_a_session_past_a_day(session, operator, language):
    response = operator.post(
        f"/admin/events/session/{session.pk}/change/",
        admin_form(session, TOO_LONG),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert end_errors(response.content.decode()) == [MESSAGES[language]]
    unchanged(session)


def test_the_admin_adds_and_stretches_sessions_of_exactly_a_day(session, operator):
    response = operator.post("/admin/events/session/add/", admin_form(session, LONGEST_SESSION))
    assert response.status_code == 302
    added = Session.objects.exclude(pk=session.pk).get()
    assert added.end - added.start == LONGEST_SESSION
    response = operator.post(
        f"/admin/events/session/{session.pk}/change/", admin_form(session, LONGEST_SESSION)
    )
    assert response.status_code == 302
    stretched = Session.objects.get(pk=session.pk)
    assert stretched.end - stretched.start == LONGEST_SESSION


def test_the_database_refuses_a_session_longer_than_a_day(session):
    for length in (TOO_LONG, LONGEST_SESSION + timedelta(seconds=1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionFactory(end=session.start + length, start=session.start)
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(pk=session.pk).update(end=F("start") + length)
    day = SessionFactory(start=session.start, end=session.start + LONGEST_SESSION)
    assert day.end - day.start == LONGEST_SESSION
    Session.objects.filter(pk=session.pk).update(end=F("start") + LONGEST_SESSION)
    assert Session.objects.get(pk=session.pk).end == session.start + LONGEST_SESSION


def test_each_database_holds_the_rule_in_its_own_sql(session):
    """A CHECK that called a function Django registers on its connections would fail in any other
    program that opens the file (sqlite3, a backup's restore): the table's own SQL, in a plain
    connection, refuses a row longer than a day and takes one of exactly a day. PostgreSQL's
    CHECK is its own interval arithmetic, which every client meets."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conname = 'session_at_most_longest'"
            )
            [definition] = cursor.fetchone()
        assert "'24:00:00'::interval" in definition, definition
        assert "django_" not in definition
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'events_session'")
        [ddl] = cursor.fetchone()
    assert "julianday" in ddl and "django_" not in ddl
    plain = sqlite3.connect(":memory:")
    plain.execute(ddl)
    columns = [row[1] for row in plain.execute("PRAGMA table_info(events_session)")]
    row = {name: 0 for name in columns} | {
        "title": "",
        "status": "scheduled",
        "cancel_reason": "",
        "registration_opens": "2026-12-01 00:00:00",
        "registration_closes": "2026-12-09 00:00:00",
        "cancellation_deadline": "2026-12-09 00:00:00",
        "start": "2026-12-10 01:00:00",
        "created_at": "2026-12-01 00:00:00",
        "updated_at": "2026-12-01 00:00:00",
    }

    def insert(pk: int, end: str) -> None:
        values = row | {"id": pk, "end": end, "capacity": 10}
        names = ", ".join(f'"{n}"' for n in values)
        marks = ", ".join("?" for _ in values)
        plain.execute(
            f"INSERT INTO events_session ({names}) VALUES ({marks})", list(values.values())
        )

    insert(1, "2026-12-11 01:00:00")
    insert(2, "2026-12-11 01:00:00.000000")
    for pk, end in ((3, "2026-12-11 01:00:01"), (4, "2026-12-11 01:01:00"), (5, "2100-12-11")):
        with pytest.raises(sqlite3.IntegrityError, match="session_at_most_longest"):
            insert(pk, end)


BEFORE = ("events", "0007_program_display_order")
AFTER = ("events", "0008_session_lasts_at_most_a_day")


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_the_sessions_longer_than_a_day_and_adds_the_rule():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        facility = old.get_model("events", "Facility").objects.create(
            name="りぼん館", name_ja="りぼん館", slug="ribbon", city="鹿児島市", address="-"
        )
        program = old.get_model("events", "Program").objects.create(
            title="講座", title_ja="講座", slug="kouza"
        )
        start = timezone.now() + timedelta(days=7)
        long = old.get_model("events", "Session").objects.create(
            program=program,
            facility=facility,
            start=start,
            end=start.replace(year=2100),
            capacity=10,
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        with pytest.raises(RuntimeError, match=rf"\(ids {long.pk}\)"):
            executor.migrate([AFTER])
        type(long).objects.filter(pk=long.pk).update(end=start + LONGEST_SESSION)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([AFTER])
        assert Session.objects.get(pk=long.pk).end == start + LONGEST_SESSION
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(pk=long.pk).update(end=F("start") + TOO_LONG)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
