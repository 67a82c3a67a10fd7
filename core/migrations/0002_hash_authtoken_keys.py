"""Carry the keys of rest_framework.authtoken (stored in plain text) over as hashed tokens.

The authtoken app is no longer installed, so its table is read with raw SQL, and only if it
exists (a fresh database has none). Each key becomes an ApiToken with the key's SHA-256 and
first characters, so clients keep sending the same header; the plain-text rows are then
deleted. Running it again finds no rows and changes nothing. There is no way back: the keys
themselves are gone.
"""

import hashlib
from datetime import UTC

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"
LABEL = "rest_framework.authtoken"


def _aware(value):
    """A raw SQLite read gives a naive UTC time (or text); PostgreSQL an aware one."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return timezone.now()
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


def hash_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if LEGACY_TABLE not in connection.introspection.table_names(cursor):
            return
        table = connection.ops.quote_name(LEGACY_TABLE)
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("core", "ApiToken")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    users = set(User.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", flat=True))
    known = set(ApiToken.objects.values_list("key_hash", flat=True))
    for key, user_id, created in rows:
        digest = hashlib.sha256(key.encode()).hexdigest()
        if user_id not in users or digest in known:
            continue
        ApiToken.objects.create(
            user_id=user_id,
            label=LABEL,
            prefix=key[:8],
            key_hash=digest,
            created_at=_aware(created),
        )
        known.add(digest)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_api_tokens")]

    operations = [migrations.RunPython(hash_authtoken_keys, migrations.RunPython.noop)]
