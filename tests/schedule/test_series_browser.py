"""The issue's walk in a real browser at 1024 px: a manager fills a month's series, previews
it (成人の日 skipped), unticks a date, publishes, and sees the month view; then the parents'
printable calendar of that month, printed (print CSS) and as a PDF rendered to PNG with
pdftoppm (one A4 page, the holiday shown, Japanese set in a CJK font). Screenshots and the PNG
go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from events.models import Session
from schedule.models import Series
from tests.browser import ARTIFACTS, axe_violations, browser, screenshot  # noqa: F401
from tests.conftest import need
from tests.factories import FacilityFactory, ProgramFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)
TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_month_series_from_form_to_month_view_and_the_printed_calendar(
    browser,  # noqa: F811
    live_server,
):
    facility = FacilityFactory(
        name="すこやか子育て交流館（りぼんかん）", slug="ribbon", address="鹿児島市山下町15-1"
    )
    ProgramFactory(title="年齢別 親子ふれあい遊び", slug="fureai")
    staff_user(facility, username="month-staff")
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/schedule/series/new/")
    page.fill("input[name=username]", "month-staff")
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/schedule/series/new/$"))

    page.select_option("select[name=program]", "fureai")
    page.select_option("select[name=facility]", "ribbon")
    page.check("input[name=weekdays][value='1']")  # Mondays
    page.check("input[name=weekdays][value='4']")  # Thursdays
    page.fill("input[name=start_time]", "10:00")
    page.fill("input[name=end_time]", "11:00")
    page.fill("input[name=first_date]", "2027-01-01")
    page.fill("input[name=last_date]", "2027-01-31")
    page.fill("input[name=capacity]", "15")
    page.click("button[name=action][value=preview]")
    page.wait_for_selector("input[name=date]")
    offered = page.locator("input[name=date]").evaluate_all("els => els.map(e => e.value)")
    assert offered == [
        "2027-01-04",
        "2027-01-07",
        "2027-01-14",
        "2027-01-18",
        "2027-01-21",
        "2027-01-25",
        "2027-01-28",
    ]
    main = page.inner_text("main")
    assert "成人の日" in main and "開催しない日" in main and "送信なし" not in main
    assert axe_violations(page) == []
    screenshot(page, "schedule-series-preview-1024")
    page.uncheck("input[name=date][value='2027-01-18']")
    page.click("button[name=action][value=publish]")
    page.wait_for_url(re.compile(r"/staff/schedule/\?facility=ribbon&month=2027-01$"))

    series = Series.objects.get()
    days = [
        s.start.astimezone(TOKYO).date()
        for s in Session.objects.filter(series_link__series=series).order_by("start")
    ]
    assert date(2027, 1, 18) not in days and date(2027, 1, 11) not in days and len(days) == 6
    grid = page.inner_text("table.month-grid")
    assert grid.count("0/15") == 6 and "成人の日" in grid
    assert axe_violations(page) == []
    screenshot(page, "schedule-month-view-1024")

    # The parents' calendar of that month, as it prints.
    page.goto(f"{live_server.url}/facilities/ribbon/calendar/?month=2027-01")
    page.emulate_media(media="print")
    printed = page.inner_text("main")
    assert "成人の日" in printed and "年齢別 親子ふれあい遊び" in printed
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "schedule-calendar-print-1024")
    page.emulate_media(media="screen")
    assert axe_violations(page) == []

    answer = page.request.get(
        f"{live_server.url}/facilities/ribbon/calendar/?month=2027-01&format=pdf"
    )
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "schedule-calendar-2027-01.pdf"
    pdf.write_bytes(answer.body())
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name or "Noto" in name for name in fonts), fonts
    text = reader.pages[0].extract_text().replace("\n", "")
    assert "成人の日" in text and "元日" in text and "鹿児島市山下町15-1" in text
    need(shutil.which("pdftoppm") is not None, "needs pdftoppm (make browser-deps: poppler-utils)")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "schedule-calendar-pdf"),
        ],
        check=True,
        timeout=60,
    )
    png = ARTIFACTS / "schedule-calendar-pdf.png"
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one
    context.close()
