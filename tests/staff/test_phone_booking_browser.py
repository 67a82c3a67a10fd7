"""A phone booking (電話予約) in a real browser on a 1024 px tablet: the form with its error
summary, the confirmation to read out, the 受付票 on screen and as printed, the roster row.
Every page has no axe violation; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from events.models import StaffRole
from notifications.models import Notification
from tests.browser import axe_violations, screenshot
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.staff.browser_pages import log_in, tablet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def talk(db):
    facility = FacilityFactory(
        name="すこやか子育て交流館",
        slug="sukoyaka-phone",
        address="松阪市本町1-2-3 3階 多目的室",
        phone="0598-00-1234",
    )
    program = ProgramFactory(title="離乳食のおはなし", what_to_bring="母子手帳、バスタオル")
    day = timezone.localdate() + timedelta(days=14)
    start = datetime.combine(day, time(15, 30), tzinfo=ZoneInfo("Asia/Tokyo"))
    session = SessionFactory(
        facility=facility, program=program, start=start, end=start + timedelta(hours=1)
    )
    book(session, email="parent@example.jp", name="佐藤 花", name_kana="さとう はな")
    staff = staff_user(facility, StaffRole.MANAGER, username="phone-desk")
    return session, staff


def test_book_a_caller_and_print_the_slip(browser, live_server, talk):
    session, staff = talk
    page = tablet(browser)
    path = f"/staff/sessions/{session.pk}/phone/"
    log_in(page, live_server.url, staff.username, path)
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "電話予約"
    assert axe_violations(page) == []
    screenshot(page, "staff-phone-booking-form")
    # A double tap sends the form once: the second submit event is cancelled.
    cancelled = page.evaluate(
        """() => {
            const form = document.querySelector("form.stack");
            const first = new Event("submit", {bubbles: true, cancelable: true});
            const second = new Event("submit", {bubbles: true, cancelable: true});
            form.dispatchEvent(first);
            form.dispatchEvent(second);
            return [first.defaultPrevented, second.defaultPrevented];
        }"""
    )
    assert cancelled == [False, True]
    page.reload()

    # Sent without a phone number: the summary on top names the field, nothing is booked.
    page.fill("input[name=name]", "山田 花子")
    page.click("form.stack button[type=submit]")
    summary = page.locator("#error-summary")
    assert "電話番号" in summary.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "staff-phone-booking-error")
    assert not Reservation.objects.filter(source="phone").exists()

    page.fill("input[name=name_kana]", "やまだ はなこ")
    page.fill("input[name=phone]", "090-1234-5678")
    page.fill("input[name=children]", "1")
    page.select_option("select[name=child_age_1]", "14")
    page.check("input[name=needs][value=allergy]")
    page.fill("input[name=needs_detail]", "卵")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/phone/[0-9A-Z-]+/$"))
    r = Reservation.objects.get(source="phone")
    assert r.status == ReservationStatus.CONFIRMED and r.needs == ["allergy"]
    assert not Notification.objects.filter(reservation=r).exists()
    assert r.code in page.locator(".slip-code").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "staff-phone-booking-done")

    page.click(f"a[href$='/slips/{r.code}/']")
    page.wait_for_url(re.compile(rf"/slips/{r.code}/$"))
    text = page.locator("main.slip").inner_text()
    for expected in (r.code, "離乳食のおはなし", "母子手帳、バスタオル", "0598-00-1234", "卵"):
        assert expected in text, expected
    assert axe_violations(page) == []
    screenshot(page, "staff-phone-slip")
    page.emulate_media(media="print")
    assert page.locator(".screen-actions").is_hidden()
    screenshot(page, "staff-phone-slip-print")
    page.emulate_media(media="screen")

    page.click("text=名簿へ戻る")
    page.wait_for_url(re.compile(rf"/staff/sessions/{session.pk}/#r-{r.code}$"))
    row = page.locator(f"tr#r-{r.code}")
    assert "電話予約" in row.inner_text() and "090-1234-5678" in row.inner_text()
    assert "メールなし" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "staff-phone-roster")
