"""The reservation API's bodies and what a refusal must leave as it was, for its tests."""

from booking.models import Reservation, ReservationHistory

URL = "/api/v1/reservations/"


def minimal(target, **extra):
    return {
        "session": target.pk,
        "name": "山田 花子",
        "email": "a@example.jp",
        "adults": 1,
        "children": 0,
        **extra,
    }


def snapshot(session):
    session.refresh_from_db()
    return (
        session.seats_taken,
        session.capacity,
        Reservation.objects.count(),
        ReservationHistory.objects.count(),
    )


def assert_refused(response, status, code, session, before):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert snapshot(session) == before
