"""A notice to the parties (お知らせ) in a real browser, on a 1024 px tablet and a 360 px phone:
the form, the check with the email and the caller to phone, the message once sent. No axe
violation, nothing scrolling sideways, every target at least 44 px; screenshots go to
test-artifacts/ (staff-notice-*)."""

from __future__ import annotations

import pytest

from events.models import StaffRole
from notifications.models import Notification, NotificationKind
from tests.browser import PHONE, axe_violations, layout_problems, screenshot
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    book,
    book_by_phone,
    staff_user,
)
from tests.staff.browser_pages import TABLET, log_in, tablet

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "当日は駐車場が工事のため使えません。\n公共交通機関でお越しください。"


@pytest.fixture
def class_of_weaning(db):
    facility = FacilityFactory(name="すこやか子育て交流館", slug="sukoyaka-notice")
    program = ProgramFactory(title="離乳食のおはなし", what_to_bring="母子手帳")
    session = SessionFactory(facility=facility, program=program, capacity=10)
    book(session, email="hana@example.jp", name="佐藤 花", name_kana="さとう はな")
    book(session, email="mei@example.jp", name="鈴木 芽衣", name_kana="すずき めい")
    staff = staff_user(facility, StaffRole.MANAGER, username="notice-staff")
    book_by_phone(session, by=staff)
    return session, staff


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["1024", "360"])
def test_write_check_and_send_a_notice(browser, live_server, class_of_weaning, viewport):
    session, staff = class_of_weaning
    size = viewport["width"]
    page = tablet(browser, viewport=viewport)
    path = f"/staff/sessions/{session.pk}/notice/"
    log_in(page, live_server.url, staff.username, path)
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "お知らせ"
    page.fill("textarea[name=message]", NOTICE)
    assert axe_violations(page) == []
    assert layout_problems(page) == []
    screenshot(page, f"staff-notice-form-{size}")

    page.get_by_role("button", name="送信するメールを確認する").click()
    page.wait_for_load_state()
    preview = page.locator("#notice-preview")
    assert "2組にメールを送ります" in preview.inner_text()
    assert "【お知らせ】離乳食のおはなし" in preview.inner_text()
    assert "電話 花子" in preview.inner_text()
    assert page.locator("textarea[name=message]").input_value() == NOTICE
    assert axe_violations(page) == []
    assert layout_problems(page) == []
    screenshot(page, f"staff-notice-check-{size}")
    assert not Notification.objects.filter(kind=NotificationKind.SESSION_NOTICE).exists()

    page.get_by_role("button", name="お知らせを送信する").click()
    page.wait_for_url(f"{live_server.url}{path}")
    assert "2組にお知らせをメールで送りました" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, f"staff-notice-sent-{size}")
    assert Notification.objects.filter(kind=NotificationKind.SESSION_NOTICE).count() == 2
