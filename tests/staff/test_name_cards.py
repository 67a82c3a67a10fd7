"""名札: a card for each person a session expects, from the roster and its print, laid out ten
to an A4 sheet (90 × 55 mm, a name holder's size)."""

from __future__ import annotations

import re

import pytest

from booking.services import reservation_cancel
from staffdesk.selectors import name_cards
from tests.browser import assert_accessible, screenshot
from tests.factories import book, named_seminar, staff_user
from tests.staff.browser_pages import log_in, tablet
from tests.staff.conftest import page_client

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def cards_of(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip()
        for card in re.findall(r'<li class="name-card">(.*?)</li>', html, flags=re.S)
    ]


@pytest.mark.django_db
def test_a_seminar_prints_a_card_per_manager_under_the_company(manager_a, facility_a):
    seminar = named_seminar(facility_a)
    book(
        seminar,
        adults=2,
        attendee_names=("西郷 隆盛", "総務 花子"),
        company="株式会社わかば",
        name="総務 花子",
        name_kana="そうむ はなこ",
    )
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{seminar.pk}/name-cards/", **JA).content.decode()

    assert cards_of(html) == [
        "イクボスセミナー 株式会社わかば 西郷 隆盛",
        # The one who booked also comes: her ふりがな is known.
        "イクボスセミナー 株式会社わかば そうむ はなこ 総務 花子",
    ]
    assert "名札2枚（90×55mm、A4用紙1枚に10枚）" in html


@pytest.mark.django_db
def test_any_other_session_prints_a_card_per_party_holding_seats(manager_a, session_a):
    book(session_a, name="山田 花子", name_kana="やまだ はなこ", email="a@example.jp")
    book(session_a, name="佐藤 太郎", name_kana="さとう たろう", email="b@example.jp")
    gone = book(session_a, name="鈴木 美咲", email="c@example.jp").reservation
    reservation_cancel(reservation=gone)

    cards = name_cards(session=session_a, sort="kana")
    assert [(c.name, c.reading) for c in cards] == [
        ("佐藤 太郎", "さとう たろう"),
        ("山田 花子", "やまだ はなこ"),
    ]
    client = page_client(manager_a)
    roster_page = client.get(f"/staff/sessions/{session_a.pk}/", **JA).content.decode()
    assert f'href="/staff/sessions/{session_a.pk}/name-cards/?sort=kana">名札</a>' in roster_page
    printed = client.get(f"/staff/sessions/{session_a.pk}/print/", **JA).content.decode()
    assert f'href="/staff/sessions/{session_a.pk}/name-cards/?sort=kana">名札</a>' in printed


@pytest.mark.django_db
def test_another_facilitys_cards_are_not_shown(manager_b, session_a):
    book(session_a, name="山田 花子")
    answer = page_client(manager_b).get(f"/staff/sessions/{session_a.pk}/name-cards/")
    assert answer.status_code == 404
    assert "山田 花子" not in answer.content.decode()


@pytest.mark.django_db(transaction=True)
def test_twenty_cards_print_on_two_a4_sheets(browser, live_server, facility_a):
    seminar = named_seminar(facility_a, capacity=20)
    for n in range(7):
        adults = 3 if n < 6 else 2
        book(
            seminar,
            adults=adults,
            attendee_names=tuple(f"管理職 {n}{m}" for m in range(adults)),
            company="株式会社わかば",
            email=f"hr{n}@example.jp",
        )
    manager = staff_user(facility_a)
    page = tablet(browser)
    path = f"/staff/sessions/{seminar.pk}/name-cards/"
    log_in(page, live_server.url, manager.username, path)
    assert page.locator(".name-card").count() == 20
    assert_accessible(page, "name-cards")
    screenshot(page, "name-cards-tablet")
    size = page.locator(".name-card").first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; }"
    )
    assert [round(v / 96 * 25.4) for v in size] == [90, 55]  # CSS px at 96 per inch, in mm

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2  # five rows of two on each
