"""Test run: the same engines as configured by DATABASE_URL / REDIS_URL, fast hashing."""

import os

from .base import *  # noqa: F403
from .database import SQLITE_ENGINE

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not :memory:, so that live-server threads get their own connections and the
# IMMEDIATE transactions really serialise them as in production.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("SQLITE_TEST_NAME", str(BASE_DIR / "var" / "test.sqlite3"))  # noqa: F405
    }
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405
# Tests read pages right after booking: the catalogue's short page cache is off, but in the
# tests of that cache (tests/pages/test_page_cache.py).
PAGES_CACHE_SECONDS = 0
