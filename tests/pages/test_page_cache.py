"""The catalogue's page cache: a page is drawn once per PAGES_CACHE_SECONDS at most, per page,
query, language and host; it never serves another page's or language's content, never a
stale page past its time, and the booking path never reads it."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db


def main_of(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def cached(settings):
    settings.PAGES_CACHE_SECONDS = 1  # whole seconds: Redis keeps no less


def test_a_reload_within_the_time_reads_no_session(client, cached):
    session = SessionFactory(capacity=3)
    first = client.get(f"/sessions/{session.pk}/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/sessions/{session.pk}/").content.decode()
    assert not [q for q in queries if "events_session" in q["sql"]]
    assert main_of(again) == main_of(first)  # the header's CSRF token differs
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/")
    assert len([q for q in queries if "events_session" in q["sql"]]) == 2  # count and page


def test_pages_languages_and_queries_are_kept_apart(client, cached):
    session = SessionFactory(capacity=3)
    other = SessionFactory(capacity=3)
    ja = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    en = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "残り3席" in ja and "3 seats left" in en
    assert other.program.title_ja in client.get(f"/sessions/{other.pk}/").content.decode()
    everything = client.get("/").content.decode()
    by_programme = client.get(f"/?program={other.program.slug}").content.decode()
    link = f'href="/sessions/{session.pk}/"'
    assert link in everything and link not in by_programme


def test_a_page_is_fresh_again_after_its_time(client, cached):
    program = ProgramFactory(waitlist_enabled=False)
    session = SessionFactory(capacity=1, program=program)
    reserve = f'href="/sessions/{session.pk}/reserve/"'
    assert reserve in client.get(f"/sessions/{session.pk}/").content.decode()
    book(session, email="last-seat@example.jp")
    time.sleep(1.1)
    assert reserve not in client.get(f"/sessions/{session.pk}/").content.decode()


def test_each_request_gets_its_own_csrf_token_and_messages(client, cached):
    session = SessionFactory()
    client.get(f"/sessions/{session.pk}/")
    other = type(client)()
    page = other.get(f"/sessions/{session.pk}/")
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    assert page.cookies["csrftoken"].value  # the second client got its own token
    assert token


def test_an_unknown_session_is_not_cached(client, cached):
    assert client.get("/sessions/999999/").status_code == 404
    assert client.get("/sessions/999999/").status_code == 404
