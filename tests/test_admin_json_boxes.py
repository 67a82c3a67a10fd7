"""A JSON box of the admin left empty saves its column's default ([]), where Django's form field
gave None and the column, not nullable, answered a 500 (a fuzzing run found it on a party's
配慮事項 and children's ages); the programme's lottery priority groups alike."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from booking.models import Reservation
from events.models import Program
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("op", "op@example.jp", "pw-long-enough-1")


def saved_with(obj, operator, **changes):
    """Save ``obj`` through its admin change form as the page sends it, with ``changes``."""
    request = RequestFactory().post("/")
    request.user = operator
    form_class = admin.site.get_model_admin(type(obj)).get_form(request, obj)
    unbound = form_class(instance=obj)
    data = {n: unbound[n].value() for n in unbound.fields if unbound[n].value() is not None}
    form = form_class(data=data | changes, instance=obj)
    assert form.is_valid(), form.errors
    form.save()
    obj.refresh_from_db()
    return obj


def test_a_partys_empty_needs_and_ages_save_as_empty_lists(operator):
    party = book(
        SessionFactory(), email="a@example.jp", children=1, children_ages=[14], needs=["allergy"]
    ).reservation
    party = saved_with(party, operator, children_ages="", needs="")
    assert party.children_ages == [] and party.needs == []
    assert Reservation.objects.filter(pk=party.pk, needs=[]).exists()


def test_a_programmes_empty_priority_groups_save_as_an_empty_list(operator):
    program = ProgramFactory(priority_groups=[{"key": "first_time", "label": "初めて"}])
    program = saved_with(program, operator, priority_groups="")
    assert (
        program.priority_groups == [] and Program.objects.get(pk=program.pk).priority_groups == []
    )
