"""A session's page and a reservation's emails link the facility to a map, and the page lets a
parent send the session to someone (by LINE or by email) with its title, day and time, place and
page, in the page's language."""

from __future__ import annotations

import html as html_module
import os
import re
import subprocess
import sys
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import strip_tags

from events.templatetags.parent_pages import span
from notifications.emails import render
from notifications.models import Notification, NotificationKind
from tests.factories import book

pytestmark = pytest.mark.django_db


def link(page: str, words: str) -> str:
    """The href of the link whose text is ``words``."""
    found = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(words) + "</a>", page)
    assert found, f"no link {words!r}"
    return html_module.unescape(found.group(1))


def test_the_place_opens_in_a_map_by_its_address(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    url = urlsplit(link(page, "地図で見る"))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.google.com", "/maps/search/")
    query = parse_qs(url.query)
    assert query["api"] == ["1"]
    assert query["query"] == [f"{play.facility.address} すこやか子育て交流館"]


def test_the_place_opens_at_its_pin_where_the_facility_has_one(ja_client, play):
    play.facility.latitude, play.facility.longitude = Decimal("31.5966"), Decimal("130.5571")
    play.facility.save()
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    assert link(page, "地図で見る").endswith("query=31.596600,130.557100")


def test_another_map_service_is_a_setting(ja_client, play, settings):
    settings.MAP_SEARCH_URL = "https://www.openstreetmap.org/search?query={query}"
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    href = link(page, "地図で見る")
    assert href.startswith("https://www.openstreetmap.org/search?query=")
    assert unquote(href.split("query=", 1)[1]).endswith("すこやか子育て交流館")


def test_a_map_setting_without_the_query_stops_the_server_starting():
    environment = {**os.environ, "MAP_SEARCH_URL": "https://maps.example.jp/"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "MAP_SEARCH_URL must contain {query}" in result.stderr


def test_the_session_goes_by_line_with_what_and_when_and_where(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    href = link(page, "LINEで送る")
    assert href.startswith("https://line.me/R/share?text=")
    text = unquote(href.split("text=", 1)[1])
    assert text.splitlines() == [
        "親子ふれあい遊び（0〜1歳）",
        strip_tags(span(play)),
        "すこやか子育て交流館",
        f"http://testserver/sessions/{play.pk}/",
    ]


def test_the_session_goes_by_email_with_its_title_as_the_subject(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    href = link(page, "メールで送る")
    assert href.startswith("mailto:?")
    fields = parse_qs(href.removeprefix("mailto:?"))
    assert fields["subject"] == ["親子ふれあい遊び（0〜1歳）"]
    assert fields["body"][0].endswith(f"\nhttp://testserver/sessions/{play.pk}/")
    assert "\r" not in href and "\n" not in href


def test_a_page_in_english_sends_the_session_in_english(play):
    page = Client().get(f"/sessions/{play.pk}/?lang=en").content.decode()

    assert "Open in a map" in page
    text = unquote(link(page, "Send by LINE").split("text=", 1)[1])
    lines = text.splitlines()
    assert lines[0] == "Parent and baby play (0-1)"
    assert lines[2] == "Sukoyaka hub"
    assert lines[3] == f"http://testserver/sessions/{play.pk}/?lang=en"
    assert "Tell someone about this event" in page


def test_the_confirmation_email_links_the_place_to_the_same_map(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()
    reservation = book(play, email="hanako@example.jp", children=1, children_ages=[6]).reservation
    mail = render(
        Notification.objects.get(reservation=reservation, kind=NotificationKind.CONFIRMED)
    )

    on_the_page = link(page, "地図で見る")
    assert f"地図：{on_the_page}\n" in mail.text
    assert link(mail.html, "地図で見る") == on_the_page


def test_a_parent_sends_her_booked_day_without_its_code_or_link(ja_client, play):
    """On the result and the manage page (to tell a partner): the event, its day and place and
    its public page, never the reservation's code or manage link."""
    result = book(play, email="hanako@example.jp", children=1, children_ages=[6])
    manage = ja_client.get(
        f"/manage/{result.reservation.code}/?token={result.token}", follow=True
    ).content.decode()
    shown = ja_client.get(f"/reservations/{result.reservation.code}/").content.decode()
    for page in (manage, shown):
        assert link(page, "地図で見る").startswith("https://www.google.com/maps/search/")
        text = unquote(link(page, "LINEで送る").split("text=", 1)[1])
        assert text.splitlines()[0] == "親子ふれあい遊び（0〜1歳）"
        assert text.endswith(f"http://testserver/sessions/{play.pk}/")
        mail = link(page, "メールで送る")
        for secret in (result.reservation.code, result.token):
            assert secret not in text and secret not in mail


def test_a_course_is_sent_with_every_date(ja_client, spring_course):
    first, second = spring_course
    page = ja_client.get(f"/sessions/{first.pk}/").content.decode()
    lines = unquote(link(page, "LINEで送る").split("text=", 1)[1]).splitlines()
    assert lines[1:3] == [strip_tags(span(first)), strip_tags(span(second))]
