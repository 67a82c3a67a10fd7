"""Issue 21 (parents) in Debian's Chromium at 360 px and 1024 px: the choice before joining the
waiting list, the form's sign that it is sending, and thumb-sized targets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from tests.browser import WIDTHS, assert_accessible, layout_problems, new_page, screenshot
from tests.factories import named_seminar

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_throttle(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.API_THROTTLE_ENABLED = False


def check(page, name: str) -> None:
    assert_accessible(page, name)
    assert layout_problems(page) == [], name


def size(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return {w: r.width, h: r.height}; }"
    )


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_party_too_large_for_the_seats_left_chooses_before_joining_the_list(
    browser, live_server, maternity, device
):
    maternity.capacity = 1
    maternity.save(update_fields=["capacity"])
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/sessions/{maternity.pk}/reserve/")
    check(page, f"21-waitlist-choice-{device}-1-form")
    assert page.get_by_text(
        "残り1席です。2人以上では満席のため、キャンセル待ちになります。"
    ).is_visible()
    # Item 7: the back link and the consent row are thumb-sized, not a line of text.
    back = size(page, "p.back a")
    assert back["h"] >= 44 and back["w"] >= 44, back
    consent = size(page, ".check:has(#id_consent)")
    assert consent["h"] >= 44, consent
    page.locator(".check:has(#id_consent) label").click(position={"x": 2, "y": 2})
    assert page.is_checked("#id_consent")

    page.select_option("#id_adults", "2")
    due = (timezone.localdate() + timedelta(days=90)).isoformat()
    page.fill("#id_due_date", due)
    page.fill("#id_name", "山田 花子")
    page.fill("#id_email", f"hanako-{device}@example.jp")
    page.get_by_role("button", name="予約する").click()
    page.wait_for_selector("#error-summary")
    check(page, f"21-waitlist-choice-{device}-2-asked")
    assert "人数を減らすか、キャンセル待ちに登録する場合はチェックを入れてください" in (
        page.locator("#error-summary").inner_text()
    )
    assert Reservation.objects.count() == 0

    page.check("#id_join_waitlist")
    page.check("#id_consent")
    # Item 3: the tap is acknowledged at once, and a second tap sends nothing more.
    state = page.evaluate(
        """() => {
            const form = document.querySelector("form[data-progress]");
            const button = form.querySelector("button[type=submit]");
            form.requestSubmit(button);
            const second = new Event("submit", {cancelable: true});
            form.dispatchEvent(second);
            return {disabled: button.disabled, text: button.textContent,
                    status: form.querySelector(".progress").textContent,
                    secondBlocked: second.defaultPrevented};
        }"""
    )
    assert state["disabled"] and state["secondBlocked"], state
    assert state["text"] == state["status"] == "送信しています。しばらくお待ちください…"
    page.wait_for_url("**/reservations/**")
    check(page, f"21-waitlist-choice-{device}-3-result")
    assert "キャンセル待ち" in page.locator("h1").inner_text()
    reservation = Reservation.objects.get()
    assert reservation.status == ReservationStatus.WAITLISTED and reservation.adults == 2
    page.context.close()


def test_the_times_stay_on_one_line_on_a_phone(browser, live_server, play):
    page = new_page(browser)
    page.goto(f"{live_server.url}/sessions/{play.pk}/")
    check(page, "21-dates-phone")
    times = page.locator("dd .nowrap").first
    start = timezone.localtime(play.start)
    assert times.inner_text().startswith(f"{start:%H:%M}〜")
    line = times.evaluate("el => el.getClientRects().length")
    assert line == 1
    opens = timezone.localtime(play.registration_opens)
    registration = page.locator("dt:has-text('申込期間') + dd").inner_text()
    assert f"{opens:%H:%M}〜" in registration and "–" not in registration
    # Each end of the window keeps its day and time on one line: a phone breaks between them.
    ends = page.locator("dt:has-text('申込期間') + dd .keep")
    assert ends.count() == 2
    for end in ends.all():
        assert end.evaluate(LINES) == 1
    back = size(page, "p.back a")
    assert back["h"] >= 44 and back["w"] >= 44, back
    page.context.close()


# The lines a piece of text takes on the screen.
LINES = """el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size;
}"""


@pytest.mark.parametrize("language", ["pt-BR", "vi", "en"])
def test_a_long_registration_window_wraps_inside_a_phone(browser, live_server, play, language):
    # "sáb., 31 de outubro de 2026, 09:00 –" alone is wider than 360 px: kept on one line it
    # made the whole page 618 px wide.
    page = new_page(browser, language=language)
    page.goto(f"{live_server.url}/sessions/{play.pk}/")
    check(page, f"21-registration-window-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("dl.facts .keep").count() == 2
    page.context.close()


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_the_manage_page_of_an_application_and_a_course_in_the_browser(
    browser, live_server, lottery, device
):
    from tests.factories import book

    applied = book(lottery, children=1, email=f"apply-{device}@example.jp")
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/manage/{applied.reservation.code}/?token={applied.token}")
    check(page, f"21-manage-application-{device}")
    assert page.locator("h1").inner_text() == "申込内容"
    assert page.get_by_text("申込番号").is_visible()
    assert page.get_by_text("申し込みをキャンセルする").is_visible()
    assert page.locator("a[href$='.ics']").count() == 0  # no .ics before the draw
    back = size(page, "p.back a")
    assert back["h"] >= 44 and back["w"] >= 44, back
    page.locator("p.back a").click()
    page.wait_for_url(f"**/sessions/{lottery.pk}/")
    page.context.close()


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_stopping_the_page_link_asks_first_without_javascript(browser, live_server, play, device):
    """The page's own link has its own section (このページのリンク), away from the calendar; both
    ways of stopping links open a box that says what happens before the button that does it,
    with scripts off as with them on."""
    from tests.browser import screenshot
    from tests.factories import book

    booked = book(play, children=1, children_ages=[6], email=f"stop-{device}@example.jp")
    url = f"{live_server.url}/manage/{booked.reservation.code}/?token={booked.token}"
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    page.goto(url)
    check(page, f"22-manage-links-{device}")
    page.get_by_text("古いカレンダーのリンクを無効にする").click()
    page.get_by_text("このページのリンクを無効にして、新しいリンクをメールで受け取る").click()
    check(page, f"22-manage-links-open-{device}")
    page.context.close()

    context = browser.new_context(
        viewport=WIDTHS[device], locale="ja-JP", has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(url)
    assert page.get_by_role("heading", name="このページのリンク").is_visible()
    stop_page = page.get_by_role("button", name="このページのリンクの無効化を確定する")
    stop_feed = page.get_by_role("button", name="古いカレンダーのリンクの無効化を確定する")
    assert not stop_page.is_visible() and not stop_feed.is_visible()
    page.get_by_text("古いカレンダーのリンクを無効にする").click()
    assert stop_feed.is_visible()
    page.get_by_text("このページのリンクを無効にして、新しいリンクをメールで受け取る").click()
    assert stop_page.is_visible()
    screenshot(page, f"22-manage-links-no-script-{device}")
    stop_page.click()
    page.wait_for_url("**/my-reservations/sent/")
    page.goto(url)
    assert "このリンクは無効です。" in page.content()
    context.close()


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_company_names_its_managers_on_the_form(browser, live_server, hub, device):
    seminar = named_seminar(hub)
    page = new_page(browser)
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/sessions/{seminar.pk}/reserve/")
    # One name field per adult chosen: one at first, three for three, two again for two.
    assert page.locator("#id_attendee_1").is_visible()
    assert not page.locator("#id_attendee_2").is_visible()
    page.select_option("#id_adults", "3")
    # Each name shown is needed: 必須 as on the first, not 任意 (which it says without script).
    for n in (2, 3):
        label = page.locator(f"label[for=id_attendee_{n}]").inner_text()
        assert "必須" in label and "任意" not in label, label
        assert page.locator(f"#id_attendee_{n}").get_attribute("aria-required") == "true"
    page.get_by_label("参加者のお名前（1人目）").fill("西郷 隆")
    page.get_by_label("参加者のお名前（2人目）").fill("大久保 利")
    page.get_by_label("参加者のお名前（3人目）").fill("島津 斉")
    page.select_option("#id_adults", "2")  # the third cannot come after all
    assert not page.locator("#id_attendee_3").is_visible()
    page.fill("#id_name", "人事 花子")
    page.fill("#id_email", "hr@example.jp")
    page.check("#id_consent")
    check(page, f"attendee-names-form-{device}")
    screenshot(page, f"attendee-names-form-{device}")
    page.get_by_role("button", name="予約する").click()
    page.wait_for_url(lambda url: "/reservations/" in url)
    assert "西郷 隆、大久保 利" in page.content()
    check(page, f"attendee-names-result-{device}")
    screenshot(page, f"attendee-names-result-{device}")
    assert Reservation.objects.get().attendee_names == ["西郷 隆", "大久保 利"]
