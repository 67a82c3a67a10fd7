"""core.db.insert: the compiled INSERT writes what the ORM's save writes, and fails the same way."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from booking.models import Reservation, ReservationHistory
from core.db import insert, insert_select, mark_inserted
from notifications.models import Notification
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def reservation(session, email: str, code: str) -> Reservation:
    return Reservation(
        session=session,
        code=code,
        adults=2,
        children=1,
        children_ages=[6, 30],
        due_date=date(2027, 3, 1),
        seats=3,
        child_seats=1,
        name="山田 花子",
        email=email,
        phone="090-0000-0000",
        notes="アレルギー: 卵",
        language="en",
        token_hash="a" * 64,
        status="confirmed",
    )


def row(model, pk) -> dict:
    values = model.objects.filter(pk=pk).values().get()
    values.pop("id")
    return values


def test_insert_writes_the_row_that_save_writes():
    session = SessionFactory()
    by_orm = reservation(session, "orm@example.jp", "AAA-AAAA")
    by_orm.save(force_insert=True)
    by_insert = reservation(session, "insert@example.jp", "BBB-BBBB")
    insert(by_insert)

    assert by_insert.pk and by_insert.pk != by_orm.pk
    assert not by_insert._state.adding and by_insert._state.db == "default"
    assert by_insert.created_at is not None  # auto_now_add set on the instance, as save does
    orm_row, insert_row = row(Reservation, by_orm.pk), row(Reservation, by_insert.pk)
    for values in (orm_row, insert_row):
        values.pop("created_at"), values.pop("updated_at")
    assert orm_row | {"email": "-", "code": "-"} == insert_row | {"email": "-", "code": "-"}
    assert insert_row["children_ages"] == [6, 30] and insert_row["due_date"] == date(2027, 3, 1)

    history = ReservationHistory(reservation=by_insert, to_status="confirmed", reason="理由")
    insert(history)
    assert row(ReservationHistory, history.pk)["reason"] == "理由"
    note = Notification(
        kind="confirmed", to_email="a@example.jp", payload={"k": ["値", 1]}, due_at=timezone.now()
    )
    insert(note)
    assert Notification.objects.get(pk=note.pk).payload == {"k": ["値", 1]}


@pytest.mark.django_db(transaction=True)
def test_a_unique_violation_raises_integrity_error_and_marks_the_block_for_rollback():
    session = SessionFactory()
    insert(reservation(session, "same@example.jp", "CCC-CCCC"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(reservation(session, "other@example.jp", "CCC-CCCC"))  # the code is taken
    with transaction.atomic():
        try:
            insert(reservation(session, "same@example.jp", "DDD-DDDD"))  # a second live one
        except IntegrityError:
            pass
        # As after a failed save(): the block must be rolled back, not used further.
        with pytest.raises(TransactionManagementError):
            Reservation.objects.count()
    assert Reservation.objects.count() == 1


def test_an_expression_value_goes_through_the_orm():
    session = SessionFactory()
    made = reservation(session, "expr@example.jp", "EEE-EEEE")
    made.notes = Value("式")
    insert(made)
    assert Reservation.objects.get(pk=made.pk).notes == "式"


def test_related_objects_are_checked_as_save_checks_them():
    session = SessionFactory()
    unsaved = reservation(session, "unsaved@example.jp", "FFF-FFFF")
    with pytest.raises(ValueError, match="unsaved related object 'reservation'"):
        insert(ReservationHistory(reservation=unsaved, to_status="confirmed"))
    assert not ReservationHistory.objects.exists()

    history = ReservationHistory(reservation=unsaved, to_status="confirmed")
    insert(unsaved)  # saved after it was assigned: its id is taken, as save() takes it
    insert(history)
    assert ReservationHistory.objects.get(pk=history.pk).reservation_id == unsaved.pk


# --- insert_select: rows that point at each other, written by one PostgreSQL statement ------


def run_with(parts: list[tuple[str, str, list]], final: str) -> tuple:
    from django.db import connection

    sql = "WITH " + ", ".join(f"{name} AS ({part})" for name, part, _params in parts)
    params = [value for _name, _part, part_params in parts for value in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} {final}", params)
        return cursor.fetchone()


@pytest.mark.usefixtures("require_postgres")
def test_insert_select_writes_the_row_that_insert_writes():
    session = SessionFactory()
    by_insert = reservation(session, "insert@example.jp", "GGG-GGGG")
    insert(by_insert)
    by_select = reservation(session, "select@example.jp", "HHH-HHHH")
    by_select.due_date = None  # a NULL is written into the statement, not sent
    sql, params = insert_select(by_select, "default", "(VALUES (1)) AS one", {})
    assert "CAST(NULL AS date)" in sql and None not in params

    (pk,) = run_with([("made", sql, params)], "SELECT id FROM made")
    mark_inserted(by_select, pk, "default")

    assert by_select.pk == pk and not by_select._state.adding
    insert_row, select_row = row(Reservation, by_insert.pk), row(Reservation, by_select.pk)
    for values in (insert_row, select_row):
        values.pop("created_at"), values.pop("updated_at")
    assert select_row.pop("due_date") is None
    insert_row.pop("due_date")
    same = {"email": "-", "code": "-"}
    assert insert_row | same == select_row | same
    assert select_row["children_ages"] == [6, 30] and select_row["notes"] == "アレルギー: 卵"


@pytest.mark.usefixtures("require_postgres")
def test_computed_columns_take_the_id_of_a_row_the_same_statement_writes():
    session = SessionFactory()
    parent = reservation(session, "parent@example.jp", "JJJ-JJJJ")
    history = ReservationHistory(reservation=parent, to_status="confirmed", reason="一文で")
    note = Notification(kind="confirmed", to_email="parent@example.jp", due_at=timezone.now())
    made, made_params = insert_select(parent, "default", "(VALUES (1)) AS one", {})
    kept, kept_params = insert_select(
        history, "default", "made", {"reservation_id": ("made.id", [])}
    )
    key = ("CAST(%s AS text) || made.id", ["confirmed:"])
    sent, sent_params = insert_select(
        note, "default", "made", {"reservation_id": ("made.id", []), "dedupe_key": key}
    )
    parts = [("made", made, made_params), ("kept", kept, kept_params), ("sent", sent, sent_params)]

    parent_id, history_id, note_id = run_with(
        parts, "SELECT made.id, kept.id, sent.id FROM made, kept, sent"
    )

    assert ReservationHistory.objects.get(pk=history_id).reservation_id == parent_id
    assert ReservationHistory.objects.get(pk=history_id).reason == "一文で"
    written = Notification.objects.get(pk=note_id)
    assert (written.reservation_id, written.dedupe_key) == (parent_id, f"confirmed:{parent_id}")


@pytest.mark.usefixtures("require_postgres")
def test_a_source_without_rows_writes_nothing():
    session = SessionFactory()
    sql, params = insert_select(
        reservation(session, "none@example.jp", "KKK-KKKK"),
        "default",
        "(SELECT 1 WHERE false) AS none",
        {},
    )
    assert run_with([("made", sql, params)], "SELECT id FROM made") is None
    assert not Reservation.objects.exists()


def test_insert_select_refuses_what_it_cannot_write():
    session = SessionFactory()
    unsaved = reservation(session, "unsaved@example.jp", "LLL-LLLL")
    history = ReservationHistory(reservation=unsaved, to_status="confirmed")
    with pytest.raises(ValueError, match="unsaved related object 'reservation'"):
        insert_select(history, "default", "made", {})
    unsaved.notes = Value("式")
    with pytest.raises(ValueError, match="notes is an expression"):
        insert_select(unsaved, "default", "one", {})


def test_insert_select_takes_the_id_of_a_related_object_saved_since_it_was_assigned():
    session = SessionFactory()
    parent = reservation(session, "later@example.jp", "MMM-MMMM")
    history = ReservationHistory(reservation=parent, to_status="confirmed")
    insert(parent)
    _sql, params = insert_select(history, "default", "one", {})
    assert history.reservation_id == parent.pk and params[0] == parent.pk
