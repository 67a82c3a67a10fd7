"""Two facilities with their staff, sessions and parties: what every staff test starts from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from booking.models import ReservationStatus
from events.models import BookingMode, Session, StaffRole
from tests.browser import browser  # noqa: F401  (the Chromium fixture for test_browser.py)
from tests.factories import PHONE_CALLER as FACTORY_CALLER
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    another_date,
    api_key,
    book,
    staff_user,
)
from tests.staff.browser_pages import NAMES
from tests.staff.desk_day import Day
from tests.staff.permission_world import SECRET_EMAIL, SECRET_NAME, World

# The caller of tests.factories as the desk's phone-booking API takes her, with her party: a
# phone number, no email address.
PHONE_CALLER = {
    "name": FACTORY_CALLER.name,
    "name_kana": FACTORY_CALLER.name_kana,
    "phone": FACTORY_CALLER.phone,
    "adults": 1,
    "children": 1,
    "children_ages": [14],
}


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def started_session(**kwargs):
    """A session of today that began half an hour ago (registration long closed).

    Just after midnight (Japan time) it began at 00:00: half an hour earlier would be
    yesterday, and check-in is open on the day of the session only.
    """
    now = timezone.localtime().replace(microsecond=0)
    start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0, second=0))
    return SessionFactory(start=start, **kwargs)


def book_before(session, **kwargs):
    """Book a session as if it were a week before it starts (inside the window)."""
    return book(session, now=session.start - timedelta(days=7), **kwargs)


@pytest.fixture
def facility_a(db):
    return FacilityFactory(name="すこやか子育て交流館", slug="ribbon")


@pytest.fixture
def facility_b(db):
    return FacilityFactory(name="親子つどいの広場 東", slug="tsudoi-east")


@pytest.fixture
def manager_a(facility_a):
    return staff_user(facility_a, StaffRole.MANAGER, username="manager-a")


@pytest.fixture
def viewer_a(facility_a):
    return staff_user(facility_a, StaffRole.VIEWER, username="viewer-a")


@pytest.fixture
def manager_b(facility_b):
    return staff_user(facility_b, StaffRole.MANAGER, username="manager-b")


@pytest.fixture
def session_a(facility_a):
    return SessionFactory(facility=facility_a, program=ProgramFactory(title="親子ふれあい遊び"))


@pytest.fixture
def session_b(facility_b):
    return SessionFactory(facility=facility_b, program=ProgramFactory(title="マタニティ教室"))


@pytest.fixture
def api_a(manager_a):
    return token_client(manager_a)


@pytest.fixture
def door(db):
    """A session started today with six booked parties and two managers (the browser tests)."""
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon-door")
    program = ProgramFactory(title="親子ふれあい遊び（1〜2歳）")
    session = started_session(facility=facility, program=program, capacity=20)
    parties = [
        book_before(
            session,
            name=name,
            name_kana=kana,
            email=f"door{i}@example.jp",
            adults=1,
            children=1 + i % 2,
            children_ages=[14] if i % 2 == 0 else [14, 30],
            phone=f"090-1234-{i:04d}",
        ).reservation
        for i, (name, kana) in enumerate(NAMES)
    ]
    first = staff_user(facility, StaffRole.MANAGER, username="door-a")
    second = staff_user(facility, StaffRole.MANAGER, username="door-b")
    return session, parties, first, second


# The permission tests' world (test_api_permissions.py, test_page_permissions.py,
# test_admin_permissions.py): facility A's sessions of every kind and who tries them.


@pytest.fixture
def world(facility_a, facility_b):
    started = started_session(facility=facility_a, capacity=3)
    party = book_before(started, name=SECRET_NAME, email=SECRET_EMAIL).reservation
    future = SessionFactory(facility=facility_a)
    book(future, name=SECRET_NAME, email=SECRET_EMAIL)
    waiting = SessionFactory(facility=facility_a, capacity=1)
    book(waiting, email="holder@example.jp")
    waiter = book(waiting, name=SECRET_NAME, email=SECRET_EMAIL).reservation
    Session.objects.filter(pk=waiting.pk).update(capacity=2)  # a seat for the manual promotion
    lottery = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, name=SECRET_NAME, email=SECRET_EMAIL)
    return World(started, future, waiting, lottery, party.code, waiter.code)


@pytest.fixture
def users(facility_a, facility_b):
    User = get_user_model()
    nobody_staff = User.objects.create_user(username="no-facility", password="pw-Staff-123")
    admin = User.objects.create_superuser(username="city-admin", password="pw-Staff-123")
    return {
        "anonymous": None,
        "manager_b": staff_user(facility_b, StaffRole.MANAGER, username="manager-b"),
        "no_facility": nobody_staff,
        "viewer_a": staff_user(facility_a, StaffRole.VIEWER, username="viewer-a"),
        "manager_a": staff_user(facility_a, StaffRole.MANAGER, username="manager-a"),
        "superuser": admin,
    }


# The desk role's tests (test_desk_role.py, test_desk_role_refusals.py).


@pytest.fixture
def desk_a(facility_a):
    return staff_user(facility_a, StaffRole.DESK, username="desk-a")


@pytest.fixture
def day(facility_a):
    started = started_session(facility=facility_a, capacity=5)
    first = book_before(started, name="受付 一郎", email="first@example.jp").reservation
    second = book_before(started, name="受付 二郎", email="second@example.jp").reservation
    future = SessionFactory(facility=facility_a)
    future_party = book(future, name="予約 花子", email="future@example.jp").reservation
    waiting = SessionFactory(facility=facility_a, capacity=1)
    book(waiting, email="holder@example.jp")
    waiter = book(waiting, email="waiter@example.jp").reservation
    Session.objects.filter(pk=waiting.pk).update(capacity=2)  # a seat for the manual promotion
    lottery = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, email="applicant@example.jp")
    return Day(started, future, waiting, lottery, first, second, future_party, waiter)


@pytest.fixture
def two_dates(facility_a):
    """Two dates of 親子ふれあい遊び: the first full (山田 and 田中, 佐藤 waiting), the next with
    room: (first, later, 山田's reservation, 佐藤's)."""
    first = SessionFactory(
        facility=facility_a, program=ProgramFactory(title="親子ふれあい遊び"), capacity=2
    )
    later = another_date(first, capacity=5)
    yamada = book(first, name="山田 花子", email="yamada@example.jp").reservation
    book(first, name="田中 一郎", email="tanaka@example.jp")
    sato = book(first, name="佐藤 葵", email="sato@example.jp").reservation
    assert sato.status == ReservationStatus.WAITLISTED
    return first, later, yamada, sato
