"""Staff API tokens: random keys stored hashed, several per user, revocable, rotatable."""

from __future__ import annotations

import importlib
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.services import (
    LAST_USED_RESOLUTION,
    api_key_hash,
    api_token_create,
    api_token_revoke,
    api_token_rotate,
)
from tests.factories import FacilityFactory, staff_user

pytestmark = pytest.mark.django_db

STAFF_URL = "/api/v1/staff/today/"


@pytest.fixture
def staff(db):
    return staff_user(FacilityFactory(slug="ribbon"), username="staff-a")


def call(key: str | None):
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(STAFF_URL)


def assert_refused(response) -> None:
    assert response.status_code == 401, response.content[:300]
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert set(body) == {"code", "message"}


def all_token_table_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        return repr(cursor.fetchall())


def test_a_new_key_is_random_long_and_only_its_hash_is_stored(staff):
    first = api_token_create(user=staff, label="tablet")
    second = api_token_create(user=staff, label="laptop")
    assert first.key != second.key
    assert len(first.key) >= 43  # token_urlsafe(32): 256 bits
    stored = all_token_table_text()
    for issued in (first, second):
        assert issued.key not in stored
        assert issued.token.key_hash == api_key_hash(issued.key) in stored
        assert issued.token.prefix == issued.key[:8]
    assert call(first.key).status_code == call(second.key).status_code == 200


def test_no_key_starts_with_a_dash_which_a_command_line_would_read_as_an_option(staff, monkeypatch):
    """`staff_token revoke USER --prefix -Ab3xYz0` fails in argparse (one key in 64 began so,
    and the command's test failed with it now and then)."""
    drawn = iter(["-" + "A" * 42, "B" * 43])
    monkeypatch.setattr("core.services.secrets.token_urlsafe", lambda n: next(drawn))
    issued = api_token_create(user=staff)
    assert issued.key == "B" * 43 and issued.token.prefix == "B" * 8


def test_the_header_format_is_unchanged_and_the_user_is_the_tokens(staff):
    key = api_token_create(user=staff).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(STAFF_URL).status_code == 200
    other = staff_user(FacilityFactory(slug="other"), username="staff-b")
    other_key = api_token_create(user=other).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {other_key}")
    # staff-b works at another facility: asking for ribbon's day is refused, not served.
    assert client.get(f"{STAFF_URL}?facility=ribbon").status_code in (400, 403, 404)


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "x" * 43,
        "Token " + "a" * 40,
        "Token " + "x" * 500,
        "Token",
        "Token a b",
        "Bearer something",
    ],
)
def test_unknown_or_malformed_keys_get_401_with_the_error_body(staff, header):
    api_token_create(user=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_refused(client.get(STAFF_URL))  # "Bearer ...": not our scheme, so no credentials


def test_a_revoked_key_gets_401_and_revoking_again_changes_nothing(staff):
    issued = api_token_create(user=staff)
    assert call(issued.key).status_code == 200
    assert api_token_revoke(tokens=ApiToken.objects.filter(pk=issued.token.pk)) == 1
    assert_refused(call(issued.key))
    revoked_at = ApiToken.objects.get().revoked_at
    assert api_token_revoke(tokens=ApiToken.objects.all()) == 0
    assert ApiToken.objects.get().revoked_at == revoked_at


def test_an_expired_key_gets_401(staff):
    soon = api_token_create(user=staff, expires_at=timezone.now() + timedelta(hours=1))
    gone = api_token_create(user=staff, expires_at=timezone.now() - timedelta(seconds=1))
    assert call(soon.key).status_code == 200
    assert_refused(call(gone.key))


def test_the_key_of_an_inactive_user_gets_401(staff):
    key = api_token_create(user=staff).key
    staff.is_active = False
    staff.save()
    assert_refused(call(key))


def test_no_key_gets_401(staff):
    assert_refused(call(None))


def test_rotation_issues_a_new_key_and_ends_the_others(staff):
    old = api_token_create(user=staff, label="old")
    older = api_token_create(user=staff, label="older")
    new = api_token_rotate(user=staff, label="new")
    assert call(new.key).status_code == 200
    assert_refused(call(old.key))
    assert_refused(call(older.key))
    assert ApiToken.objects.filter(revoked_at__isnull=True).get().label == "new"


def test_last_used_is_written_at_most_once_a_minute(staff, django_assert_num_queries):
    issued = api_token_create(user=staff)
    assert issued.token.last_used_at is None
    assert call(issued.key).status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=30)

    from core.services import api_token_authenticate

    with django_assert_num_queries(1):  # the lookup, no UPDATE
        assert api_token_authenticate(issued.key) is not None
    assert ApiToken.objects.get().last_used_at == first

    later = first + LAST_USED_RESOLUTION + timedelta(seconds=1)
    with django_assert_num_queries(2):
        api_token_authenticate(issued.key, now=later)
    assert ApiToken.objects.get().last_used_at == later


# --- old rest_framework.authtoken keys ---------------------------------------------------

MIGRATION = importlib.import_module("core.migrations.0002_hash_authtoken_keys")


