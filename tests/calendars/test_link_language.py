"""The private calendar link's email speaks a whole language code: やさしい日本語 is "ja-easy",
not the "ja" of its first two letters."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from booking.models import Reservation
from notifications.emails import render
from notifications.models import Notification, NotificationKind
from tests.factories import book

pytestmark = pytest.mark.django_db
LINK = "/api/v1/calendar/private-link/"


def test_a_reservation_kept_without_a_language_gets_the_link_in_the_askers_language(session):
    """The email follows the address's latest reservation; one kept without a language (an
    older row) takes the language the link was asked for in, whole."""
    book(session, email="lan@example.jp", language="vi")
    Reservation.objects.filter(email="lan@example.jp").update(language="")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja-easy")

    assert api.post(LINK, {"email": "lan@example.jp"}, format="json").status_code == 202

    row = Notification.objects.get(kind=NotificationKind.FEED_LINK)
    assert row.language == "ja-easy"
    email = render(row)
    assert email.subject == "【カレンダーに 入(い)れる】わたしの 予約(よやく)の カレンダーの リンク"


@pytest.mark.parametrize("code", ["ja-easy", "zh-hans", "pt-br"])
def test_the_latest_reservations_language_is_kept_whole(session, code):
    book(session, email="lan@example.jp", language=code)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja")

    assert api.post(LINK, {"email": "lan@example.jp"}, format="json").status_code == 202

    assert Notification.objects.get(kind=NotificationKind.FEED_LINK).language == code
