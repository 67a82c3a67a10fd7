"""Every staff page of a session fits a phone (360 px) and a tablet (1024 px) in a real browser:
nothing pushes a page sideways and no text is squeezed unreadable. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import pytest
from django.utils import timezone

from events.models import StaffMembership, StaffRole
from staffdesk.selectors import fiscal_year_of
from tests.browser import screenshot
from tests.factories import FacilityFactory, lottery_session
from tests.schedule.series_setup import january_series
from tests.staff.browser_pages import NAMES, log_in, tablet
from tests.staff.conftest import book_before

pytestmark = pytest.mark.django_db(transaction=True)


def squeezed_text(page) -> list[str]:
    """Return text that fits but cannot be read: a table cell squeezed to one character a
    line (開催予定 stacked), a heading's aside broken inside (2027年 / 1月), chart labels
    under 8 px."""
    return list(
        page.evaluate(
            """() => {
                const out = [];
                const lines = (el) => {
                    const range = document.createRange();
                    range.selectNodeContents(el);
                    return new Set([...range.getClientRects()].filter(r => r.width > 0)
                        .map(r => Math.round(r.top))).size;
                };
                for (const cell of document.querySelectorAll('td, th')) {
                    const text = cell.textContent.trim();
                    const size = parseFloat(getComputedStyle(cell).fontSize);
                    if (cell.offsetWidth === 0 || text.length < 3) continue;
                    if (cell.clientWidth < 2.5 * size && lines(cell) >= 3) {
                        out.push(`cell ${cell.clientWidth} px wide: ${text.slice(0, 20)}`);
                    }
                }
                for (const aside of document.querySelectorAll('h1 small')) {
                    const heading = aside.closest('h1').getBoundingClientRect().width;
                    if (lines(aside) > 1 && aside.scrollWidth < heading) {
                        out.push(`heading's aside broken: ${aside.textContent.trim()}`);
                    }
                }
                for (const label of document.querySelectorAll('.chart text')) {
                    const h = label.getBoundingClientRect().height;
                    if (h > 0 && h < 8) out.push(`chart label ${h.toFixed(1)} px high`);
                }
                return out;
            }"""
        )
    )


def phone_header_problems(page) -> list[str]:
    """Return how the staff header and a session's tabs waste a phone's first screen: the
    header's controls on more than three lines (it took four, a third of the screen), the tabs
    on more than one, or the open tab out of the line's view."""
    return list(
        page.evaluate(
            """() => {
                const out = [];
                const tops = (els) => new Set([...els].map(
                    el => Math.round(el.getBoundingClientRect().top / 8))).size;
                const header = document.querySelectorAll(
                    '.staff-header a, .staff-header button');
                if (tops(header) > 3) out.push(`header on ${tops(header)} lines`);
                const tabs = document.querySelector('nav.tabs');
                if (!tabs) return out;
                const links = tabs.querySelectorAll('a');
                if (tops(links) > 1) out.push(`tabs on ${tops(links)} lines`);
                const open = tabs.querySelector('[aria-current=page]');
                if (open) {
                    const box = tabs.getBoundingClientRect(), r = open.getBoundingClientRect();
                    if (r.left < box.left - 1 || r.right > box.right + 1) {
                        out.push(`open tab out of view: ${open.textContent.trim()}`);
                    }
                }
                return out;
            }"""
        )
    )


