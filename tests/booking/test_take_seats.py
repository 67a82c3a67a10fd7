"""The conditional UPDATE that takes seats: each limit refuses on its own, NULL means none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.rules import Seats
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

# (session fields, seats asked, taken?)
CASES = [
    ({"capacity": 5, "seats_taken": 2}, Seats(3, 0, 0), True),
    ({"capacity": 5, "seats_taken": 3}, Seats(3, 0, 0), False),
    # children's own limit: NULL is no limit, a number is one
    ({"capacity": 9, "children_capacity": None, "children_taken": 7}, Seats(1, 5, 0), True),
    ({"capacity": 9, "children_capacity": 8, "children_taken": 6}, Seats(1, 2, 0), True),
    ({"capacity": 9, "children_capacity": 8, "children_taken": 7}, Seats(1, 2, 0), False),
    # childcare: NULL capacity offers no places; a number is the places
    ({"capacity": 9, "childcare_capacity": None}, Seats(2, 0, 1), False),
    ({"capacity": 9, "childcare_capacity": 2, "childcare_taken": 1}, Seats(2, 0, 1), True),
    ({"capacity": 9, "childcare_capacity": 2, "childcare_taken": 2}, Seats(2, 0, 1), False),
    # every limit must hold at once
    ({"capacity": 4, "seats_taken": 3, "childcare_capacity": 5}, Seats(2, 0, 1), False),
    ({"capacity": 5, "children_capacity": 3, "childcare_capacity": 3}, Seats(2, 3, 3), True),
]


@pytest.mark.parametrize(("fields", "seats", "taken"), CASES)
def test_seats_are_taken_only_where_every_limit_holds(fields, seats, taken):
    session = SessionFactory(**fields)
    other = SessionFactory(capacity=50)
    before = (session.seats_taken, session.children_taken, session.childcare_taken)
    with CaptureQueriesContext(connection) as queries:
        assert services.seats_take_one(session, seats) is taken
    assert len(queries) == 1
    session.refresh_from_db()
    after = (session.seats_taken, session.children_taken, session.childcare_taken)
    added = (seats.seats, seats.child_seats, seats.childcare) if taken else (0, 0, 0)
    assert after == tuple(b + a for b, a in zip(before, added, strict=True))
    other.refresh_from_db()
    assert (other.seats_taken, other.children_taken, other.childcare_taken) == (0, 0, 0)
