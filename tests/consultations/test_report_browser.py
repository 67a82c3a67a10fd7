"""The consultation report in a real browser on a phone and a tablet: its table scrolls in its
own box, never the page, and keeps its header over its columns. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import pytest

from consultations.models import AppointmentStatus
from events.models import StaffRole
from tests.browser import screenshot
from tests.consultations.report_setup import held, tokyo
from tests.factories import staff_user
from tests.staff.browser_pages import log_in, tablet

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/staff/consultations/report/?fiscal_year=2025"


@pytest.mark.parametrize("width", [360, 1024])
def test_the_report_fits_a_phone_and_a_tablet(browser, live_server, kind, counsellor, width):
    kind.facility.name = "すこやか子育て交流館（りぼんかん）"  # the demo's, as long as real ones
    kind.facility.save(update_fields=["name"])
    kind.title = "子育てコンシェルジュ相談"
    kind.save(update_fields=["title"])
    held(kind, counsellor, tokyo(2025, 4, 10, 10), AppointmentStatus.DONE)
    held(kind, counsellor, tokyo(2025, 5, 12, 10), AppointmentStatus.NO_SHOW)
    viewer = staff_user(kind.facility, StaffRole.VIEWER, username="report-reader")
    page = tablet(browser, viewport={"width": width, "height": 800})
    log_in(page, live_server.url, viewer.username, PATH)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    headers = page.locator("table thead th")
    cells = page.locator("table tbody tr").first.locator("th, td")
    assert headers.count() == cells.count() and headers.nth(0).is_visible()
    if width == 1024:  # every column in sight: 合計, 相談済み and 欠席 were cut off at the right
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    screenshot(page, f"consultation-report-{width}")
