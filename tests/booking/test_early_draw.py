"""An early draw closes applications at once (issue 25, item 1): nobody is left undrawn.

Staff may draw a lottery before its application period ends. From then on the session takes
no application (409 ``registration_closed`` while winners confirm, then first come, first
served for seats left), the pages say so, and the scheduled draw has nothing left to draw.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from booking.services import lottery_draw, lottery_draw_due
from core.errors import AppError
from events.models import BookingMode
from parents.availability import Badge, session_availability
from tests.factories import ProgramFactory, SessionFactory, api_key, book, staff_user

pytestmark = pytest.mark.django_db


def lottery_session(*, confirm: bool, capacity: int = 2):
    program = ProgramFactory(
        booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=confirm
    )
    return SessionFactory(program=program, capacity=capacity)


def test_after_a_staff_draw_an_application_is_refused_while_winners_confirm(api):
    session = lottery_session(confirm=True)
    book(session, email="a@example.jp")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(session.facility))}")
    assert api.post(f"/api/v1/sessions/{session.pk}/draw/").status_code == 200
    api.credentials()
    before = Reservation.objects.count()
    body = {"session": session.pk, "name": "山田", "email": "late@example.jp", "adults": 1}
    response = api.post("/api/v1/reservations/", body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "registration_closed"
    assert Reservation.objects.count() == before
    session.refresh_from_db()
    assert session_availability(session, timezone.now()).badge == Badge.CLOSED


def test_without_confirmation_seats_left_go_first_come_after_an_early_draw():
    session = lottery_session(confirm=False, capacity=3)
    book(session, email="a@example.jp")
    lottery_draw(session=session)
    late = book(session, email="late@example.jp")
    assert late.reservation.status == ReservationStatus.CONFIRMED  # not an undrawn application
    assert not Reservation.objects.filter(status=ReservationStatus.APPLIED).exists()


def test_the_scheduled_draw_finds_nobody_left_after_an_early_draw():
    session = lottery_session(confirm=True)
    book(session, email="a@example.jp")
    lottery_draw(session=session)
    with pytest.raises(AppError):
        book(session, email="late@example.jp")
    later = session.registration_closes + timedelta(minutes=1)
    assert lottery_draw_due(now=later) == []
    assert not Reservation.objects.filter(status=ReservationStatus.APPLIED).exists()
