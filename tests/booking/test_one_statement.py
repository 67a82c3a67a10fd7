"""On PostgreSQL a party that fits a session is booked by one statement (seats, reservation,
history, first email); it writes what the ordinary path writes and refuses as it refuses."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import services
from booking.models import Reservation, ReservationHistory, ReservationStatus
from core.errors import AppError
from notifications import services as notify
from notifications.models import Notification
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgres")]

PARTY = {
    "adults": 2,
    "children": 2,
    "children_ages": [3, 14],
    "childcare": 1,
    "name_kana": "ヤマダ ハナコ",
    "phone": "090-1234-5678",
    "notes": "ベビーカーで来ます",
    "language": "en",
}


def written(result) -> dict:
    """The rows a booking wrote, without what differs between any two bookings."""
    reservation = Reservation.objects.filter(pk=result.reservation.pk).values().get()
    for key in ("id", "code", "token_hash", "email", "created_at", "updated_at"):
        reservation.pop(key)
    history = list(
        ReservationHistory.objects.filter(reservation=result.reservation.pk).values(
            "from_status", "to_status", "actor_id", "actor_label", "reason"
        )
    )
    notes = list(
        Notification.objects.filter(reservation=result.reservation.pk).values(
            "kind", "language", "status", "attempts", "dedupe_key", "payload"
        )
    )
    for note in notes:
        assert note.pop("dedupe_key") == f"{note['kind']}:{result.reservation.pk}"
        assert note.pop("payload") == {"manage_url": note_url(result)}
    return {"reservation": reservation, "history": history, "notifications": notes}


def note_url(result) -> str:
    from booking.serializers import manage_url

    return manage_url(result.reservation.code, result.token)


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_one_statement_writes_what_the_ordinary_path_writes(monkeypatch):
    program = ProgramFactory(childcare_offered=True)
    session = SessionFactory(program=program, capacity=20, childcare_capacity=4)
    with CaptureQueriesContext(connection) as queries:
        one = book(session, email="one@example.jp", **PARTY)
    statements = writes(queries)
    assert len(statements) == 1 and statements[0].startswith("WITH taken AS (UPDATE")

    monkeypatch.setattr(services, "_one_statement_confirms", lambda sessions: False)
    with CaptureQueriesContext(connection) as queries:
        ordinary = book(session, email="two@example.jp", **PARTY)
    assert len(writes(queries)) == 4  # three INSERTs and the UPDATE

    assert one.reservation.status == ordinary.reservation.status == ReservationStatus.CONFIRMED
    assert written(one) == written(ordinary)
    assert written(one)["reservation"]["children_ages"] == [3, 14]
    session.refresh_from_db()
    party = one.reservation
    assert (party.seats, party.childcare) == (4, 1)
    taken = (session.seats_taken, session.children_taken, session.childcare_taken)
    assert taken == (2 * party.seats, 2 * party.child_seats, 2 * party.childcare)
    # the objects handed back are the saved rows, as the ordinary path hands them back
    assert one.reservation.pk and not one.reservation._state.adding
    assert one.position is None


def test_a_due_date_and_a_staff_author_are_written_too(django_user_model):
    program = ProgramFactory(requires_due_date=True, max_children=0)
    session = SessionFactory(program=program, capacity=5)
    due = timezone.localtime(session.start).date() + timedelta(days=60)
    staff = django_user_model.objects.create_user("sato", password="x")
    result = book(session, email="due@example.jp", due_date=due, by=staff)
    stored = Reservation.objects.get(pk=result.reservation.pk)
    assert stored.due_date == due
    assert list(stored.history.values_list("actor_id", "actor_label")) == [(staff.pk, "staff:sato")]


def test_a_refusal_leaves_the_callers_transaction_usable():
    session = SessionFactory(capacity=5)
    book(session, email="first@example.jp")
    with transaction.atomic():
        with pytest.raises(AppError) as refused:
            book(session, email="FIRST@example.jp", adults=2)
        assert refused.value.code == "duplicate_reservation"
        # a savepoint took the refusal: the caller's transaction still answers
        assert Reservation.objects.count() == 1
    session.refresh_from_db()
    assert session.seats_taken == 1  # the statement's UPDATE went with its refused INSERT
    assert Notification.objects.count() == 1 and ReservationHistory.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_statement_is_its_own_and_the_email_is_handed_over(
    monkeypatch,
):
    kicked = []
    monkeypatch.setattr(notify, "_kick", kicked.append)
    session = SessionFactory(capacity=5)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        result = book(session, email="alone@example.jp")
    assert [q["sql"].split(" ", 2)[:2] for q in queries] == [["WITH", "taken"]]  # no savepoint
    note = Notification.objects.get(reservation=result.reservation)
    assert kicked == [note.pk]  # autocommit: committed, so handed over at once
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_seats_that_went_meanwhile_leave_nothing_from_the_statement(monkeypatch):
    session = SessionFactory(capacity=2, program=ProgramFactory(waitlist_enabled=True))
    stale = type(session).objects.get(pk=session.pk)
    book(session, email="quick@example.jp", adults=2)
    attempts = []
    one_statement = services._confirm_in_one_statement

    def counted(*args, **kwargs):
        attempts.append(one_statement(*args, **kwargs))
        return attempts[-1]

    monkeypatch.setattr(services, "_confirm_in_one_statement", counted)
    result = book(stale, email="late@example.jp")
    assert attempts == [False]  # tried once, then the ordinary way waitlisted the party
    assert result.reservation.status == ReservationStatus.WAITLISTED
    late = Reservation.objects.get(email="late@example.jp")
    assert list(late.history.values_list("to_status", flat=True)) == ["waitlisted"]
    assert list(late.notifications.values_list("kind", flat=True)) == ["waitlisted"]
