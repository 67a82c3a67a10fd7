import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def need(condition: bool, reason: str) -> None:
    """Skip a test that needs a real service, or fail it when services are required."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_postgres():
    need(is_postgres(), "needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def require_redis():
    need(bool(settings.REDIS_URL), "needs Redis (set REDIS_URL=redis://...)")


def pytest_collection_modifyitems(config, items):
    """Run the tests marked slow (the API fuzz runs, minutes each) first.

    Under xdist (``make test`` runs two workers) the first worker starts with them while the
    other takes the rest, and the two finish together; last in the order, they kept one
    worker busy for six minutes after the other had run out of tests.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_SERVICES:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"REQUIRE_SERVICES=1: {len(skipped)} skipped test(s) count as failures")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached feeds live in the cache: start every test with none."""
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if settings.REDIS_URL and prefix:
        # Only this test run's keys: the same Redis database also carries Celery's queues.
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in Japanese: a page a test asked for in another language leaves its
    language active in the thread, and text written then would go to that language's column."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _joinable_celery_results():
    """Let every test wait on an eager task's result.

    Celery's eager ``apply_async`` forbids joins while it runs by setting a process-wide flag
    and restoring the value it found; two live-server threads running eager tasks at once can
    restore each other's "forbidden", which then outlives the test. Each test starts allowed.
    """
    from celery.result import allow_join_result

    with allow_join_result():
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def facility(db):
    return FacilityFactory()


@pytest.fixture
def program(db):
    return ProgramFactory()


@pytest.fixture
def session(db, facility, program):
    return SessionFactory(facility=facility, program=program)


@pytest.fixture
def manager(db, facility):
    return staff_user(facility)


@pytest.fixture
def manager_api(manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    return client
