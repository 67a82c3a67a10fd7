"""PATCH /api/v1/reservations/{code}/ changes only what it names (issue 25, item 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db


def url(result):
    return f"/api/v1/reservations/{result.reservation.code}/?token={result.token}"


def test_naming_the_adults_keeps_children_and_childcare(api):
    program = ProgramFactory(childcare_offered=True, max_adults=3, requires_child_ages=True)
    session = SessionFactory(program=program, capacity=20, childcare_capacity=3)
    result = book(session, adults=2, children=2, children_ages=[12, 30], childcare=1)
    response = api.patch(url(result), {"adults": 1}, format="json")
    assert response.status_code == 200, response.json()
    reservation = Reservation.objects.get()
    assert (reservation.adults, reservation.children, reservation.childcare) == (1, 2, 1)
    assert reservation.children_ages == [12, 30]
    session.refresh_from_db()
    assert (session.seats_taken, session.childcare_taken) == (3, 1)


def test_a_due_date_already_stored_is_not_asked_again(api):
    program = ProgramFactory(requires_due_date=True)
    session = SessionFactory(program=program, capacity=10)
    due = (timezone.localdate() + timedelta(days=90)).isoformat()
    result = book(session, adults=1, due_date=timezone.localdate() + timedelta(days=90))
    response = api.patch(url(result), {"adults": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["adults"] == 2
    assert Reservation.objects.get().due_date.isoformat() == due


def test_the_resulting_party_is_checked_whole(api):
    program = ProgramFactory(requires_child_ages=True, max_children=3)
    session = SessionFactory(program=program, capacity=10)
    result = book(session, adults=1, children=1, children_ages=[10])
    response = api.patch(url(result), {"children": 2}, format="json")  # no age for the second
    assert response.status_code == 400
    assert Reservation.objects.get().children == 1
