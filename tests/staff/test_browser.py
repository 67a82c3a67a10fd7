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
from staffdesk.models import StaffAction
from staffdesk.selectors import fiscal_year_of
from tests.browser import PHONE, axe_violations, screenshot
from tests.factories import (
    SessionFactory,
    lottery_session,
)
from tests.staff.browser_pages import NAMES, TABLET, log_in, tablet

pytestmark = pytest.mark.django_db(transaction=True)


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
    bars = page.locator("figure.chart > svg rect")
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


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_a_qr_code_scanned_at_the_door_checks_the_party_in(browser, live_server, door, viewport):
    """The tablet's camera opens the party's QRコードで受付 page: one tap on 受付する checks it
    in, and the roster it comes back to says 出席 on its row."""
    session, parties, first, _ = door
    party = parties[0]
    page = tablet(browser, viewport=viewport)
    path = f"/staff/check-in/{party.code}/"
    log_in(page, live_server.url, first.username, path)
    assert page.locator(".scanned-name").inner_text() == party.name
    assert page.locator("[data-testid=state]").inner_text() == "予約確定"
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    screenshot(page, f"staff-scanned-{width}")
    page.click("button.scanned-check-in")
    page.wait_for_url(re.compile(rf"/staff/sessions/{session.pk}/#r-{party.code}$"))
    assert row(page, party.code).locator("[data-state]").inner_text() == "出席"
    page.goto(f"{live_server.url}{path}")
    assert page.locator("[data-testid=state]").inner_text() == "出席"
    assert page.locator("button.scanned-check-in").count() == 0
