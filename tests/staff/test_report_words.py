"""The attendance report's page says what its CSV says (the fiscal year as 令和8年度（2026年度）,
充足率 as 66.7), and reads on a tablet held upright and on a phone: each facility a heading,
each programme's month a card of labelled figures, no figure off screen.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from core.fiscal_years import japanese_fiscal_year
from events.models import Session
from staffdesk.selectors import attendance_report, fiscal_year_of
from tests.factories import FacilityFactory, ProgramFactory, staff_user
from tests.staff.browser_pages import log_in, tablet
from tests.staff.bulk import year_of_sessions

SHOTS = Path("/tmp/words")
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
FACILITIES = ("地域子育て支援センター（中央）すこやかひろば", "親子つどいの広場（東）")
PROGRAMS = ("年齢別 親子ふれあい遊び（0〜1歳）", "ブックスタート")


def last_year_of(user) -> int:
    facilities = [FacilityFactory(name=name) for name in FACILITIES]
    for facility in facilities:
        user.memberships.create(facility=facility, role="manager")
    programs = [ProgramFactory(title=title) for title in PROGRAMS]
    fy = fiscal_year_of(timezone.localdate()) - 1
    made = year_of_sessions(facilities, programs, fiscal_year=fy, sessions=24)
    # Two seats of three taken at one session: a rate that is not a whole percent.
    Session.objects.filter(pk=made[0].pk).update(capacity=3, seats_taken=2)
    return fy


@pytest.fixture
def manager(db):
    return staff_user(FacilityFactory(name="本庁 こども未来課"), username="report-words")


def csv_rows(client, fy: int) -> list[list[str]]:
    text = client.get("/staff/report.csv", {"fiscal_year": fy}).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_the_page_and_the_csv_write_the_year_and_the_fill_rate_alike(manager):
    fy = last_year_of(manager)
    client = Client()
    client.force_login(manager)
    html = client.get("/staff/report/", {"fiscal_year": fy}, **JA).content.decode()
    rows = csv_rows(client, fy)
    year = japanese_fiscal_year(fy)
    assert f"<small>{year}</small>" in html
    assert {row[0] for row in rows[1:]} == {year}
    report = attendance_report(user=manager, fiscal_year=fy)
    total_rate = rows[-1][14]
    assert total_rate == f"{report.total.fill_rate * 100:.1f}"
    # The totals say 充足率（%） with the CSV's number, not a rounded "67%".
    assert f"<dt>充足率（%）</dt><dd>{total_rate}</dd>" in html
    assert not re.search(r"\d%</dd>", html)
    page_rates = re.findall(r'data-label="充足率（%）">([^<]*)</td>', html)
    csv_rates = [row[14] or "–" for row in rows[1:-1]]
    assert page_rates == csv_rates
    assert any(re.fullmatch(r"\d+\.\d", rate) and not rate.endswith(".0") for rate in page_rates)


@pytest.mark.django_db
def test_each_facility_heads_its_rows(manager):
    fy = last_year_of(manager)
    client = Client()
    client.force_login(manager)
    html = client.get("/staff/report/", {"fiscal_year": fy}, **JA).content.decode()
    heading = r'<tr class="facility-heading"><th scope="rowgroup"[^>]*>([^<]*)</th>'
    headings = re.findall(heading, html)
    assert headings == sorted(FACILITIES)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 768, 1024])
def test_every_figure_is_on_screen_on_a_tablet_held_upright(browser, live_server, width):
    manager = staff_user(FacilityFactory(name="本庁 こども未来課"), username=f"report-{width}")
    fy = last_year_of(manager)
    page = tablet(browser, viewport={"width": width, "height": 1000})
    log_in(page, live_server.url, manager.username, f"/staff/report/?fiscal_year={fy}")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{width}.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 1024:
        # Held sideways: a table under each facility's heading, its last column on screen.
        page.locator("tr.facility-heading").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"report-{width}-rows.png"), full_page=False)
        last = page.locator("table.report thead th").last.bounding_box()
        assert last["x"] + last["width"] <= width
        return
    first = page.locator("tr.report-row").first
    cells = first.locator("td.num")
    assert cells.count() == 11
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (i, box)
    assert page.locator("tr.facility-heading").first.is_visible()
    labels = first.evaluate(
        """row => [...row.querySelectorAll('td.num')].map(
            td => getComputedStyle(td, '::before').content)"""
    )
    assert '"充足率（%）"' in labels
    page.locator("tr.report-row").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"report-{width}-rows.png"), full_page=False)
