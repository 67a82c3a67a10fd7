"""The waiting-list page (キャンセル待ち): the party as the roster writes it, a lottery's draw
order as a full-width aside, the seats free above the list, a promotion refused for want of a
seat in words that say what to do, and a page that fits a phone and a tablet held upright (the
promote form whole inside its panel, nothing pushing the page sideways).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.models import Reservation, ReservationStatus
from booking.services import lottery_draw
from events.models import Session
from tests.browser import axe_violations
from tests.factories import FacilityFactory, book, lottery_session, staff_user
from tests.staff.browser_pages import log_in, tablet

SHOTS = Path("/tmp/words")
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
NAMES = [
    ("長谷川 みなみ", "はせがわ みなみ"),
    ("佐々木 あかり", "ささき あかり"),
    ("小野寺 ゆうと", "おのでら ゆうと"),
    ("五十嵐 こはる", "いがらし こはる"),
    ("渡辺 美咲", "わたなべ みさき"),
]


def drawn_lottery(facility):
    """A lottery of two seats drawn among five parties of two: four wait, in the draw's order."""
    session = lottery_session(facility, 2, title="マタニティ教室", confirm=False)
    for i, (name, kana) in enumerate(NAMES):
        book(
            session,
            name=name,
            name_kana=kana,
            email=f"wait{i}@example.jp",
            adults=1,
            children=1,
            children_ages=[14],
        )
    lottery_draw(session=session, seed="waiting-list-page")
    session.refresh_from_db()
    return session


@pytest.fixture
def waiting(db):
    facility = FacilityFactory(name="すこやか子育て交流館", slug="waiting-page")
    staff = staff_user(facility, username="waiting-desk")
    return drawn_lottery(facility), staff


def page_text(client, session) -> str:
    html = client.get(f"/staff/sessions/{session.pk}/waiting-list/", **JA).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.django_db
def test_the_list_writes_parties_and_the_draw_order_as_the_desk_does(client, waiting):
    session, staff = waiting
    client.force_login(staff)
    text = page_text(client, session)
    assert "大人 1 / 子ども 1" in text and "1 + 1" not in text
    assert re.search(r"1（抽選順 \d）", text), text
    assert "#" not in text.split("キャンセル待ち", 1)[1]
    assert "空席：0" in text and "定員：2" in text


@pytest.mark.django_db
def test_a_promotion_without_a_free_seat_says_to_raise_the_capacity(client, waiting):
    session, staff = waiting
    client.force_login(staff)
    last = Reservation.objects.filter(session=session, status=ReservationStatus.WAITLISTED).last()
    page = client.post(
        f"/staff/sessions/{session.pk}/waiting-list/",
        {"action": "promote", "code": last.code, "reason": "つわりが重く優先"},
        follow=True,
        **JA,
    ).content.decode()
    assert "空席がないため繰り上げできません。先に定員を増やしてください。" in page
    assert "満席のため、予約できませんでした。" not in page
    assert f'href="/staff/sessions/{session.pk}/change/"' in page
    last.refresh_from_db()
    assert last.status == ReservationStatus.WAITLISTED
    # With a seat given back, the same promotion goes through and the free seats say so.
    Session.objects.filter(pk=session.pk).update(capacity=4)  # a party takes two seats
    assert "空席：2" in page_text(client, session)
    page = client.post(
        f"/staff/sessions/{session.pk}/waiting-list/",
        {"action": "promote", "code": last.code, "reason": "つわりが重く優先"},
        follow=True,
        **JA,
    ).content.decode()
    last.refresh_from_db()
    assert last.status == ReservationStatus.CONFIRMED
    assert "空席：0" in re.sub(r"<[^>]+>", "", page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 768, 1024])
def test_the_page_fits_a_phone_and_an_upright_tablet(browser, live_server, width):
    facility = FacilityFactory(
        name="地域子育て支援センター（中央）すこやかひろば・ぷらす分室", slug=f"wl-{width}"
    )
    staff = staff_user(facility, username=f"waiting-{width}")
    session = drawn_lottery(facility)
    page = tablet(browser, viewport={"width": width, "height": 900})
    log_in(page, live_server.url, staff.username, f"/staff/sessions/{session.pk}/waiting-list/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    panel = page.locator("section.waitlist-panel").bounding_box()
    rows = page.locator("tr[id^=w-]")
    assert rows.count() == 4
    for i in range(4):
        for control in ("input[name=reason]", "button[type=submit]"):
            box = rows.nth(i).locator(control).bounding_box()
            assert (
                box["x"] >= panel["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"]
            ), (control, box, panel)
            assert box["height"] >= 44
    assert axe_violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"waiting-list-{width}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1024])
def test_a_lotterys_applicants_are_cards_on_a_phone(browser, live_server, width):
    """Before the draw the page lists the applications; on a phone their table scrolled
    sideways (the party, the priority group and the day applied out of sight): cards there,
    as the waiting list's rows, each with its labels; the table on a tablet held sideways."""
    facility = FacilityFactory(slug=f"applicants-{width}")
    staff = staff_user(facility, username=f"applicants-{width}")
    session = lottery_session(facility, 2, title="マタニティ教室", confirm=False)
    for i, (name, kana) in enumerate(NAMES):
        book(session, name=name, name_kana=kana, email=f"apply{i}@example.jp", adults=2)
    page = tablet(browser, viewport={"width": width, "height": 900})
    log_in(page, live_server.url, staff.username, f"/staff/sessions/{session.pk}/waiting-list/")
    wrap = page.evaluate(
        "(() => { const w = document.querySelector('#lottery .table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert wrap[0] <= wrap[1], wrap
    assert page.locator("table.applicants thead").is_visible() == (width > 860)
    first = page.locator("table.applicants tbody tr").first
    assert "長谷川 みなみ" in first.inner_text() and "大人 2" in first.inner_text()
    if width == 360:  # each cell says what it is, the table's head hidden
        label = first.locator("td.applied").evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        assert label == '"申込日時"'
    assert axe_violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lottery-applicants-{width}.png"), full_page=True)
