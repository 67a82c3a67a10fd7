"""Copying a month in a real browser: the month view's button, the preview (the holiday
skipped), untick one session, copy, and next month's view with the copies; axe-clean at
1024 px (a tablet at the desk) and 360 px."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.models import Session
from tests.browser import axe_violations, browser, layout_problems, screenshot  # noqa: F401
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


def page_of(browser, width: int):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.parametrize("width", [1024, 360])
def test_staff_copy_january_to_february_unticking_one(browser, live_server, width):  # noqa: F811
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon")
    program = ProgramFactory(title="年齢別 親子ふれあい遊び")
    for day in [date(2027, 1, 4), date(2027, 1, 14), date(2027, 1, 19)]:
        SessionFactory(
            facility=facility,
            program=program,
            start=at(day, 10),
            end=at(day, 11),
            registration_opens=at(date(2026, 12, 1), 9),
            registration_closes=at(day - timedelta(days=1), 17),
            cancellation_deadline=at(day - timedelta(days=1), 17),
        )
    staff_user(facility, username="copy-staff")
    page = page_of(browser, width)
    page.goto(f"{live_server.url}/staff/schedule/?facility=ribbon&month=2027-01")
    page.fill("input[name=username]", "copy-staff")
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/schedule/\?facility=ribbon&month=2027-01$"))
    page.get_by_role("link", name="この月を翌月へ複写").click()
    page.wait_for_url(re.compile(r"/staff/schedule/copy/"))
    text = page.inner_text("main")
    assert "2月11日（木）" in text and "建国記念の日" in text  # the second Thursday, skipped
    assert page.locator("input[name=session]").count() == 2
    assert axe_violations(page) == []
    # The staff header's links are the staff desk's (outside this page); the page's own
    # targets are 44 px and nothing scrolls sideways.
    header = page.locator("header.staff-header a, header.staff-header button").all_inner_texts()
    own = [p for p in layout_problems(page) if not any(f'"{h.strip()}"' in p for h in header)]
    assert own == []
    screenshot(page, f"schedule-copy-preview-{width}")
    page.get_by_label(re.compile("2月16日")).uncheck()  # the third Tuesday stays out
    page.get_by_role("button", name="この内容で複写する").click()
    page.wait_for_url(re.compile(r"/staff/schedule/\?facility=ribbon&month=2027-02$"))
    assert "開催回を1件複写しました。" in page.inner_text("main")
    screenshot(page, f"schedule-copy-done-{width}")
    # A phone lists the days without the weekdays' row above: each says its weekday.
    first_day = page.locator(".month-grid td:not(.outside) .day-number").first.inner_text()
    assert first_day == ("2月1日（月）" if width == 360 else "1")
    assert axe_violations(page) == []  # the month view, at this width too
    copies = Session.objects.filter(start__gte=at(date(2027, 2, 1), 0))
    assert [s.start for s in copies] == [at(date(2027, 2, 1), 10)]
    page.context.close()
