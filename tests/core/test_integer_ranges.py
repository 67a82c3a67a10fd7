"""The embedded SQLite database holds what PostgreSQL holds, no more: a small-integer field
(並び順, ages, party sizes) takes 0..32767 on both, so a form, the admin and a model-bound
serializer refuse 40000 on SQLite as PostgreSQL's column would."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.admin_lists import list_edit, operator_client
from tests.factories import ProgramFactory


@pytest.mark.parametrize(
    ("field", "bounds"),
    [
        ("PositiveSmallIntegerField", (0, 32767)),
        ("SmallIntegerField", (-32768, 32767)),
        ("PositiveIntegerField", (0, 2147483647)),
        ("IntegerField", (-2147483648, 2147483647)),
    ],
)
def test_each_database_bounds_integer_columns_as_postgresql_does(field, bounds):
    assert connection.ops.integer_field_range(field) == bounds


def test_a_small_integer_beyond_the_column_is_refused_by_the_models_validation(db):
    program = ProgramFactory()
    program.display_order = 40000
    with pytest.raises(ValidationError) as refused:
        program.full_clean()
    assert "display_order" in refused.value.message_dict
    program.display_order = 32767
    program.full_clean()


def test_the_admin_refuses_an_order_beyond_the_column_and_changes_nothing(db):
    program = ProgramFactory(display_order=3)
    page = operator_client().post("/admin/events/program/", list_edit([(program.pk, 40000)]))
    assert page.status_code == 200
    assert "32767" in page.content.decode()
    program.refresh_from_db()
    assert program.display_order == 3
