"""The early refusal of a rush: one read of the session row answers requests nobody can win.

Whatever it answers must be what the full booking path answers for any valid party, on
SQLite and on PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationHistory
from booking.rules import Contact, Party
from booking.selectors import (
    MAX_SESSION_ID,
    booking_refusal,
    session_for_booking,
    session_id_from_request,
)
from booking.services import lottery_draw, reservation_create
from core.errors import AppError
from events.models import BookingMode, Course, SessionStatus
from notifications.models import Notification
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db

URL = "/api/v1/reservations/"


def _full(session):
    session.capacity = 2
    session.save()
    book(session, email="first@example.jp", adults=2)
    return session


def state_full_no_waitlist():
    return _full(SessionFactory(program=ProgramFactory(waitlist_enabled=False)))


def state_full_waitlist_open():
    return _full(SessionFactory(program=ProgramFactory(waitlist_enabled=True)))


def state_full_waitlist_cut_off():
    program = ProgramFactory(waitlist_enabled=True, waitlist_cutoff=timedelta(days=10))
    return _full(SessionFactory(program=program))


def state_seats_left():
    return SessionFactory(capacity=5)


def state_one_seat_left():
    session = SessionFactory(capacity=3, program=ProgramFactory(waitlist_enabled=False))
    book(session, email="first@example.jp", adults=2)
    return session


def state_cancelled():
    return SessionFactory(status=SessionStatus.CANCELLED)


def state_not_open_yet():
    start = timezone.now() + timedelta(days=40)
    return SessionFactory(start=start, registration_opens=start - timedelta(days=20))


def state_closed():
    start = timezone.now() + timedelta(hours=10)
    return SessionFactory(
        start=start,
        registration_opens=start - timedelta(days=20),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    )


def state_lottery_applying():
    return SessionFactory(program=ProgramFactory(booking_mode=BookingMode.LOTTERY), capacity=0)


def state_lottery_drawn_and_full():
    start = timezone.now() + timedelta(days=7)
    session = SessionFactory(
        program=ProgramFactory(
            booking_mode=BookingMode.LOTTERY,
            waitlist_enabled=False,
            lottery_confirmation_required=False,
        ),
        start=start,
        registration_opens=start - timedelta(days=20),
        registration_closes=start - timedelta(days=1),
        capacity=1,
    )
    book(session, email="applicant@example.jp", now=start - timedelta(days=2))
    session.registration_closes = timezone.now() - timedelta(minutes=1)
    session.save()
    lottery_draw(session=session)
    return session


def state_course_session():
    program = ProgramFactory()
    facility = SessionFactory(program=program).facility
    course = Course.objects.create(program=program, facility=facility, title="4回連続", slug="c")
    session = SessionFactory(program=program, course=course, capacity=0)
    return session


STATES = [
    state_full_no_waitlist,
    state_full_waitlist_open,
    state_full_waitlist_cut_off,
    state_seats_left,
    state_one_seat_left,
    state_cancelled,
    state_not_open_yet,
    state_closed,
    state_lottery_applying,
    state_lottery_drawn_and_full,
    state_course_session,
]


def refusal_for(value, now):
    """What the reservation API does first: read the session named, refuse if nobody can win."""
    session_id = session_id_from_request(value)
    return booking_refusal(session_for_booking(session_id), now) if session_id else None


def full_path_code(session, party: Party) -> str:
    """Book through the whole service and return the outcome (status or refusal code)."""
    try:
        result = reservation_create(
            session=session, party=party, contact=Contact(name="山田 花子", email="late@example.jp")
        )
    except AppError as exc:
        return exc.code
    return result.reservation.status


@pytest.mark.parametrize("make", STATES, ids=lambda f: f.__name__.removeprefix("state_"))
def test_the_early_refusal_is_what_every_party_gets(make):
    session = make()
    refusal = refusal_for(session.pk, timezone.now())
    for party in (Party(adults=1), Party(adults=2, children=3), Party(adults=1, children=1)):
        outcome = full_path_code(session, party)
        if refusal is not None:
            assert outcome == refusal, (party, outcome, refusal)
        Reservation.objects.filter(email="late@example.jp").delete()


def test_which_states_are_refused_early():
    expected = {
        state_full_no_waitlist: "session_full",
        state_full_waitlist_open: None,
        state_full_waitlist_cut_off: "session_full",
        state_seats_left: None,
        state_one_seat_left: None,
        state_cancelled: "session_cancelled",
        state_not_open_yet: "registration_closed",
        state_closed: "registration_closed",
        state_lottery_applying: None,  # lotteries and courses take the full path
        state_lottery_drawn_and_full: None,
        state_course_session: None,
    }
    now = timezone.now()
    assert {make: refusal_for(make().pk, now) for make in STATES} == expected


@pytest.mark.parametrize(
    "value", [None, "", "abc", "1.5", "１２", "²", -1, 0, True, 1.0, [1], {"id": 1}, MAX_SESSION_ID]
)
def test_anything_but_a_session_id_is_left_to_validation(value):
    _full(SessionFactory(program=ProgramFactory(waitlist_enabled=False)))
    assert refusal_for(value, timezone.now()) is None


def test_the_read_compiled_once_is_the_orm_read():
    """Every field of the session, its programme and its facility, with its Python type
    (datetimes with their offsets, durations, JSON, NULLs), is what the ORM reads."""
    program = ProgramFactory(
        waitlist_cutoff=timedelta(hours=3, minutes=5),
        waitlist_limit=None,
        priority_groups=[{"key": "first", "label": "初めての参加"}],
        reminder_offsets=[24, 2],
    )
    session = SessionFactory(program=program, children_capacity=4, childcare_capacity=2)
    book(session, email="first@example.jp", adults=2, children=1)
    read = session_for_booking(session.pk)
    orm = type(session).objects.select_related("program", "facility").get(pk=session.pk)
    for left, right in ((read, orm), (read.program, orm.program), (read.facility, orm.facility)):
        for field in type(right)._meta.concrete_fields:
            value, expected = getattr(left, field.attname), getattr(right, field.attname)
            assert value == expected, field.name
            assert type(value) is type(expected), field.name
            if hasattr(value, "utcoffset"):
                assert value.utcoffset() == expected.utcoffset(), field.name
        assert not left._state.adding and left._state.db == right._state.db
    assert read.program.priority_groups[0]["label"] == "初めての参加"


def test_one_read_brings_the_session_programme_and_facility(django_assert_num_queries):
    session = SessionFactory()
    with django_assert_num_queries(1):
        read = session_for_booking(session.pk)
        assert read.program.pk == session.program_id
        assert read.facility.pk == session.facility_id
    assert session_for_booking(MAX_SESSION_ID) is None


@pytest.mark.parametrize("shape", [str, float, lambda pk: pk + 0.5, lambda pk: f"{pk}.0"])
def test_the_id_is_a_json_integer_only(api, shape):
    """A session id given as text or as a float is no id (the schema's integer): 400 on the
    session field, nothing booked; never the early 409, nor session 13 for 13.5."""
    session = state_full_no_waitlist()
    other = SessionFactory(capacity=5)
    assert refusal_for(shape(session.pk), timezone.now()) is None
    body = {"session": shape(other.pk), "name": "山田", "email": "x@example.jp", "adults": 1}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and "session" in response.json()["fields"]
    assert not Reservation.objects.filter(email="x@example.jp").exists()


def test_a_sold_out_session_answers_409_before_the_body_is_validated(api):
    session = state_full_no_waitlist()
    counts = (Reservation.objects.count(), ReservationHistory.objects.count())
    notifications = Notification.objects.count()
    for body in (
        {"session": session.pk},
        {"session": session.pk, "name": "x" * 500, "email": "not an email", "adults": 99},
    ):
        response = api.post(URL, body, format="json")
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "session_full"
        assert response.json()["message"]
    session.refresh_from_db()
    assert session.seats_taken == 2
    assert (Reservation.objects.count(), ReservationHistory.objects.count()) == counts
    assert Notification.objects.count() == notifications


def test_refusal_speaks_the_request_language(api):
    session = state_cancelled()
    body = {"session": session.pk, "name": "Hanako", "email": "b@example.jp", "adults": 1}
    english = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    japanese = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert english.json()["code"] == japanese.json()["code"] == "session_cancelled"
    assert english.json()["message"] != japanese.json()["message"]
    assert english.json()["message"].isascii()


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        "session",
        {"session": 2**40, "name": "x", "email": "b@example.jp", "adults": 1},
        {"session": "99999999999999999999", "name": "x", "email": "b@example.jp", "adults": 1},
        {"session": -5, "name": "x", "email": "b@example.jp", "adults": 1},
    ],
)
def test_odd_bodies_still_get_a_400(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"]


def test_staff_override_is_never_refused_early(api, manager, facility):
    from tests.factories import api_key

    session = SessionFactory(facility=facility, program=ProgramFactory(waitlist_enabled=False))
    _full(session)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    body = {
        "session": session.pk,
        "name": "電話予約",
        "email": "phone@example.jp",
        "adults": 1,
        "override_reason": "電話で受付",
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "confirmed"


def test_a_bad_staff_token_is_still_refused_where_the_booking_would_go_on(api):
    session = state_seats_left()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    body = {"session": session.pk, "name": "山田 花子", "email": "b@example.jp", "adults": 1}
    response = api.post(URL, body, format="json")
    assert response.status_code == 401, response.json()
    assert response.json()["code"] == "not_authenticated"
    assert not Reservation.objects.filter(email="b@example.jp").exists()
