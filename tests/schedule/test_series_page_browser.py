"""The page of one series in a real browser at 1024 px: its sessions with seats, a capacity
below the seats taken refused with the reason shown, the rest cancelled; axe-clean."""

from __future__ import annotations

import re

import pytest

from events.models import Session, SessionStatus
from tests.browser import axe_violations, browser, screenshot  # noqa: F401
from tests.factories import FacilityFactory, ProgramFactory, staff_user
from tests.schedule.series_setup import booked, january_series

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_refuse_a_too_small_capacity_then_cancel_the_rest(browser, live_server):  # noqa: F811
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon")
    program = ProgramFactory(title="年齢別 親子ふれあい遊び", max_adults=3)
    manager = staff_user(facility, username="series-staff")
    series, sessions = january_series(program, facility, weekdays=[1, 5], by=manager)
    for n in range(3):
        booked(sessions[-1], f"p{n}@example.jp")
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    page = context.new_page()
    path = f"/staff/schedule/series/{series.pk}/"
    page.goto(f"{live_server.url}{path}")
    page.fill("input[name=username]", "series-staff")
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    assert "3/15" in page.inner_text("table")
    assert axe_violations(page) == []
    change = page.locator("form:has(input[value=change])")
    change.get_by_label("開始日").fill("2027-01-01")
    change.get_by_label("定員").fill("2")
    change.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary[role=alert]").count() >= 1
    screenshot(page, "schedule-series-refused-1024")
    assert set(Session.objects.values_list("capacity", flat=True)) == {15}
    cancel = page.locator("form:has(input[value=cancel])")
    cancel.get_by_label("開始日").fill("2027-01-25")
    cancel.get_by_label(re.compile("理由")).fill("改修工事のため")
    cancel.get_by_role("button").click()
    page.wait_for_selector("#cancel-preview")
    preview = page.inner_text("#cancel-preview")
    assert "2回分の開催を中止します。3組にメールを送ります" in preview
    assert Session.objects.filter(status=SessionStatus.CANCELLED).count() == 0
    assert axe_violations(page) == []
    screenshot(page, "schedule-series-cancel-preview-1024")
    page.get_by_role("button", name="中止してメールを送る").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    assert "開催回を2件中止しました。" in page.inner_text("main")
    screenshot(page, "schedule-series-cancelled-1024")
    assert Session.objects.filter(status=SessionStatus.CANCELLED).count() == 2
    context.close()
