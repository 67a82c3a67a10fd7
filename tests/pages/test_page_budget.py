"""Every parents' page renders with a constant number of queries and weighs under 100 KB."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.links import my_reservations_link_issue
from events.models import Course
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, later_in_course

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024  # bytes transferred: the HTML and the one stylesheet


def stylesheet_bytes() -> int:
    path = finders.find("css/site.css")
    assert path, "static/css/site.css is not found by the staticfiles finders"
    with open(path, "rb") as handle:
        return len(handle.read())


def many_sessions(n: int) -> list:
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    facilities = [FacilityFactory() for _ in range(3)]
    programs = [ProgramFactory() for _ in range(3)]
    return [
        SessionFactory(
            facility=facilities[i % 3],
            program=programs[i % 3],
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i, minutes=45),
            registration_closes=start - timedelta(hours=1),
            cancellation_deadline=start - timedelta(hours=1),
        )
        for i in range(n)
    ]


def count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return len(queries), len(response.content)


def test_the_list_costs_the_same_queries_for_3_or_60_sessions(
    ja_client, django_assert_max_num_queries
):
    many_sessions(3)
    few, _ = count(ja_client, "/")
    many_sessions(57)
    many, size = count(ja_client, "/")
    assert few == many
    with django_assert_max_num_queries(6):
        ja_client.get("/?has_seats=1&audience=anyone", follow=True)
    assert size + stylesheet_bytes() < BUDGET


def test_the_session_page_and_form_cost_a_constant_number_of_queries(
    ja_client, hub, django_assert_max_num_queries
):
    program = ProgramFactory()
    course = Course.objects.create(program=program, facility=hub, title="講座", slug="c")
    first = SessionFactory(program=program, facility=hub, course=course)
    for week in range(1, 8):
        later_in_course(first, week)
    for url in (f"/sessions/{first.pk}/", f"/sessions/{first.pk}/reserve/"):
        with django_assert_max_num_queries(3):
            response = ja_client.get(url, follow=True)
        assert len(response.content) + stylesheet_bytes() < BUDGET


def test_the_manage_and_result_pages_cost_a_constant_number_of_queries(
    ja_client, play, django_assert_max_num_queries
):
    result = book(play, children=1, children_ages=[5])
    code, token = result.reservation.code, result.token
    for url in (f"/reservations/{code}/?token={token}", f"/manage/{code}/?token={token}"):
        with django_assert_max_num_queries(4):
            response = ja_client.get(url, follow=True)
        assert response.status_code == 200
        assert len(response.content) + stylesheet_bytes() < BUDGET


def test_my_reservations_list_costs_the_same_for_1_or_8_reservations(ja_client, hub):
    sessions = many_sessions(8)
    book(sessions[0], email="me@example.jp")
    url = f"/my-reservations/{my_reservations_link_issue(email='me@example.jp')}/"
    one, _ = count(ja_client, url)
    for session in sessions[1:]:
        book(session, email="me@example.jp")
    eight, size = count(ja_client, url)
    assert one == eight
    assert size + stylesheet_bytes() < BUDGET


@pytest.mark.parametrize(
    "url", ["/my-reservations/", "/my-reservations/sent/", "/privacy/", "/sessions/0/"]
)
def test_the_small_pages_need_no_more_than_one_query(ja_client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = ja_client.get(url, follow=True)
    assert len(response.content) + stylesheet_bytes() < BUDGET
