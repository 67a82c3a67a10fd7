"""Whatever JSON a client sends (deep, unicode, surrogates, huge numbers), no endpoint answers
5xx: the booking, a reservation's change, the calendar link and a staff write."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    api_key,
    book,
    staff_user,
)

pytestmark = pytest.mark.django_db

TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=20
) | st.sampled_from(["\ud800", "\udfff", "山田 花子", "\u200b", "\u202e", "２", "٢", "yes"])
NUMBERS = (
    st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | (st.sampled_from([1e308, -1e308, 0.5, 13.5]))
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "session",
    "course",
    "name",
    "email",
    "adults",
    "children",
    "children_ages",
    "due_date",
    "childcare",
    "resident",
    "notes",
    "language",
    "start",
    "capacity",
    "program",
    "facility",
    "end",
    "registration_opens",
    "waitlist_limit",
]


def bodies():
    shaped = st.fixed_dictionaries({}, optional={f: JSON for f in FIELDS})
    return shaped | JSON


def raw(value) -> bytes:
    text = json.dumps(value, ensure_ascii=True, allow_nan=False)
    return text.encode()


@pytest.fixture
def world(db):
    facility = FacilityFactory()
    session = SessionFactory(facility=facility, program=ProgramFactory())
    booked = book(session, email="h@example.jp")
    user = staff_user(facility)
    return {"session": session, "booked": booked, "key": api_key(user)}


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:300]


@PROPERTY
@given(body=bodies(), deep=st.integers(min_value=0, max_value=3000), huge=st.booleans())
def test_no_json_gets_a_5xx_anywhere(api, world, body, deep, huge, settings_fixture):
    settings_fixture.API_THROTTLE_ENABLED = False
    try:
        payload = raw(body)
    except (ValueError, OverflowError):
        return
    if huge:  # numbers no float holds, which json.dumps cannot write
        payload = b'{"session": 1e400, "adults": -1e999, "capacity": 9e9999, "x": ' + payload + b"}"
    if deep:
        payload = b"[" * deep + payload + b"]" * deep
    code, token = world["booked"].reservation.code, world["booked"].token
    targets = [
        ("post", "/api/v1/reservations/", {}),
        ("patch", f"/api/v1/reservations/{code}/?token={token}", {}),
        ("post", "/api/v1/calendar/private-link/", {}),
        ("post", "/api/v1/sessions/", {"HTTP_AUTHORIZATION": f"Token {world['key']}"}),
    ]
    for method, url, headers in targets:
        response = api.generic(method.upper(), url, payload, "application/json", **headers)
        assert_no_server_error(response)


@pytest.fixture
def settings_fixture(settings):
    return settings
