"""The party's page in a real browser, on a door tablet and a phone: from the roster's row to a
cancellation confirmed, with no accessibility violation on the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.models import ReservationStatus
from events.models import StaffRole
from notifications.models import Notification, NotificationKind
from tests.browser import axe_violations, screenshot
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    book,
    named_seminar,
    staff_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 800}
SHOTS = Path("/tmp/party")


def open_page(browser, viewport):
    context = browser.new_context(
        viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo", has_touch=True
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}{next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path) + r"$"))


def shoot(page, name: str) -> None:
    screenshot(page, f"party-{name}")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_a_manager_cancels_a_party_from_its_roster_row(browser, live_server, viewport):
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon-party")
    program = ProgramFactory(title="親子ふれあい遊び（1〜2歳）", childcare_offered=True)
    session = SessionFactory(facility=facility, program=program, capacity=2)
    session.childcare_capacity = 4
    session.save(update_fields=["childcare_capacity"])
    yamada = book(
        session,
        name="山田 花子",
        name_kana="やまだ はなこ",
        email="yamada@example.jp",
        phone="090-1234-5678",
        children=1,
        children_ages=[14],
    ).reservation
    waiting = book(session, name="佐藤 葵", email="sato@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    manager = staff_user(facility, StaffRole.MANAGER, username="party-manager")
    name = "tablet" if viewport == TABLET else "phone"
    page = open_page(browser, viewport)
    log_in(page, live_server.url, manager.username, f"/staff/sessions/{session.pk}/")
    page.click(f"tr#r-{yamada.code} a.party-link")
    page.wait_for_url(re.compile(rf"/parties/{re.escape(yamada.code)}/$"))
    assert page.locator("h2.party-title").inner_text().startswith("山田 花子様の予約")
    shoot(page, f"{name}-party")
    assert axe_violations(page) == []
    page.fill("textarea[name=reason]", "ご本人から電話で依頼")
    page.click("form:has(input[value=cancel]) button.danger")
    page.wait_for_selector(".confirm-cancel")
    shoot(page, f"{name}-confirm")
    assert axe_violations(page) == []
    assert Notification.objects.filter(reservation=yamada, kind="cancelled").count() == 0
    page.click(".confirm-cancel button[name=confirm]")
    page.wait_for_selector(".messages")
    shoot(page, f"{name}-cancelled")
    assert "山田 花子様の予約をキャンセルしました。" in page.inner_text(".messages")
    yamada.refresh_from_db()
    waiting.refresh_from_db()
    assert yamada.status == ReservationStatus.CANCELLED
    assert waiting.status == ReservationStatus.CONFIRMED
    assert Notification.objects.filter(reservation=yamada, kind=NotificationKind.CANCELLED).exists()
    # Nothing on the page is wider than a phone.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_a_seminars_party_shows_a_name_field_per_adult_typed_in(browser, live_server, viewport):
    """イクボスセミナー at the desk: one name field per adult typed in (three showed for one),
    no children to count; a party made smaller sends no name too many."""
    facility = FacilityFactory(slug=f"names-{viewport['width']}")
    staff = staff_user(facility, StaffRole.MANAGER, username=f"names-{viewport['width']}")
    session = named_seminar(facility)
    party = book(session, adults=2, attendee_names=("西郷 隆盛", "大久保 利通")).reservation
    path = f"/staff/sessions/{session.pk}/parties/{party.code}/"
    page = open_page(browser, viewport)
    log_in(page, live_server.url, staff.username, path)

    def visible() -> list[bool]:
        return [page.locator(f"#id_attendee_{n}").is_visible() for n in (1, 2, 3)]

    assert visible() == [True, True, False]
    assert page.locator("input[name=children]").count() == 0
    page.fill("input[name=adults]", "1")
    assert visible() == [True, False, False]
    page.get_by_role("button", name="人数・参加者を変更する").click()  # the parents' words
    page.wait_for_url(re.compile(re.escape(path)))
    party.refresh_from_db()
    assert (party.adults, party.attendee_names) == (1, ["西郷 隆盛"])
    assert axe_violations(page) == []
    shoot(page, f"seminar-party-{viewport['width']}")
