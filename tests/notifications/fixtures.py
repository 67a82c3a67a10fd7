"""Fixtures of the notification tests, imported by those modules only (not a conftest, so
that the other tests in this folder keep the project's default facility and programme)."""

import pytest
from django.core import mail

from tests.factories import FacilityFactory, ProgramFactory


@pytest.fixture
def facility(db):
    return FacilityFactory(
        phone="099-000-0000",
        access="市電「朝日通」電停から徒歩3分",
        noreply_email="noreply@centre.example.jp",
        no_quiet_hours=True,
    )


@pytest.fixture
def program(db):
    return ProgramFactory(what_to_bring="バスタオル、飲み物", reminder_offsets=[24])


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.API_THROTTLE_ENABLED = False
