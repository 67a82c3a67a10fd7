"""End to end in Debian's Chromium at 360 px: what a parent does on a phone.

The live server runs in this process, so emails sent by the notification worker (Celery in
eager mode here, or the outbox sweep) land in Django's locmem outbox; the real SMTP delivery
has its own tests in tests/notifications. Every page visited is checked with axe-core, for
horizontal scrolling and for tap targets under 44 px, and saved as a screenshot in
test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation, ReservationStatus
from booking.services import lottery_draw
from tests.browser import new_page, screenshot
from tests.factories import book
from tests.pages.browser_checks import (
    MANAGE_LINK,
    broken_inside,
    check,
    reserve,
    wait_for_mail,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    """Links in emails point at the live server."""
    settings.SITE_URL = live_server.url
    settings.API_THROTTLE_ENABLED = False


def test_a_parent_reserves_on_a_phone_manages_adds_to_calendar_and_cancels(
    browser, live_server, play
):
    page = new_page(browser, accept_downloads=True)
    page.goto(live_server.url + "/")
    check(page, "01-list")
    assert page.locator("h1").inner_text() == "イベント一覧"

    page.get_by_role("link", name="親子ふれあい遊び（0〜1歳）").click()
    check(page, "02-session")
    assert "持ち物" in page.content()
    assert not broken_inside(page, "山下町15-1")  # the address (the factory's) on one line

    page.get_by_role("link", name="予約する").first.click()
    check(page, "03-form")
    reserve(page, name="鹿児島 花子", email="hanako@example.jp", child_age="7")
    page.get_by_role("button", name="予約する").click()

    page.wait_for_url(re.compile(r"/reservations/"))
    check(page, "04-confirmed")
    assert page.locator("h1").inner_text() == "予約が確定しました"
    reservation = Reservation.objects.get(email="hanako@example.jp")
    assert page.locator(".code").inner_text() == reservation.code
    assert reservation.status == ReservationStatus.CONFIRMED
    assert reservation.children_ages == [7]

    confirmation = wait_for_mail("hanako@example.jp", reservation.code)
    link = MANAGE_LINK.search(confirmation.body)
    assert link, confirmation.body
    page.goto(link.group(0))
    check(page, "05-manage")
    assert reservation.code in page.locator(".code").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="カレンダーに追加（.ics）").click()
    ics = open(download.value.path(), encoding="utf-8").read()
    assert "BEGIN:VEVENT" in ics and f"session-{play.pk}@" in ics
    assert "親子ふれあい遊び" in ics

    page.get_by_text("予約をキャンセルする").click()
    check(page, "06-manage-cancel-open")
    page.get_by_role("button", name="キャンセルを確定する").click()
    page.wait_for_load_state()
    assert "予約をキャンセルしました。" in page.content()
    check(page, "07-cancelled")
    reservation.refresh_from_db()
    play.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED
    assert play.seats_taken == 0
    wait_for_mail("hanako@example.jp", "キャンセル")


def test_list_to_a_confirmed_seat_in_three_screens(browser, live_server, maternity):
    page = new_page(browser)
    screens = []
    page.on(
        "framenavigated",
        lambda frame: screens.append(frame.url) if frame == page.main_frame else None,
    )
    page.goto(live_server.url + "/")
    page.locator(".card").filter(has_text="マタニティ交流会").get_by_role(
        "link", name="予約する"
    ).click()
    page.select_option("#id_adults", "2")
    page.fill("#id_due_date", "2027-01-15")
    reserve(page, name="妊婦 さくら", email="sakura@example.jp")
    page.get_by_role("button", name="予約する").click()
    page.wait_for_url(re.compile(r"/reservations/"))
    assert page.locator("h1").inner_text() == "予約が確定しました"
    distinct = [url for i, url in enumerate(screens) if i == 0 or url != screens[i - 1]]
    paths = [re.sub(r"^https?://[^/]+", "", u).split("?")[0] for u in distinct]
    assert paths == ["/", f"/sessions/{maternity.pk}/reserve/", paths[-1]]
    assert paths[-1].startswith("/reservations/")
    assert Reservation.objects.get().adults == 2


def test_a_waitlisted_parent_is_promoted_and_told(browser, live_server, tiny):
    first = book(tiny, email="first@example.jp")

    second = new_page(browser)
    second.goto(f"{live_server.url}/sessions/{tiny.pk}/")
    assert "キャンセル待ち受付中" in second.content()
    second.get_by_role("link", name="キャンセル待ちに登録する").first.click()
    check(second, "10-waitlist-form")
    reserve(second, name="二番目 太郎", email="second@example.jp")
    second.get_by_role("button", name="キャンセル待ちに登録する").click()
    second.wait_for_url(re.compile(r"/reservations/"))
    check(second, "11-waitlisted")
    assert second.locator("h1").inner_text() == "キャンセル待ちに登録しました"
    assert "キャンセル待ちの1番目です。" in second.content()
    waiting = Reservation.objects.get(email="second@example.jp")
    assert waiting.status == ReservationStatus.WAITLISTED
    # The first email (on the waiting list) is the one that carries the manage link.
    link = MANAGE_LINK.search(wait_for_mail("second@example.jp", MANAGE_LINK.pattern).body)

    parent = new_page(browser)
    parent.goto(f"{live_server.url}/manage/{first.reservation.code}/?token={first.token}")
    parent.get_by_text("予約をキャンセルする").click()
    parent.get_by_role("button", name="キャンセルを確定する").click()
    parent.wait_for_load_state()

    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.CONFIRMED
    promoted = wait_for_mail("second@example.jp", waiting.code)
    assert "確定" in promoted.subject + promoted.body
    second.goto(link.group(0))
    check(second, "12-promoted-manage")
    assert "予約が確定しました" in second.content()


def test_a_lottery_application_the_draw_and_the_confirmation(browser, live_server, lottery):
    page = new_page(browser)
    page.goto(f"{live_server.url}/sessions/{lottery.pk}/")
    check(page, "20-lottery-session")
    page.get_by_role("link", name="抽選に申し込む").first.click()
    check(page, "21-lottery-form")
    page.get_by_label("初めての参加").check()
    reserve(page, name="抽選 花子", email="lucky@example.jp")
    page.get_by_role("button", name="抽選に申し込む").click()
    page.wait_for_url(re.compile(r"/reservations/"))
    check(page, "22-lottery-applied")
    assert page.locator("h1").inner_text() == "抽選の申し込みを受け付けました"
    application = Reservation.objects.get(email="lucky@example.jp")
    assert application.status == ReservationStatus.APPLIED
    assert application.priority_group == "first_time"
    received = wait_for_mail("lucky@example.jp", application.code)
    manage = MANAGE_LINK.search(received.body).group(0)

    lottery_draw(session=lottery, seed="browser-test")  # staff draw (tested in tests/booking)
    application.refresh_from_db()
    assert application.status == ReservationStatus.WON
    wait_for_mail("lucky@example.jp", "当選")

    page.goto(manage)
    check(page, "23-lottery-won")
    assert "抽選に当選しました" in page.content()
    page.get_by_role("button", name="参加を確定する").click()
    page.wait_for_load_state()
    assert "参加が確定しました。当日お待ちしています。" in page.content()
    check(page, "24-lottery-confirmed")
    application.refresh_from_db()
    assert application.status == ReservationStatus.CONFIRMED


def test_double_tap_back_and_resubmit_make_one_reservation(browser, live_server, play):
    page = new_page(browser)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="予約する").first.click()
    reserve(page, name="連打 花子", email="tap@example.jp", child_age="3")
    # Two taps before the first answer arrives: the browser sends the form twice.
    page.evaluate(
        """() => { const f = document.querySelector('form[method=post][action*=reserve]');
                   f.requestSubmit(); f.requestSubmit(); }"""
    )
    page.wait_for_url(re.compile(r"/reservations/"))
    first_code = page.locator(".code").inner_text()

    # Back to the form (the browser may reload it with a new one-time key), and send it again.
    page.go_back()
    page.wait_for_url(re.compile(r"/reserve/$"))
    if not page.locator("#id_consent").is_checked():  # the browser may not restore the fields
        reserve(page, name="連打 花子", email="tap@example.jp", child_age="3")
    page.get_by_role("button", name="予約する").click()
    page.wait_for_url(re.compile(r"/reservations/"))
    assert page.locator(".code").inner_text() == first_code
    page.reload()
    assert page.locator(".code").inner_text() == first_code

    assert Reservation.objects.filter(email="tap@example.jp").count() == 1
    play.refresh_from_db()
    assert play.seats_taken == 2


def test_errors_are_announced_and_linked_to_their_fields(browser, live_server, play):
    page = new_page(browser)
    page.goto(f"{live_server.url}/sessions/{play.pk}/reserve/")
    page.fill("#id_email", "hanako@")
    page.get_by_role("button", name="予約する").click()
    page.wait_for_load_state()
    check(page, "30-form-errors")
    summary = page.get_by_role("alert")
    assert "件の入力内容を確認してください" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    assert "メールアドレスを正しく入力してください" in page.locator("#id_email_error").inner_text()
    summary.get_by_role("link", name=re.compile("氏名")).click()
    assert page.evaluate("document.activeElement.id") == "id_name"


def test_keyboard_alone_reaches_and_sends_the_form(browser, live_server, ikuboss):
    page = new_page(browser)
    page.goto(f"{live_server.url}/sessions/{ikuboss.pk}/reserve/")
    page.locator("#id_resident").focus()

    def focused() -> str:
        return page.evaluate(
            "() => document.activeElement.id || document.activeElement.textContent.trim()"
        )

    steps = [
        ("Space", "id_resident"),
        ("Tab", "id_company"),
        ("鹿児島商事", "id_company"),
        ("Tab", "id_name"),
        ("管理 一郎", "id_name"),
        ("Tab", "id_name_kana"),
        ("Tab", "id_email"),
        ("boss@example.jp", "id_email"),
        ("Tab", "id_phone"),
        ("Tab", "id_needs_0"),  # 配慮事項 (issue 25): optional boxes, passed by Tab
        ("Tab", "id_needs_1"),
        ("Tab", "id_needs_2"),
        ("Tab", "id_needs_3"),
        ("Tab", "id_needs_detail"),
        ("Tab", "個人情報の取り扱い（新しいタブで開きます）"),
        ("Tab", "id_consent"),
        ("Space", "id_consent"),
        ("Tab", "予約する"),
    ]
    for key, expected in steps:
        if key in ("Tab", "Space"):
            page.keyboard.press(key)
        else:
            page.keyboard.type(key)
        assert focused() == expected, (key, expected)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reservations/"))
    reservation = Reservation.objects.get()
    assert (reservation.company, reservation.resident) == ("鹿児島商事", True)


def test_my_reservations_by_email_link(browser, live_server, play, tiny):
    mine = book(play, children=1, children_ages=[5], email="me@example.jp")
    page = new_page(browser)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="予約の確認").click()
    check(page, "40-my-reservations")
    page.fill("#id_email", "me@example.jp")
    page.get_by_role("button", name="リンクをメールで受け取る").click()
    page.wait_for_url(re.compile(r"/my-reservations/sent/"))
    check(page, "41-my-reservations-sent")
    message = wait_for_mail("me@example.jp", "my-reservations/")
    link = re.search(r"https?://\S+/my-reservations/[^/\s]+/", message.body).group(0)
    page.goto(link)
    check(page, "42-my-reservations-list")
    page.get_by_role("link", name=re.compile("親子ふれあい遊び")).click()
    check(page, "43-manage-from-list")
    assert mine.reservation.code in page.locator(".code").inner_text()


def test_every_other_page_passes_axe_in_both_languages(browser, live_server, play, lottery):
    page = new_page(browser)
    for name, path in [
        ("50-privacy", "/privacy/"),
        ("51-not-found", "/sessions/999999/"),
        ("52-expired-link", "/my-reservations/not-a-key/"),
        ("53-filtered-list", "/?audience=parents_age_band&has_seats=1"),
    ]:
        page.goto(live_server.url + path)
        check(page, name)
    page.goto(live_server.url + "/")
    page.locator("#site-language").select_option("en")
    page.get_by_role("button", name="切り替え").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Upcoming events"
    check(page, "54-list-en")
    page.goto(f"{live_server.url}/sessions/{play.pk}/reserve/")
    check(page, "55-form-en")
    page.locator("#site-language").select_option("ja")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    screenshot(page, "56-form-back-in-ja")
