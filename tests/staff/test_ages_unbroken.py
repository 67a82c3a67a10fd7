"""Children's ages are written as people say them (1歳2か月、2歳6か月) and each stays whole: a
narrow column breaks between two ages, never inside 2歳6か月 (the roster at 1024 px wrote
「2歳6か」 on one line and 「月」 on the next)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import ProgramFactory, SessionFactory
from tests.staff.conftest import book_before, page_client

WHOLE = '<span class="nowrap">1歳2か月</span>、<span class="nowrap">2歳6か月</span>'


@pytest.fixture
def booked(facility_a):
    program = ProgramFactory(max_children=3, requires_child_ages=True)
    session = SessionFactory(facility=facility_a, program=program)
    result = book_before(session, children=2, children_ages=[14, 30])
    return session, result


@pytest.mark.parametrize(
    "page",
    [
        "/staff/sessions/{pk}/",
        "/staff/sessions/{pk}/print/",
        "/staff/sessions/{pk}/slips/{code}/",
        "/staff/sessions/{pk}/parties/{code}/",
    ],
)
def test_the_staff_pages_keep_each_age_whole(booked, manager_a, page):
    session, result = booked
    url = page.format(pk=session.pk, code=result.reservation.code)
    response = page_client(manager_a).get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert WHOLE in response.content.decode()


def test_the_parents_manage_page_keeps_each_age_whole(booked):
    _session, result = booked
    url = f"/manage/{result.reservation.code}/?token={result.token}"
    response = Client().get(url, HTTP_ACCEPT_LANGUAGE="ja", follow=True)
    assert response.status_code == 200
    assert WHOLE in response.content.decode()
