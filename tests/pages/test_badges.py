"""Badges never contradict the seats line (issue 21, item 6), and staff log in with their
email address (item 19)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_a_session_not_open_yet_says_when_it_opens(client):
    opens = timezone.now() + timedelta(days=3)
    session = SessionFactory(registration_opens=opens)
    local = timezone.localtime(opens)
    page = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "受付開始前" in page
    assert f"{local.month}月{local.day}日" in page and f"{local:%H:%M}受付開始" in page
    assert "残り" not in page.split("<main", 1)[1].split("</h1>", 1)[1].split("<dl", 1)[0]


def test_a_closed_session_shows_no_seats_left_beside_its_badge(client):
    now = timezone.now()
    session = SessionFactory(
        registration_opens=now - timedelta(days=5), registration_closes=now - timedelta(hours=1)
    )
    page = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    head = page.split("<main", 1)[1].split("<dl", 1)[0]
    assert "受付終了" in head and "残り" not in head


def test_the_staff_login_asks_for_the_email_address(client):
    page = client.get("/staff/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "メールアドレス" in page