def test_a_sessions_staff_pages_fit_a_phone_with_a_long_facility_name(browser, live_server, door):
    """On a phone nothing pushes a page sideways: the move form's place, a select as wide as
    the longest facility name, once did by 50 px; the lottery's lists scroll in their own box;
    the printable door list once was 380 px wide at 360. Every staff page fits 360 and 1024."""
    session, parties, first, _ = door
    long_name = FacilityFactory(name="地域子育て支援センター（中央）すこやかひろば・ぷらす分室")
    StaffMembership.objects.create(user=first, facility=long_name, role=StaffRole.MANAGER)
    lottery = lottery_session(session.facility, 2)
    for i, (name, kana) in enumerate(NAMES):
        book_before(lottery, name=name, name_kana=kana, email=f"fit{i}@example.jp")
    series, _ = january_series(session.program, session.facility, weekdays=[1, 5], by=first)
    fy = fiscal_year_of(timezone.localdate(session.start))
    pages = {
        "roster": f"/staff/sessions/{session.pk}/",
        "print": f"/staff/sessions/{session.pk}/print/",
        "party": f"/staff/sessions/{session.pk}/parties/{parties[0].code}/",
        "change": f"/staff/sessions/{session.pk}/change/",
        "phone": f"/staff/sessions/{session.pk}/phone/",
        "walk-in": f"/staff/sessions/{session.pk}/walk-in/",
        "audit": f"/staff/sessions/{session.pk}/audit/",
        "waiting-list": f"/staff/sessions/{lottery.pk}/waiting-list/",
        "report": f"/staff/report/?fiscal_year={fy}",
        "schedule-month": f"/staff/schedule/?facility={session.facility.slug}&month=2027-01",
        "series": f"/staff/schedule/series/{series.pk}/",
        "series-new": "/staff/schedule/series/new/",
    }
    page = tablet(browser, viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/change/")
    assert "すこやかひろば・ぷらす分室" in page.locator("select[name=facility]").inner_text()
    too_wide, unreadable = [], []
    for width in (360, 1024):
        page.set_viewport_size({"width": width, "height": 740})
        for name, path in pages.items():
            answer = page.goto(f"{live_server.url}{path}")
            assert answer.status == 200, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{name} at {width}: {scroll_width} px")
            unreadable += [f"{name} at {width}: {p}" for p in squeezed_text(page)]
            if width == 360:
                unreadable += [f"{name}: {p}" for p in phone_header_problems(page)]
            screenshot(page, f"staff-fit-{name}-{width}")
    assert too_wide == []
    assert unreadable == []
    # A tablet in English: the roster's table fits, its check-in column in sight without
    # scrolling the table (its column names and the slip's link once kept it 100 px wider).
    page.set_viewport_size({"width": 1024, "height": 740})
    page.goto(f"{live_server.url}{pages['roster']}")
    page.locator(".staff-header button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Roster"
    wrap = page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })()"
    )
    assert wrap[0] <= wrap[1], wrap
    screenshot(page, "staff-fit-roster-1024-en")
    # Narrower, down to a PC's window half a screen wide, the English table kept its check-in
    # column out of sight (at 861-900 px): the table fits from 1,001 px, cards below.
    for width in (1001, 960, 900, 861):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(f"{live_server.url}{pages['roster']}")
        wrap = page.evaluate(
            "(() => { const w = document.querySelector('.table-wrap');"
            " return [w.scrollWidth, w.clientWidth]; })()"
        )
        assert wrap[0] <= wrap[1], (width, wrap)
        assert page.locator(".roster thead").is_visible() == (width > 1000), width
        check_in = page.locator(".roster td.check").first.bounding_box()
        assert check_in["x"] + check_in["width"] <= width, width
    screenshot(page, "staff-fit-roster-861-en")
    # The door list still prints as the A4 table it was, from a phone too: every column, the
    # signature the widest, the blank rows for walk-ins.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{pages['print']}")
    page.emulate_media(media="print")
    assert page.locator("table.sheet thead").is_visible()
    assert page.locator("table.sheet tr.blank").first.is_visible()
    page.set_viewport_size({"width": 718, "height": 1000})  # 190 mm, the A4 sheet's width
    assert page.locator("table.sheet thead").is_visible()
    widths = page.eval_on_selector_all(
        "table.sheet thead th", "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == 7 and max(widths) == widths[-1]
    screenshot(page, "staff-fit-print-a4")
