"""An erased party is named （削除済み） in full-width brackets, as the desk's Japanese writes
them; the migration renames the parties and families erased before, and only them."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from booking.models import Reservation
from booking.privacy import ERASED_NAME, reservation_anonymise
from tests.factories import SessionFactory, book

pytestmark = pytest.mark.django_db


def test_an_erased_party_is_named_in_full_width_brackets():
    party = book(SessionFactory(), email="a@example.jp").reservation
    reservation_anonymise(reservation=party)
    party.refresh_from_db()
    assert party.name == ERASED_NAME == "（削除済み）"


def test_the_migration_renames_the_parties_erased_before_and_no_other():
    session = SessionFactory()
    erased = book(session, email="a@example.jp").reservation
    named = book(session, email="b@example.jp", name="(削除済み)さん").reservation
    Reservation.objects.filter(pk=erased.pk).update(name="(削除済み)")
    migration = import_module("booking.migrations.0014_erased_name_full_width")
    migration.forwards(apps, None)
    assert Reservation.objects.get(pk=erased.pk).name == "（削除済み）"
    assert Reservation.objects.get(pk=named.pk).name == "(削除済み)さん"
    migration.backwards(apps, None)
    assert Reservation.objects.get(pk=erased.pk).name == "(削除済み)"
