"""A number takes its own plural in every language: a child's age (1 ano e 3 meses, not
"1 ano(s) e 3 mês(es)"), the seats left on the reservation form ("Only 3 seats left"), and a
lottery win without a confirmation deadline (no "by ," left in its email)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation

from events.templatetags.parent_pages import months
from notifications import emails
from notifications.models import Notification, NotificationKind
from tests.factories import SessionFactory, book

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("pt-br", 12, "1 ano"),
        ("pt-br", 24, "2 anos"),
        ("pt-br", 13, "1 ano e 1 mês"),
        ("pt-br", 27, "2 anos e 3 meses"),
        ("pt-br", 5, "5 meses"),
        ("ja", 15, "1歳3か月"),
        ("ja", 24, "2歳"),
        ("en", 15, "1 y 3 m"),
        ("zh-hans", 15, "1岁3个月"),
        ("ko", 15, "1세 3개월"),
        ("vi", 15, "1 tuổi 3 tháng"),
    ],
)
def test_an_age_takes_each_numbers_plural(language, value, expected):
    with translation.override(language):
        assert months(value) == expected


@pytest.mark.parametrize(
    ("capacity", "language", "expected"),
    [
        (1, "en", "Only 1 seat left: a party of 2 or more"),
        (2, "en", "Only 2 seats left: a party of 3 or more"),
        (1, "pt-br", "Resta 1 vaga: um grupo de 2 pessoas ou mais"),
        (2, "pt-br", "Restam 2 vagas: um grupo de 3 pessoas ou mais"),
        (2, "ja", "残り2席です。3人以上では満席のため、キャンセル待ちになります。"),
    ],
)
def test_the_seats_left_on_the_form_take_their_plural(capacity, language, expected):
    session = SessionFactory(capacity=capacity)
    session.program.waitlist_enabled = True
    session.program.max_adults = 4
    session.program.save()
    html = (
        Client(HTTP_ACCEPT_LANGUAGE=language)
        .get(f"/sessions/{session.pk}/reserve/")
        .content.decode()
    )
    assert expected in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_lottery_win_without_a_deadline_says_no_empty_deadline(language):
    session = SessionFactory(capacity=10)
    reservation = book(session, email="won@example.jp", language=language).reservation
    assert reservation.confirm_by is None
    row = Notification.objects.create(
        kind=NotificationKind.LOTTERY_WON,
        reservation=reservation,
        to_email=reservation.email,
        language=language,
        payload={"confirm_url": "https://x.jp/r/ABC/?token=t#confirm"},
        due_at=timezone.now(),
    )
    rendered = emails.render(row)
    text = rendered.text + rendered.html
    if language == "ja":
        assert "参加を確定するには、次のリンク（予約管理ページ）を開き" in rendered.text
        assert "までに" not in text
    else:
        assert 'open your reservation page with this link and press "Confirm my place":' in (
            rendered.text
        )
        assert " by  and" not in text and " by and" not in text
    assert "If you do not confirm in time" not in text
