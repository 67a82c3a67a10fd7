"""The manage page offers a calendar only for a reservation the party still comes to."""

from __future__ import annotations

import pytest

from booking.models import ReservationStatus
from booking.services import reservation_cancel
from calendars.models import CalendarFeedToken
from tests.factories import book

pytestmark = pytest.mark.django_db

CALENDAR_OFFERS = (
    "<h2>カレンダー</h2>",
    ".ics",  # the session's add-to-calendar link
    'value="feed"',
    'value="feed_rotate"',
)


def manage_url(result) -> str:
    return f"/manage/{result.reservation.code}/?token={result.token}"


def test_a_confirmed_reservation_offers_its_calendar(ja_client, play):
    result = book(play, children=1, children_ages=[5], email="cal@example.jp")
    html = ja_client.get(manage_url(result), follow=True).content.decode()
    assert result.reservation.status == ReservationStatus.CONFIRMED
    for offer in CALENDAR_OFFERS:
        assert offer in html, offer
    assert f'href="/calendar/sessions/{play.pk}.ics"' in html


def test_a_cancelled_reservation_offers_no_calendar(ja_client, play):
    result = book(play, children=1, children_ages=[5], email="cal@example.jp")
    reservation_cancel(reservation=result.reservation)
    url = manage_url(result)

    html = ja_client.get(url, follow=True).content.decode()
    assert "この予約はキャンセルされています" in html
    for offer in CALENDAR_OFFERS:
        assert offer not in html, offer
    assert "このページのリンク" in html  # the page's own link can still be stopped

    # A form sent anyway (an old tab) is refused, and makes no link.
    for action in ("feed", "feed_rotate"):
        refused = ja_client.post(url, {"action": action})
        assert refused.status_code == 409
        page = refused.content.decode()
        assert "現在の予約の状態では、この操作はできません。" in page, page
        assert "webcal://" not in page
    assert not CalendarFeedToken.objects.exists()