def create_old_authtoken_table(rows: list[tuple[str, int]]) -> None:
    """The table rest_framework.authtoken left behind (the app itself is gone)."""
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) NOT NULL PRIMARY KEY, '
            '"created" timestamp with time zone NOT NULL, "user_id" integer NOT NULL UNIQUE)'
            if connection.vendor == "postgresql"
            else 'CREATE TABLE authtoken_token ("key" varchar(40) NOT NULL PRIMARY KEY, '
            '"created" datetime NOT NULL, "user_id" integer NOT NULL UNIQUE)'
        )
        for key, user_id in rows:
            cursor.execute(
                'INSERT INTO authtoken_token ("key", "created", "user_id") VALUES (%s, %s, %s)',
                [key, timezone.now() - timedelta(days=100), user_id],
            )


def run_migration() -> None:
    MIGRATION.hash_authtoken_keys(apps, SimpleNamespace(connection=connection))


def test_old_authtoken_keys_keep_working_and_leave_no_plain_text(staff):
    other = staff_user(FacilityFactory(slug="east"), username="staff-b")
    old_keys = {"0123456789abcdef0123456789abcdef01234567": staff, "f" * 40: other}
    create_old_authtoken_table([(key, user.pk) for key, user in old_keys.items()])
    assert_refused(call("f" * 40))

    run_migration()

    for key, user in old_keys.items():
        response = call(key)
        assert response.status_code == 200, key
        token = ApiToken.objects.get(key_hash=api_key_hash(key))
        assert token.user == user and token.prefix == key[:8]
        assert token.label == "rest_framework.authtoken"
        assert timedelta(days=99) < timezone.now() - token.created_at < timedelta(days=101)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    stored = all_token_table_text()
    assert all(key not in stored for key in old_keys)

    run_migration()  # again: nothing left to carry over, nothing doubled
    assert ApiToken.objects.count() == 2


def test_the_authtoken_migration_does_nothing_without_the_old_table(staff):
    assert "authtoken_token" not in connection.introspection.table_names()
    run_migration()
    assert ApiToken.objects.count() == 0


# --- commands --------------------------------------------------------------------------


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_staff_prints_a_key_once_and_another_only_when_asked(facility):
    first = run("create_staff", "new@example.jp", "--facility", facility.slug)[-1]
    assert call(first).status_code == 200
    again = run("create_staff", "new@example.jp", "--facility", facility.slug)
    assert ApiToken.objects.count() == 1
    assert first not in "\n".join(again)
    second = run("create_staff", "new@example.jp", "--facility", facility.slug, "--new-token")[-1]
    assert second != first
    assert call(first).status_code == call(second).status_code == 200


def test_staff_token_command_creates_lists_rotates_and_revokes(staff):
    key = run("staff_token", "create", "staff-a", "--label", "受付タブレット")[-1]
    assert call(key).status_code == 200
    prefix = key[:8]
    listing = run("staff_token", "list", "staff-a")
    assert len(listing) == 1 and listing[0].startswith(f"{prefix}\tstaff-a\tlive\t")
    assert key not in "\n".join(listing)

    rotated = run("staff_token", "rotate", "staff-a", "--expires-days", "30")[-1]
    assert call(rotated).status_code == 200
    assert_refused(call(key))
    states = [line.split("\t")[2] for line in run("staff_token", "list")]
    assert sorted(states) == ["live", "revoked"]

    run("staff_token", "revoke", "staff-a", "--prefix", rotated[:8])
    assert_refused(call(rotated))
    with pytest.raises(CommandError, match="unknown user"):
        run("staff_token", "create", "nobody")


# --- admin -----------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(username="city-admin", password="pw-1")


def test_the_admin_issues_a_key_once_in_a_message_and_stores_its_hash(superuser, staff):
    from django.test import Client

    client = Client()
    client.force_login(superuser)
    response = client.post(
        "/admin/core/apitoken/add/", {"user": staff.pk, "label": "受付タブレット"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r"<code>([A-Za-z0-9_-]{43})</code>", html).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == api_key_hash(key) and token.label == "受付タブレット"
    assert call(key).status_code == 200
    # Shown once: the list page does not show it again.
    listing = client.get("/admin/core/apitoken/").content.decode()
    assert key not in listing and token.prefix in listing


def test_the_admin_revoke_action(superuser, staff):
    from django.test import Client

    keep = api_token_create(user=staff, label="keep")
    drop = api_token_create(user=staff, label="drop")
    client = Client()
    client.force_login(superuser)
    response = client.post(
        "/admin/core/apitoken/",
        {"action": "revoke", "_selected_action": [drop.token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert_refused(call(drop.key))
    assert call(keep.key).status_code == 200


def test_only_superusers_see_tokens_in_the_admin(staff):
    from django.contrib.auth.models import Permission
    from django.test import Client

    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="core"))
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/core/apitoken/").status_code == 403
    assert client.get("/admin/core/apitoken/add/").status_code == 403


def test_the_schema_documents_the_token_header(api):
    schema = api.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
