"""The staff pages in a real browser (Debian's Chromium through Playwright) on a tablet.

Two staff log in on two tablets (two browser contexts, each with its own session cookie and
CSRF token), open the same roster and check parties in with one tap each, without a page
reload, also the same party at the same moment. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import ReservationHistory
from events.models import StaffMembership, StaffRole
from staffdesk.models import StaffAction
from staffdesk.selectors import fiscal_year_of
from tests.browser import axe_violations, screenshot
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    lottery_session,
    staff_user,
)
from tests.schedule.test_series import january_series
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}
NAMES = [
    ("山田 花子", "やまだ はなこ"),
    ("佐藤 太郎", "さとう たろう"),
    ("鈴木 美咲", "すずき みさき"),
    ("高橋 陽菜", "たかはし ひな"),
    ("田中 健太", "たなか けんた"),
    ("伊藤 結衣", "いとう ゆい"),
]


def tablet(browser, *, javascript: bool = True, viewport=TABLET):
    context = browser.new_context(
        viewport=viewport,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}{next_path}")
    assert "/staff/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path) + r"$"))


@pytest.fixture
def door(db):
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon-door")
    program = ProgramFactory(title="親子ふれあい遊び（1〜2歳）")
    session = started_session(facility=facility, program=program, capacity=20)
    parties = [
        book_before(
            session,
            name=name,
            name_kana=kana,
            email=f"door{i}@example.jp",
            adults=1,
            children=1 + i % 2,
            children_ages=[14] if i % 2 == 0 else [14, 30],
            phone=f"090-1234-{i:04d}",
        ).reservation
        for i, (name, kana) in enumerate(NAMES)
    ]
    first = staff_user(facility, StaffRole.MANAGER, username="door-a")
    second = staff_user(facility, StaffRole.MANAGER, username="door-b")
    return session, parties, first, second


def row(page, code: str):
    return page.locator(f"tr#r-{code}")


def test_roster_check_in_with_one_tap_without_reload(browser, live_server, door):
    session, parties, first, _ = door
    page = tablet(browser)
    path = f"/staff/sessions/{session.pk}/"
    log_in(page, live_server.url, first.username, path)
    # Sorted by kana: いとう, さとう, すずき, たかはし, たなか, やまだ.
    names = page.locator("tbody tr .name strong").all_inner_texts()
    assert names == ["伊藤 結衣", "佐藤 太郎", "鈴木 美咲", "高橋 陽菜", "田中 健太", "山田 花子"]
    screenshot(page, "staff-roster-before")
    page.evaluate("window.__notReloaded = true")
    target = parties[0]
    row(page, target.code).locator("button[data-check-in=in]").click()
    row(page, target.code).locator("[data-state]").filter(has_text=re.compile(".+")).wait_for()
    page.wait_for_selector(f"tr#r-{target.code}[data-attendance='attended']", state="attached")
    assert page.evaluate("window.__notReloaded") is True  # the page was not reloaded
    assert page.locator("[data-count=attended]").inner_text() == "1"
    assert row(page, target.code).locator("button[data-check-in=undo]").is_visible()
    assert not row(page, target.code).locator("button[data-check-in=in]").is_visible()
    target.refresh_from_db()
    assert target.status == "attended"
    screenshot(page, "staff-roster-after-check-in")
    # Undo, again in place.
    row(page, target.code).locator("button[data-check-in=undo]").click()
    page.wait_for_selector(f"tr#r-{target.code}[data-attendance='']", state="attached")
    target.refresh_from_db()
    assert target.status == "confirmed"
    # Search by kana in the other script.
    page.fill("input[name=q]", "ヤマダ")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q="))
    assert page.locator("tbody tr .name strong").all_inner_texts() == ["山田 花子"]
    assert axe_violations(page) == []


def test_two_staff_check_in_at_once(browser, live_server, door):
    session, parties, first, second = door
    path = f"/staff/sessions/{session.pk}/"
    tablets = [tablet(browser), tablet(browser)]
    log_in(tablets[0], live_server.url, first.username, path)
    log_in(tablets[1], live_server.url, second.username, path)
    # Both tap the same party at the same moment, then each taps a different party.
    same = parties[1]
    buttons = [t.locator(f"tr#r-{same.code} button[data-check-in=in]") for t in tablets]
    tablets[0].evaluate("window.__tapAt = performance.now()")
    for b in buttons:
        b.dispatch_event("click")  # both fetches start before either answer arrives
    for t in tablets:
        t.wait_for_selector(f"tr#r-{same.code}[data-attendance='attended']", state="attached")
    # The tablet whose tap came second was told, and shows the current state anyway.
    notices = [t.locator(".js-error").is_visible() for t in tablets]
    assert sorted(notices) == [False, True]
    screenshot(tablets[notices.index(True)], "staff-two-tablets-second-tap")
    row(tablets[0], parties[2].code).locator("button[data-check-in=in]").click()
    row(tablets[1], parties[3].code).locator("button[data-check-in=in]").click()
    for t, code in ((tablets[0], parties[2].code), (tablets[1], parties[3].code)):
        t.wait_for_selector(f"tr#r-{code}[data-attendance='attended']", state="attached")
    same.refresh_from_db()
    assert same.status == "attended"
    assert ReservationHistory.objects.filter(reservation=same, to_status="attended").count() == 1
    assert StaffAction.objects.filter(reservation=same, kind="check_in").count() == 1
    assert {
        (a.actor.username, a.reservation.code)
        for a in StaffAction.objects.filter(kind="check_in").exclude(reservation=same)
    } == {("door-a", parties[2].code), ("door-b", parties[3].code)}
    screenshot(tablets[0], "staff-two-tablets-a")
    screenshot(tablets[1], "staff-two-tablets-b")


def test_check_in_works_without_javascript(browser, live_server, door):
    session, parties, first, _ = door
    page = tablet(browser, javascript=False)
    path = f"/staff/sessions/{session.pk}/"
    log_in(page, live_server.url, first.username, path)
    target = parties[4]
    row(page, target.code).locator("button[data-check-in=in]").click()
    page.wait_for_url(re.compile(f"#r-{target.code}$"))
    assert row(page, target.code).get_attribute("data-attendance") == "attended"
    assert page.locator(".message.success").count() == 1
    target.refresh_from_db()
    assert target.status == "attended"


def test_end_of_day_walk_in_and_no_shows(browser, live_server, door):
    session, parties, first, _ = door
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/walk-in/")
    page.fill("input[name=name]", "飛込 次郎")
    page.fill("input[name=name_kana]", "とびこみ じろう")
    page.fill("input[name=children]", "1")
    page.select_option("select[name=child_age_1]", "20")
    screenshot(page, "staff-walk-in")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/sessions/\d+/#r-"))
    assert page.locator("tbody tr", has_text="飛込 次郎").get_attribute("data-attendance") == (
        "attended"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/no-shows/'] button")
    page.wait_for_load_state()
    assert page.locator("tr[data-attendance=no_show]").count() == len(parties)
    screenshot(page, "staff-roster-end-of-day")


def test_print_report_and_today_pages_render_japanese(browser, live_server, door):
    session, parties, first, _ = door
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/print/")
    page.emulate_media(media="print")
    screenshot(page, "staff-print-a4")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    # Check in a few so that the report has people in it.
    for p in parties[:4]:
        p.refresh_from_db()
    from staffdesk.services import check_in

    for p in parties[:4]:
        check_in(session=session, reservation=p, by=first)
    fy = fiscal_year_of(timezone.localdate(session.start))
    page.goto(f"{live_server.url}/staff/report/?fiscal_year={fy}")
    bars = page.locator("figure.chart svg rect")
    assert bars.count() == 12
    assert axe_violations(page) == []
    screenshot(page, "staff-report")
    # Later today, whatever the time of day (three hours from 22:00 would be tomorrow).
    now = timezone.localtime().replace(microsecond=0)
    SessionFactory(
        facility=session.facility,
        start=min(now + timedelta(hours=3), now.replace(hour=23, minute=59, second=0)),
        capacity=12,
    )
    page.goto(f"{live_server.url}/staff/")
    assert page.locator(".session-cards .card").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "staff-today")
    portrait = tablet(browser, viewport={"width": 768, "height": 1024})
    log_in(portrait, live_server.url, first.username, f"/staff/sessions/{session.pk}/")
    overflow = portrait.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
    # Held upright, the tablet shows every party's check-in button without scrolling sideways.
    for button in portrait.locator("button.check-in:visible").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 768
    # Its details in two columns under the name, a quarter shorter than on a phone.
    card = portrait.locator("table.roster tbody tr").first
    name, code, party = (
        card.locator(f"td.{cell}").bounding_box() for cell in ("name", "code", "party-size")
    )
    assert name["y"] < code["y"] and party["x"] >= code["x"] + code["width"]
    # Printed from this page (Ctrl+P), the roster stays a table with its column names.
    portrait.emulate_media(media="print")
    assert portrait.locator("table.roster thead").is_visible()
    portrait.emulate_media(media="screen")
    screenshot(portrait, "staff-roster-portrait")


def test_lottery_draw_and_manual_promotion_from_the_page(browser, live_server, door):
    from tests.factories import book

    _, _, first, _ = door
    lottery = lottery_session(
        first.memberships.first().facility, 2, title="マタニティ教室", confirm=False
    )
    for i, (name, kana) in enumerate(NAMES[:5]):
        book(lottery, name=name, name_kana=kana, email=f"lot{i}@example.jp")
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{lottery.pk}/waiting-list/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("input[name=action][value=draw] + button")
    page.wait_for_selector("tr[id^=w-]")
    waiting = page.locator("tr[id^=w-]")
    assert waiting.count() == 3
    last_code = waiting.nth(2).get_attribute("id")[2:]
    # No seat free: the promotion is refused with the reason why.
    waiting.nth(2).locator("input[name=reason]").fill("つわりが重く優先")
    waiting.nth(2).locator("button").click()
    page.wait_for_selector(".message.error")
    assert page.locator("tr[id^=w-]").count() == 3
    # A seat given back after the waiting list closed (nobody promoted automatically).
    from events.models import Session

    Session.objects.filter(pk=lottery.pk).update(capacity=3)
    page.locator(f"tr#w-{last_code} input[name=reason]").fill("つわりが重く優先")
    page.locator(f"tr#w-{last_code} button").click()
    page.wait_for_selector(".message.success")
    assert page.locator("tr[id^=w-]").count() == 2
    from booking.models import Reservation

    assert Reservation.objects.get(code=last_code).status == "confirmed"
    assert axe_violations(page) == []
    screenshot(page, "staff-waiting-list")
    page.goto(f"{live_server.url}/staff/sessions/{lottery.pk}/audit/")
    assert page.locator(".audit-entry").count() == 2  # the draw and the promotion
    screenshot(page, "staff-audit-log")


def test_lottery_roster_says_where_the_lottery_stands(browser, live_server, door):
    """Before the draw the roster of a lottery lists its applications under a line that says
    it is a lottery (申込N組／定員M席, 抽選日); its link leads to the draw; after the draw the
    line counts 当選 and 落選 and the door list shows the winners."""
    from tests.factories import book

    _, _, first, _ = door
    lottery = lottery_session(first.memberships.first().facility, 2)
    for i, (name, kana) in enumerate(NAMES[:3]):
        book(lottery, name=name, name_kana=kana, email=f"lot{i}@example.jp")
    path = f"/staff/sessions/{lottery.pk}/"
    for width, height in ((360, 740), (1024, 768)):
        page = tablet(browser, viewport={"width": width, "height": height})
        log_in(page, live_server.url, first.username, path)
        status = page.locator(".lottery-status")
        assert "抽選：申込受付中" in status.inner_text()
        assert "申込3組／定員2席" in status.inner_text()
        assert page.locator("tr.party").count() == 3
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False
        assert axe_violations(page) == []
        screenshot(page, f"staff-lottery-roster-open-{width}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".lottery-status a")
    page.wait_for_url(re.compile(r"/waiting-list/#lottery$"))
    page.click("input[name=action][value=draw] + button")
    page.wait_for_selector(".message.success")
    page.goto(f"{live_server.url}{path}")
    status = page.locator(".lottery-status").inner_text()
    assert "に抽選済み" in status and "当選2組" in status and "落選1組" in status
    assert "確定待ち2組" in status
    assert page.locator("tr.party").count() == 2
    screenshot(page, "staff-lottery-roster-drawn-1024")


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
            screenshot(page, f"staff-fit-{name}-{width}")
    assert too_wide == []
    assert unreadable == []
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
