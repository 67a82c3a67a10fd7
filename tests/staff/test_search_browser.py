"""The search for a reservation in a real browser, on a 360 px phone and a 1024 px tablet: from
the Today page's field to the party's page. No axe violation, nothing scrolling sideways, every
target at least 44 px; screenshots go to test-artifacts/ (staff-search-*)."""

from __future__ import annotations

import pytest

from tests.browser import PHONE, axe_violations, layout_problems, screenshot
from tests.staff.browser_pages import NAMES, TABLET, log_in, tablet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["1024", "360"])
def test_find_a_party_from_the_today_page(browser, live_server, door, viewport):
    session, parties, first, _ = door
    size = viewport["width"]
    page = tablet(browser, viewport=viewport)
    log_in(page, live_server.url, first.username, "/staff/")
    name, kana = NAMES[1]
    page.fill("input[name=q]", kana.split()[0])  # the family name's kana, as a caller says it
    page.get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "予約の検索"
    cards = page.locator(".found-parties li")
    assert cards.count() >= 1 and name in cards.first.inner_text()
    assert axe_violations(page) == []
    assert layout_problems(page) == []
    screenshot(page, f"staff-search-{size}")
    cards.first.locator("a").click()
    page.wait_for_load_state()
    assert f"/staff/sessions/{session.pk}/parties/" in page.url
    assert name in page.locator("main").inner_text()
