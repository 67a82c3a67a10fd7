"""The reservation API (POST /api/v1/reservations/ and a reservation's own endpoints): what it
books, what it refuses and with which code, and that a refusal leaves everything as it was."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import IdempotencyKey, Reservation
from events.models import Course, PartyCounting, Session
from tests.booking.api_bodies import URL, assert_refused, minimal, snapshot
from tests.factories import ProgramFactory, SessionFactory, api_key, book, staff_user

pytestmark = pytest.mark.django_db


def test_minimal_body_confirms_with_code_token_and_manage_url(api, session):
    response = api.post(URL, minimal(session), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert re.fullmatch(r"[A-Z2-9]{3}-[A-Z2-9]{4}", body["code"])
    assert len(body["token"]) >= 22
    assert body["code"] in body["manage_url"] and body["token"] in body["manage_url"]
    session.refresh_from_db()
    assert session.seats_taken == 1
    reservation = Reservation.objects.get(code=body["code"])
    assert reservation.token_hash != body["token"]  # only the hash is stored
    assert list(reservation.history.values_list("from_status", "to_status")) == [("", "confirmed")]


def test_full_session_waitlists_with_position(api, session):
    session.capacity = 1
    session.save()
    book(session, email="first@example.jp")
    r1 = api.post(URL, minimal(session, email="b@example.jp"), format="json").json()
    r2 = api.post(URL, minimal(session, email="c@example.jp"), format="json").json()
    assert (r1["status"], r1["position"]) == ("waitlisted", 1)
    assert (r2["status"], r2["position"]) == ("waitlisted", 2)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_full_without_waiting_list_is_409_session_full(api, db):
    session = SessionFactory(capacity=1, program=ProgramFactory(waitlist_enabled=False))
    book(session, email="first@example.jp")
    before = snapshot(session)
    assert_refused(
        api.post(URL, minimal(session), format="json"), 409, "session_full", session, before
    )


def test_outside_registration_window_is_409(api, db):
    future = timezone.now() + timedelta(days=40)
    not_open = SessionFactory(start=future, registration_opens=future - timedelta(days=10))
    before = snapshot(not_open)
    assert_refused(
        api.post(URL, minimal(not_open), format="json"),
        409,
        "registration_closed",
        not_open,
        before,
    )
    soon = timezone.now() + timedelta(hours=5)
    closed = SessionFactory(
        start=soon,
        registration_closes=soon - timedelta(hours=6),
        cancellation_deadline=soon - timedelta(hours=6),
    )
    before = snapshot(closed)
    assert_refused(
        api.post(URL, minimal(closed), format="json"), 409, "registration_closed", closed, before
    )


def test_cancelled_session_is_409(api, session):
    session.status = "cancelled"
    session.save()
    before = snapshot(session)
    assert_refused(
        api.post(URL, minimal(session), format="json"), 409, "session_cancelled", session, before
    )


def test_same_email_twice_is_409_duplicate(api, session):
    assert api.post(URL, minimal(session), format="json").status_code == 201
    before = snapshot(session)
    response = api.post(URL, minimal(session, email="A@Example.JP"), format="json")
    assert_refused(response, 409, "duplicate_reservation", session, before)


def test_same_email_may_book_again_after_cancelling(api, session):
    first = api.post(URL, minimal(session), format="json").json()
    api.post(f"{URL}{first['code']}/cancel/?token={first['token']}", {}, format="json")
    assert api.post(URL, minimal(session), format="json").status_code == 201


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"adults": 3}, "adults"),
        ({"children": 4}, "children"),
        ({"adults": 0}, "adults"),
        ({"email": "not-an-email"}, "email"),
        ({"childcare": 1, "children": 1}, "childcare"),
        ({"name": ""}, "name"),
        ({"session": 999999}, "session"),
    ],
)
def test_bad_party_or_contact_is_400_with_field_errors(api, session, extra, field):
    before = snapshot(session)
    response = api.post(URL, minimal(session, **extra), format="json")
    assert_refused(response, 400, "invalid", session, before)
    assert field in response.json()["fields"]


def test_maternity_needs_a_due_date_in_the_future_of_the_session(api, db):
    session = SessionFactory(
        program=ProgramFactory(requires_due_date=True, party_counting=PartyCounting.ADULTS_ONLY)
    )
    before = snapshot(session)
    for extra in (
        {},
        {"due_date": "2020-01-01"},
        {"due_date": str(timezone.localdate() + timedelta(days=400))},
    ):
        response = api.post(URL, minimal(session, **extra), format="json")
        assert_refused(response, 400, "invalid", session, before)
        assert "due_date" in response.json()["fields"]
    due = str(timezone.localdate() + timedelta(days=90))
    assert api.post(URL, minimal(session, due_date=due), format="json").status_code == 201


def test_age_band_programme_checks_each_childs_age(api, db):
    program = ProgramFactory(
        requires_child_ages=True, child_age_min_months=0, child_age_max_months=11
    )
    session = SessionFactory(program=program)
    before = snapshot(session)
    for extra in (
        {"children": 1},
        {"children": 1, "children_ages": [14]},
        {"children": 2, "children_ages": [3]},
    ):
        response = api.post(URL, minimal(session, **extra), format="json")
        assert_refused(response, 400, "invalid", session, before)
        assert {"children", "children_ages"} & set(response.json()["fields"])
    ok = api.post(URL, minimal(session, children=1, children_ages=[6]), format="json")
    assert ok.status_code == 201


def test_idempotency_key_replays_the_first_answer(api, session):
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-1"}
    first = api.post(URL, minimal(session), format="json", **headers)
    again = api.post(URL, minimal(session), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Reservation.objects.count() == 1
    other = api.post(URL, minimal(session, adults=2), format="json", **headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize("key", ["a\x00b", "tab\there", "x" * 256, " ", "予約-1"])
def test_an_idempotency_key_of_control_bytes_or_foreign_letters_is_400(api, session, key):
    # A NUL reached PostgreSQL's text column and failed there (500); runserver passes it on.
    before = snapshot(session)
    response = api.post(URL, minimal(session), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert_refused(response, 400, "invalid", session, before)
    assert "Idempotency-Key" in response.json()["fields"]
    assert IdempotencyKey.objects.count() == 0


def test_idempotency_keys_expire_after_24_hours(api, session):
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-2"}
    api.post(URL, minimal(session), format="json", **headers)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = api.post(URL, minimal(session, email="b@example.jp"), format="json", **headers)
    assert response.status_code == 201
    assert Reservation.objects.count() == 2


def test_token_is_needed_and_a_wrong_one_looks_like_no_code(api, session):
    body = api.post(URL, minimal(session), format="json").json()
    ok = api.get(f"{URL}{body['code']}/?token={body['token']}")
    assert ok.status_code == 200 and ok.json()["code"] == body["code"]
    header = api.get(f"{URL}{body['code']}/", HTTP_X_RESERVATION_TOKEN=body["token"])
    assert header.status_code == 200
    wrong = api.get(f"{URL}{body['code']}/?token=wrong")
    missing = api.get(f"{URL}AAA-AAAA/?token=wrong")
    none = api.get(f"{URL}{body['code']}/")
    assert wrong.status_code == missing.status_code == none.status_code == 404
    assert wrong.json() == missing.json() == none.json()


def test_token_of_one_reservation_never_opens_another(api, session):
    a = api.post(URL, minimal(session), format="json").json()
    b = api.post(URL, minimal(session, email="b@example.jp"), format="json").json()
    assert api.get(f"{URL}{b['code']}/?token={a['token']}").status_code == 404
    response = api.post(f"{URL}{b['code']}/cancel/?token={a['token']}", {}, format="json")
    assert response.status_code == 404
    assert Reservation.objects.get(code=b["code"]).status == "confirmed"


def test_cancel_frees_seats_and_promotes_the_waiting_list(api, session):
    session.capacity = 2
    session.save()
    first = api.post(URL, minimal(session, adults=2), format="json").json()
    waiting = api.post(URL, minimal(session, email="w@example.jp"), format="json").json()
    assert waiting["status"] == "waitlisted"
    response = api.post(f"{URL}{first['code']}/cancel/?token={first['token']}", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Reservation.objects.get(code=waiting["code"]).status == "confirmed"
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_cancel_after_the_deadline_is_409(api, session):
    body = api.post(URL, minimal(session), format="json").json()
    Session.objects.filter(pk=session.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    before = snapshot(session)
    response = api.post(f"{URL}{body['code']}/cancel/?token={body['token']}", {}, format="json")
    assert_refused(response, 409, "cancellation_closed", session, before)
    assert Reservation.objects.get(code=body["code"]).status == "confirmed"


def test_change_party_within_the_seats_left(api, session):
    session.capacity = 3
    session.save()
    body = api.post(URL, minimal(session), format="json").json()
    url = f"{URL}{body['code']}/?token={body['token']}"
    assert api.patch(url, {"adults": 2, "children": 1}, format="json").status_code == 200
    session.refresh_from_db()
    assert session.seats_taken == 3
    before = snapshot(session)
    response = api.patch(url, {"adults": 2, "children": 2}, format="json")
    assert_refused(response, 409, "party_too_large", session, before)
    assert api.patch(url, {"adults": 1, "children": 0}, format="json").status_code == 200
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_course_is_booked_as_a_whole_or_not_at_all(api, db):
    program = ProgramFactory()
    first = SessionFactory(program=program, capacity=5)
    course = Course.objects.create(
        program=program, facility=first.facility, title="全4回", slug="c4"
    )
    sessions = [first] + [
        SessionFactory(
            program=program,
            facility=first.facility,
            capacity=5,
            start=first.start + timedelta(weeks=i),
        )
        for i in (1, 2, 3)
    ]
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(course=course)
    Session.objects.filter(pk=sessions[2].pk).update(capacity=1)

    single = api.post(URL, minimal(first), format="json")
    assert single.status_code == 400 and single.json()["code"] == "course_booking_required"

    body = {
        "course": "c4",
        "name": "山田 花子",
        "email": "a@example.jp",
        "adults": 1,
        "children": 0,
    }
    assert api.post(URL, body, format="json").json()["status"] == "confirmed"
    assert [s.seats_taken for s in Session.objects.filter(course=course).order_by("id")] == [
        1,
        1,
        1,
        1,
    ]
    again = api.post(URL, {**body, "email": "b@example.jp"}, format="json").json()
    assert again["status"] == "waitlisted"  # one session of the four is full: none is taken
    assert [s.seats_taken for s in Session.objects.filter(course=course).order_by("id")] == [
        1,
        1,
        1,
        1,
    ]


def test_staff_override_books_beyond_capacity_with_a_reason(api, session):
    session.capacity = 1
    session.save()
    book(session)
    manager = staff_user(session.facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    response = api.post(
        URL,
        minimal(session, email="walkin@example.jp", override_reason="電話予約（所長承認）"),
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    session.refresh_from_db()
    assert session.capacity == 2 and session.seats_taken == 2
    history = Reservation.objects.get(code=response.json()["code"]).history.get()
    assert "電話予約" in history.reason and history.actor == manager


def test_override_without_being_staff_of_the_facility_is_403(api, session):
    session.capacity = 0
    session.save()
    before = snapshot(session)
    response = api.post(URL, minimal(session, override_reason="please"), format="json")
    assert_refused(response, 403, "permission_denied", session, before)
