"""core.db.insert: the compiled INSERT writes what the ORM's save writes, and fails the same way."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from booking.models import Reservation, ReservationHistory
from core.db import insert
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
