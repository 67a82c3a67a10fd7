"""The report read on a tablet, a PC and a phone: from a tablet held sideways on (861 px), its
column names wrap between words, キャンセル/組数 and 延べ/参加者数 as a city office's table
breaks them, not キャン/セル組/数, and every column is on screen (on a PC too: the page is never
wider than 1,280 px); on a phone its chart is a row a month, readable."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from events.models import StaffRole
from staffdesk.selectors import fiscal_year_of
from staffdesk.services import check_in
from staffdesk.templatetags.staff_pages import column_name
from tests.browser import screenshot
from tests.factories import FacilityFactory, ProgramFactory, staff_user
from tests.staff.browser_pages import log_in, tablet
from tests.staff.conftest import book_before, page_client, started_session

# Each piece of a column name between its marked breaks, as the browser laid it out: one line
# box per piece means no piece was broken inside.
PIECES_ON_ONE_LINE = """
() => [...document.querySelectorAll('table.report thead th')]
  .filter(th => th.offsetParent !== null)
  .flatMap(th => [...th.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.data.trim()))
  .map(node => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return [node.data, lines.size];
  })
"""


@pytest.fixture
def held(db):
    """A session held today with three parties checked in, and its facility's manager."""
    facility = FacilityFactory(name="すこやか子育て交流館（りぼんかん）")
    program = ProgramFactory(title="年齢別 親子ふれあい遊び（0〜1歳）")
    session = started_session(facility=facility, program=program, capacity=20)
    manager = staff_user(facility, StaffRole.MANAGER, username="report-columns")
    for i in range(3):
        party = book_before(session, email=f"columns{i}@example.jp").reservation
        check_in(session=session, reservation=party, by=manager)
    return session, manager


def test_japanese_column_names_mark_their_breaks_before_the_unit():
    with translation.override("ja"):
        assert column_name("キャンセル組数") == "キャンセル<wbr>組数"
        assert column_name("延べ参加者数") == "延べ<wbr>参加者数"
        assert column_name("開催回数") == "開催<wbr>回数"
        assert column_name("予約数（席）") == "予約数<wbr>（席）"
        assert column_name("定員") == "定員"
        assert column_name("<b>組数") == "&lt;b&gt;<wbr>組数"


def test_other_languages_wrap_at_their_spaces_with_nothing_added():
    with translation.override("en"):
        assert column_name("Reserved (parties)") == "Reserved (parties)"
        assert column_name("<b>") == "&lt;b&gt;"


def test_the_report_page_marks_the_breaks_in_its_header_only(held):
    session, first = held
    fy = fiscal_year_of(timezone.localdate(session.start))
    html = page_client(first).get("/staff/report/", {"fiscal_year": fy}).content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert "キャンセル<wbr>組数" in head and "延べ<wbr>参加者数" in head
    # The cards' labels on a phone are read whole (data-label).
    assert 'data-label="キャンセル組数"' in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [880, 1024, 1180, 1280, 1920])
def test_column_names_break_only_between_words_on_a_tablet_held_sideways(
    browser, live_server, held, width
):
    session, first = held
    fy = fiscal_year_of(timezone.localdate(session.start))
    path = f"/staff/report/?fiscal_year={fy}"
    page = tablet(browser, viewport={"width": width, "height": 800})
    log_in(page, live_server.url, first.username, path)
    pieces = page.evaluate(PIECES_ON_ONE_LINE)
    assert {text for text, _ in pieces} >= {"キャンセル", "組数", "延べ", "参加者数"}
    assert [text for text, lines in pieces if lines != 1] == []
    screenshot(page, f"staff-report-columns-{width}")
    wrap = page.locator(".report-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")  # every column on screen
    if width == 1024:  # in English too, its month wrapping between words (December / 2026)
        page.locator(".staff-header button[value=en]").click()
        page.wait_for_load_state()
        assert page.locator("table.report thead").inner_text().startswith("Programme")
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")


@pytest.mark.django_db(transaction=True)
def test_a_phone_reads_the_chart_as_a_row_a_month(browser, live_server, held):
    session, first = held
    fy = fiscal_year_of(timezone.localdate(session.start))
    path = f"/staff/report/?fiscal_year={fy}"
    page = tablet(browser, viewport={"width": 360, "height": 800})
    log_in(page, live_server.url, first.username, path)
    assert not page.locator("figure.chart > svg").is_visible()
    rows = page.locator(".chart-rows li")
    assert rows.count() == 12 and rows.first.locator(".month").inner_text() == "4月"
    month = timezone.localdate(session.start).month
    held_row = rows.nth((month - 4) % 12)
    assert held_row.locator(".value").inner_text() == "3"  # the three who came
    sizes = page.eval_on_selector_all(
        ".chart-rows .month", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 14
    bar = held_row.locator("rect").bounding_box()
    assert bar is not None and bar["width"] > 100  # the one month with people: a long bar
    screenshot(page, "staff-report-chart-360")
