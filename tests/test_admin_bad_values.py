"""The admin answers 400, not 500, to values no column can hold that an operator may type into
its address or its forms (a fuzzing run of the admin found each): an id of 23 digits in a
list's filter, year -1 in a date filter, an action on a row whose id is "abc"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from booking.models import Reservation
from tests.admin_lists import operator_client
from tests.factories import SessionFactory, book

pytestmark = pytest.mark.django_db

HUGE = "9" * 23


def refused_or_none_found(address_holds_huge: bool) -> int:
    """PostgreSQL's backend in Django finds no row for an id out of its range (200, an empty
    list); SQLite's raises, which the admin now answers 400."""
    return 400 if connection.vendor == "sqlite" or not address_holds_huge else 200


@pytest.mark.parametrize(
    "address",
    [
        f"/admin/booking/reservation/?id__in={HUGE}",
        f"/admin/events/course/?id__in={HUGE}",
        "/admin/consultations/appointment/?start__year=-1",
        f"/admin/consultations/appointment/?start__year={HUGE}",
    ],
)
def test_a_list_filtered_by_a_value_no_column_holds_is_400(address):
    answer = operator_client().get(address)
    assert answer.status_code == refused_or_none_found("id__in" in address)


@pytest.mark.parametrize("chosen", ["abc", HUGE])
def test_an_action_on_rows_that_cannot_be_is_400_and_deletes_nothing(chosen):
    book(SessionFactory(), email="a@example.jp")
    answer = operator_client().post(
        "/admin/booking/reservation/",
        {"action": "delete_selected", "index": "0", "_selected_action": chosen},
    )
    assert answer.status_code == refused_or_none_found(chosen == HUGE)
    assert Reservation.objects.count() == 1


def test_the_admins_lists_still_answer():
    client = operator_client()
    assert client.get("/admin/booking/reservation/").status_code == 200
    assert client.get("/admin/consultations/appointment/?start__year=2026").status_code == 200


def test_a_form_choosing_a_row_that_cannot_be_is_refused_and_saves_nothing():
    answer = operator_client().post(
        "/admin/auth/group/add/", {"name": "受付", "permissions": HUGE, "_save": "Save"}
    )
    assert answer.status_code == refused_or_none_found(True)  # PostgreSQL: the form, its error
    assert not Group.objects.exists()
