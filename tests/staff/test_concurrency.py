"""Two staff tap the same party at the same instant: one check-in, one no-op, same answer.

Real HTTP requests against pytest-django's threaded live server on PostgreSQL, every request
thread with its own database connection, released together by a barrier.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from booking.models import Reservation, ReservationHistory
from booking.rules import Contact, Party
from booking.services import reservation_create
from events.models import Course, StaffRole
from staffdesk.models import SessionAttendance, StaffAction
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, api_key, staff_user
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30


def tap_together(base_url: str, url: str, tokens: list[str], code: str, attended: bool = True):
    """Send the same tap from each token at once; return the (status, body) answers."""
    clients = []
    for token in tokens:
        http = requests.Session()
        http.trust_env = False  # loopback only, never through a proxy
        http.headers["Authorization"] = f"Token {token}"
        assert http.get(f"{base_url}/api/v1/ping/", timeout=TIMEOUT).status_code == 200
        clients.append(http)
    barrier = threading.Barrier(len(clients))
    answers: list = [None] * len(clients)

    def tap(i: int) -> None:
        barrier.wait()
        response = clients[i].post(
            f"{base_url}{url}", json={"code": code, "attended": attended}, timeout=TIMEOUT
        )
        answers[i] = (response.status_code, response.json())

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    return answers


@pytest.fixture
def two_staff():
    facility = FacilityFactory(slug="door")
    first = staff_user(facility, StaffRole.MANAGER, username="door-1")
    second = staff_user(facility, StaffRole.MANAGER, username="door-2")
    return facility, [api_key(first), api_key(second)]


def test_double_tap_checks_in_once(require_postgres, live_server, two_staff):
    facility, tokens = two_staff
    session = started_session(facility=facility, capacity=40)
    parties = [book_before(session, email=f"d{i}@example.jp").reservation for i in range(15)]
    url = f"/api/v1/sessions/{session.pk}/check-in/"
    for r in parties:
        answers = tap_together(live_server.url, url, tokens, r.code)
        assert [status for status, _ in answers] == [200, 200], answers
        assert sorted(body["changed"] for _, body in answers) == [False, True]
        assert {body["attendance"] for _, body in answers} == {"attended"}
        r.refresh_from_db()
        assert r.status == "attended"
        assert ReservationHistory.objects.filter(reservation=r, to_status="attended").count() == 1
        assert StaffAction.objects.filter(reservation=r, kind="check_in").count() == 1
    # And two undos at once: one undoes, the other finds nothing to undo.
    r = parties[0]
    answers = tap_together(live_server.url, url, tokens, r.code, attended=False)
    assert sorted(body["changed"] for _, body in answers) == [False, True]
    r.refresh_from_db()
    assert r.status == "confirmed"
    session.refresh_from_db()
    assert session.seats_taken == 15  # checking in never moves seats


def test_double_tap_on_a_course_session_checks_in_once(require_postgres, live_server, two_staff):
    facility, tokens = two_staff
    program = ProgramFactory()
    course = Course.objects.create(program=program, facility=facility, title="講座", slug="c-door")
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    session = SessionFactory(
        program=program,
        facility=facility,
        course=course,
        start=start,
        registration_opens=start - timedelta(days=30),
        registration_closes=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=1),
    )
    parties = [
        reservation_create(
            course=course,
            party=Party(adults=1),
            contact=Contact(name=f"講座 {i}", email=f"k{i}@example.jp"),
            now=start - timedelta(days=7),
        ).reservation
        for i in range(10)
    ]
    url = f"/api/v1/sessions/{session.pk}/check-in/"
    for r in parties:
        answers = tap_together(live_server.url, url, tokens, r.code)
        assert [status for status, _ in answers] == [200, 200], answers
        assert sorted(body["changed"] for _, body in answers) == [False, True]
        assert SessionAttendance.objects.filter(reservation=r, session=session).count() == 1
    assert Reservation.objects.filter(course=course, status="confirmed").count() == 10
