"""日程の変更 in Debian's Chromium at 360 px and 1024 px: a parent opens 別の日に変更する on
the manage page, chooses the next date and moves there; the desk's manager does the same for a
caller from the party's page. No accessibility violation, no overflow, thumb-sized choices."""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation
from events.models import Session, StaffRole
from tests.browser import WIDTHS, assert_accessible, layout_problems, new_page
from tests.factories import another_date, book, staff_user
from tests.pages.browser_checks import check as check_parents_page

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_throttle(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.API_THROTTLE_ENABLED = False


def check_staff_page(page, name: str) -> None:
    assert_accessible(page, name)
    assert layout_problems(page) == [], name


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_parent_moves_to_the_next_date(browser, live_server, play, device):
    later = another_date(play, capacity=8)
    result = book(play, email=f"move-{device}@example.jp", children=1, children_ages=[5])
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    # The session's page names the programme's other dates, each a thumb-sized link.
    page.goto(f"{live_server.url}/sessions/{play.pk}/")
    assert page.locator(f".other-dates a[href='/sessions/{later.pk}/']").is_visible()
    check_parents_page(page, f"other-dates-{device}")
    page.goto(f"{live_server.url}/manage/{result.reservation.code}/?token={result.token}")
    page.get_by_text("別の日に変更する").click()
    choice = page.locator(f"#move input[value='{later.pk}']")
    choice.check()
    height = page.locator("#move label").first.evaluate("el => el.getBoundingClientRect().height")
    assert height >= 44
    check_parents_page(page, f"move-{device}-1-choices")
    page.get_by_role("button", name="この日に変更する").click()
    page.wait_for_selector(".alert, .messages, [role=status]")
    assert "日程を変更しました。" in page.content()
    check_parents_page(page, f"move-{device}-2-moved")
    assert Reservation.objects.get().session_id == later.pk


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_manager_moves_a_callers_booking(browser, live_server, play, device):
    later = another_date(play, capacity=8)
    reservation = book(play, email="caller@example.jp", children=1, children_ages=[5]).reservation
    manager = staff_user(play.facility, StaffRole.MANAGER, username=f"move-{device}")
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    party = f"/staff/sessions/{play.pk}/parties/{reservation.code}/"
    page.goto(f"{live_server.url}{party}")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#party-move")
    page.locator(f"#party-move input[value='{later.pk}']").check()
    check_staff_page(page, f"move-staff-{device}-1-choices")
    page.locator("#party-move button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/staff/sessions/{later.pk}/parties/{reservation.code}/"))
    assert "予約を別の日に変更しました。" in page.content()
    check_staff_page(page, f"move-staff-{device}-2-moved")
    assert Reservation.objects.get().session_id == later.pk


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_waiting_parent_takes_the_seats_on_the_next_date(browser, live_server, play, device):
    Session.objects.filter(pk=play.pk).update(capacity=2)
    later = another_date(play, capacity=8)
    book(play, email=f"holder-{device}@example.jp", children=1, children_ages=[5])
    result = book(play, email=f"wait-{device}@example.jp", children=1, children_ages=[5])
    assert result.reservation.status == "waitlisted"
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/manage/{result.reservation.code}/?token={result.token}")
    page.get_by_text("別の日に変更する").click()
    assert page.get_by_text("この日のキャンセル待ちの登録はなくなります。").is_visible()
    page.locator(f"#move input[value='{later.pk}']").check()
    check_parents_page(page, f"move-waiting-{device}-1-choices")
    page.get_by_role("button", name="この日に変更する").click()
    page.wait_for_selector(".alert, .messages, [role=status]")
    check_parents_page(page, f"move-waiting-{device}-2-moved")
    moved = Reservation.objects.get(pk=result.reservation.pk)
    assert (moved.session_id, moved.status) == (later.pk, "confirmed")
