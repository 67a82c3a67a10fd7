"""A parent books a consultation on a 360 px phone, gets the email, and cancels it."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from consultations.models import Appointment, AppointmentStatus
from demo.consultations import demo_consultations_load
from tests.browser import assert_accessible, layout_problems, new_page
from tests.factories import FacilityFactory
from tests.pages.browser_checks import broken_inside

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.API_THROTTLE_ENABLED = False


def check(page, name: str) -> None:
    assert_accessible(page, name)
    assert layout_problems(page) == [], name


def open_days(page) -> list[str]:
    """The days whose times show: each day is a <details> the parent opens."""
    return page.locator("#id_start details[open] > summary").all_inner_texts()


def contact_form_top(page) -> float:
    """How far down the page the contact form starts, in CSS px."""
    return page.get_by_label("氏名").evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def test_parent_books_and_cancels_a_consultation_at_360px(browser, live_server):
    FacilityFactory(slug="ribbonkan", name="リボン館", phone="099-000-0000")
    demo_consultations_load()
    page = new_page(browser)
    # A parent finds the consultations from any page's header, not only by their address.
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="個別相談").click()
    page.wait_for_url("**/consultations/")
    check(page, "consultation-list-360")
    assert "(" not in page.locator("main ul.links").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="入園相談").click()
    check(page, "consultation-slots-360")
    # A month of times is one line per day, the first day open: the contact form comes within
    # a few screens, not after 8,000 px of radio buttons.
    screen = page.viewport_size["height"]
    assert contact_form_top(page) < 2.5 * screen, contact_form_top(page)
    summaries = page.locator("#id_start details > summary")
    assert summaries.count() > 5
    assert open_days(page) == [summaries.first.inner_text()]
    assert re.fullmatch(r"\d+月\d+日（.）\s空き\d+枠", summaries.first.inner_text())
    page.set_viewport_size({"width": 1024, "height": 768})
    check(page, "consultation-slots-1024")
    page.set_viewport_size({"width": 360, "height": screen})
    # Sent without a time: the summary at the top says so and leads to the times.
    page.get_by_label("氏名").fill("山田 花子")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_role("button", name="この時間で予約する").click()
    summary = page.locator("#error-summary")
    # The page's deferred script moves the focus once it has run, after the summary is shown.
    page.wait_for_function("() => document.activeElement?.id === 'error-summary'", timeout=5000)
    check(page, "consultation-no-time-360")
    summary.get_by_role("link", name=re.compile("日時を選んでください")).click()
    assert page.evaluate("location.hash") == "#id_start"
    assert page.locator("#id_start .errorlist").inner_text() == "日時を選んでください。"
    # The parent opens the last day, as they would, and picks its last time; the email is
    # left wrong so that the form comes back.
    last_day = page.locator("#id_start details").last
    day_name = last_day.locator("summary").inner_text()
    last_day.locator("summary").click()
    choice = last_day.locator("input[name=start]").last
    choice.check()
    chosen = choice.get_attribute("value")
    page.get_by_label("メールアドレス").fill("hanako@")
    with page.expect_navigation():
        page.get_by_role("button", name="この時間で予約する").click()
    assert "メールアドレスを正しく入力してください" in page.locator("#error-summary").inner_text()
    # Shown again: the chosen day open (only it) with its time checked, beside the error.
    assert open_days(page) == [day_name]
    assert page.locator(f"input[name=start][value='{chosen}']").is_checked()
    assert page.locator(f"input[name=start][value='{chosen}']").is_visible()
    check(page, "consultation-error-with-time-360")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    # 入園相談 is a consultation by phone: the number the counsellor calls is asked for.
    assert "必須" in page.locator("label[for=id_phone]").inner_text()
    page.get_by_label("電話番号").fill("090-1234-5678")
    page.get_by_label("相談内容").select_option("見学")
    page.get_by_role("button", name="この時間で予約する").click()
    page.wait_for_url("**/consultations/appointments/**")
    check(page, "consultation-booked-360")
    assert not broken_inside(page, "090-1234-5678")  # the number the counsellor calls, whole
    # The appointment reads as the reservation's page does: on a phone each label right above
    # its value, at the same left edge, so that a value has the screen's width (beside a long
    # label an address broke inside its number, 15- / 1).
    boxes = page.locator("main dl.facts").evaluate(
        """dl => [...dl.children].map(e => {
            const r = e.getBoundingClientRect();
            return [Math.round(r.left), Math.round(r.top), Math.round(r.bottom)];
        })"""
    )
    assert len(boxes) == 14, boxes  # six facts, and the topic the parent chose
    facts = page.locator("main dl.facts").inner_text()
    assert "相談員から090-1234-5678へお電話します" in facts and "見学" in facts
    for label, value in zip(boxes[0::2], boxes[1::2], strict=True):
        assert label[0] == value[0] and 0 <= value[1] - label[2] <= 8, boxes
    appointment = Appointment.objects.get(email="hanako@example.jp")
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.answers.topic == "見学"
    assert appointment.start == datetime.fromisoformat(chosen)
    # Changing the time folds the month by day as booking does: only the first day open. The
    # parent opens another day and moves to its first time.
    page.get_by_text("日時を変更する").click()
    change = page.locator("details.action", has_text="この日時に変更する")
    days = change.locator("details.day")
    assert days.count() > 5
    assert change.locator("details.day[open] > summary").all_inner_texts() == [
        days.first.locator("summary").inner_text()
    ]
    assert re.fullmatch(r"\d+月\d+日（.）\s空き\d+枠", days.first.locator("summary").inner_text())
    other_day = days.nth(1)
    other_day.locator("summary").click()
    assert change.locator("details.day[open]").count() == 2
    check(page, "consultation-change-time-360")
    new_time = other_day.locator("input[name=start]").first
    new_time.check()
    moved_to = new_time.get_attribute("value")
    with page.expect_navigation():
        page.get_by_role("button", name="この日時に変更する").click()
    page.get_by_text("相談の日時を変更しました。").wait_for()
    appointment.refresh_from_db()
    assert appointment.start == datetime.fromisoformat(moved_to)
    assert appointment.status == AppointmentStatus.BOOKED
    page.get_by_text("この相談をキャンセルする").click()
    page.get_by_role("button", name="キャンセルを確定する").click()
    page.get_by_text("この相談はキャンセルされました。").wait_for()
    check(page, "consultation-cancelled-360")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    # The way on from a cancelled consultation: its type's times, to book another.
    page.get_by_role("link", name="別の日時で予約する").click()
    page.wait_for_url("**/consultations/nyuen-soudan/")
