"""The "my reservations" email's subject says what the email holds: the link, or that the
address has no reservation (it promised a link the email did not have)."""

from __future__ import annotations

import pytest

from booking.links import my_reservations_link_send
from notifications.emails import build_message
from notifications.models import Notification, NotificationKind
from tests.factories import SessionFactory, book

pytestmark = pytest.mark.django_db


def subject_sent_to(email: str, language: str = "ja") -> str:
    my_reservations_link_send(email=email, language=language)
    row = Notification.objects.filter(kind=NotificationKind.MY_RESERVATIONS, to_email=email)
    return build_message(row.latest("pk")).subject


def test_the_subject_says_whether_a_link_came():
    book(SessionFactory(), email="booked@example.jp")
    assert subject_sent_to("booked@example.jp") == "【ご予約の確認】予約一覧ページのリンク"
    assert subject_sent_to("nobody@example.jp") == (
        "【ご予約の確認】このメールアドレスでのご予約はありません"
    )
    assert subject_sent_to("nobody-en@example.jp", "en") == (
        "Your reservations: none with this email address"
    )
