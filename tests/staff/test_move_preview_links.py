"""The email a session move would send, previewed on the change page, shows a placeholder where
the party's manage link goes: a preview is seen by staff, screenshotted and printed, and never
holds a token that opens a parent's reservation page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking.manage_links import manage_link_token
from booking.models import Reservation
from notifications.models import Notification
from tests.factories import book
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"token=([^\s\"'<>&#]+)")


def opens(code: str, token: str) -> bool:
    """Whether ``token`` opens reservation ``code``'s manage page for a stranger's browser."""
    page = Client().get(f"/manage/{code}/", {"token": token}, follow=True)
    return page.status_code == 200 and 'name="action"' in page.content.decode()


def test_the_preview_holds_no_working_manage_link(manager_a, session_a):
    parties = [book(session_a, email=f"pv{i}@example.jp") for i in range(2)]
    for result in parties:  # the check below can fail: the real links open the page
        r = result.reservation
        assert opens(r.code, result.token)
    start = timezone.localtime(session_a.start + timedelta(days=1))
    html = (
        page_client(manager_a)
        .post(
            f"/staff/sessions/{session_a.pk}/change/",
            {
                "action": "move",
                "start": start.strftime("%Y-%m-%dT%H:%M"),
                "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "facility": session_a.facility.slug,
                "reason": "会場の空調工事",
                "message": "ご迷惑をおかけし申し訳ありません。",
            },
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        .content.decode()
    )
    email = html.split('class="email-text"')[1].split("</pre>")[0]
    assert "/manage/" in email and "?token=XXXXXXXX" in email
    for result in parties:
        r = Reservation.objects.get(pk=result.reservation.pk)
        assert manage_link_token(r.code, r.token_hash) not in html
        assert result.token not in html
        for token in TOKEN.findall(html):
            assert not opens(r.code, token)
    # A preview is not a move: nothing was queued for the parties.
    assert not Notification.objects.filter(kind="session_changed").exists()
