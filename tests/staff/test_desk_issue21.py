"""The staff desk as people use it (issue 21): the printed roster, the export's fields, the
children's ages as 歳・か月, the staff menu's tap targets, at 360 px and 1024 px in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from staffdesk.csv_files import EXPORT_HEADERS, ROSTER_HEADERS
from staffdesk.services import check_in
from tests.browser import axe_violations, screenshot
from tests.factories import book
from tests.staff.browser_pages import log_in, tablet
from tests.staff.conftest import book_before, page_client, started_session

PHONE = {"width": 360, "height": 780}
TABLET = {"width": 1024, "height": 768}


def parse(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_has_every_field_a_parent_entered_and_ages_in_years_and_months(manager_a, session_a):
    session_a.program.priority_groups = [{"key": "first", "label": "初めての参加"}]
    session_a.program.save()
    r = book(
        session_a,
        name="山田 花子",
        name_kana="やまだ はなこ",
        children=2,
        children_ages=[20, 5],
        company="株式会社こもれび",
        due_date=dt.date(2027, 3, 1),
        resident=True,
        priority_group="first",
    ).reservation
    client = page_client(manager_a)
    rows = parse(client.get(f"/staff/sessions/{session_a.pk}/roster.csv"))
    assert rows[0] == ROSTER_HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["予約番号"] == r.code
    assert row["子どもの月齢"] == "1歳8か月、5か月"
    assert row["会社名・団体名"] == "株式会社こもれび"
    assert row["出産予定日"] == "2027/03/01"
    assert row["市内在住"] == "はい"
    assert row["優先区分"] == "初めての参加"
    day = session_a.start.date()
    export = client.get(
        f"/api/v1/staff/export/?format=csv&from={day - dt.timedelta(days=1)}"
        f"&to={day + dt.timedelta(days=1)}",
    )
    rows = parse(export)
    assert rows[0] == EXPORT_HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["会社名・団体名"] == "株式会社こもれび" and row["子どもの月齢"] == "1歳8か月、5か月"
    # The roster page says the ages the same way.
    html = client.get(f"/staff/sessions/{session_a.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "1歳8か月、5か月" in re.sub(r"<[^>]+>", "", html.content.decode())


@pytest.mark.django_db
def test_one_word_for_checked_in_on_counter_rows_and_csv(manager_a, facility_a):
    session_a = started_session(facility=facility_a)
    parties = [book_before(session_a, email=f"p{i}@example.jp").reservation for i in range(2)]
    check_in(session=session_a, reservation=parties[0], by=manager_a)
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{session_a.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    text = html.content.decode()
    assert "受付済み" not in text and "参加済み" not in text
    assert '出席<b data-count="attended">1</b>組' in text
    rows = parse(client.get(f"/staff/sessions/{session_a.pk}/roster.csv"))
    by_code = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_code[parties[0].code]["出欠"] == "出席"
    assert by_code[parties[0].code]["予約状況"] == "出席"


@pytest.mark.django_db(transaction=True)
def test_print_roster_shows_who_checked_in_and_has_landmarks(browser, live_server, door):  # noqa: F811
    session, parties, first, _ = door
    for p in parties[:2]:
        check_in(session=session, reservation=p, by=first)
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/print/")
    for name, size in (("1024", TABLET), ("360", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == []
        screenshot(page, f"staff-print-checked-in-{name}")
    assert page.locator("main table.sheet").count() == 1
    # One word for one state (issue 21, item 13): the print, the counter and the CSV say 出席.
    checked = page.locator("tbody td.att", has_text="✓ 出席")
    assert checked.count() == 2
    for p in parties[:2]:
        assert (
            page.locator("tbody tr", has_text=p.code).locator("td.att").inner_text().startswith("✓")
        )


@pytest.mark.django_db(transaction=True)
def test_staff_menu_and_tabs_are_44_px_tap_targets(browser, live_server, door):  # noqa: F811
    session, _, first, _ = door
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/")
    for name, size in (("1024", TABLET), ("360", PHONE)):
        page.set_viewport_size(size)
        small = page.evaluate(
            """() => [...document.querySelectorAll(
                    '.staff-header a, .staff-header button, .tabs a')]
                .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
                .filter(([, r]) => r.width && (r.width < 44 || r.height < 44))
                .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
        )
        assert small == []
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False
        assert axe_violations(page) == []
        screenshot(page, f"staff-roster-menu-{name}")


@pytest.mark.django_db(transaction=True)
def test_walk_in_form_sums_up_errors_marks_required_and_asks_ages_in_years_and_months(
    browser,
    live_server,
    door,  # noqa: F811
):
    session, _, first, _ = door
    assert not session.program.childcare_offered
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/walk-in/")
    assert page.locator("[name=childcare]").count() == 0  # no 託児 where none is offered
    assert page.locator("label[for=id_name] .required-mark").count() == 1
    assert page.locator("label[for=id_phone] .required-mark").count() == 0
    options = page.locator("select[name=child_age_1] option").all_inner_texts()
    assert "1歳8か月" in options and "5か月" in options
    page.fill("input[name=children]", "1")
    page.select_option("select[name=child_age_1]", "20")
    page.select_option("select[name=child_age_2]", "5")
    page.fill("input[name=name_kana]", "Tobikomi")
    page.click("form.stack button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.count() == 1
    text = summary.inner_text()
    assert "氏名" in text and "ふりがな" in text and "1人目" in text
    for name, size in (("1024", TABLET), ("360", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False
        screenshot(page, f"staff-walk-in-errors-{name}")
    page.fill("input[name=name]", "飛込 次郎")
    page.fill("input[name=name_kana]", "とびこみ じろう")
    page.select_option("select[name=child_age_2]", "")
    page.click("form.stack button[type=submit]")
    row = page.locator("tbody tr", has_text="飛込 次郎")
    assert "1歳8か月" in row.inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_move_shows_the_parties_and_the_email_before_sending(browser, live_server, door):  # noqa: F811
    from notifications.models import Notification

    session, parties, first, _ = door
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/change/")
    start = timezone.localtime() + dt.timedelta(days=3)
    page.fill("input[name=start]", start.strftime("%Y-%m-%dT10:00"))
    page.fill("input[name=end]", start.strftime("%Y-%m-%dT11:30"))
    page.fill("textarea[name=reason]", "講師の体調不良")
    page.fill("textarea[name=message]", "ご迷惑をおかけし申し訳ありません。")
    page.get_by_role("button", name="送信するメールを確認する").click()
    preview = page.locator("#move-preview")
    assert f"{len(parties)}組にメールを送ります" in preview.inner_text()
    assert "ご迷惑をおかけし申し訳ありません。" in preview.locator(".email-text").inner_text()
    assert "講師の体調不良" not in preview.inner_text()
    assert not Notification.objects.filter(kind="session_changed").exists()
    for name, size in (("1024", TABLET), ("360", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False
        screenshot(page, f"staff-move-preview-{name}")
    page.get_by_role("button", name="変更してメールを送る").click()
    page.wait_for_selector(".message.success")
    assert Notification.objects.filter(kind="session_changed").count() == len(parties)


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_reads_as_sentences_on_a_phone(browser, live_server, door):  # noqa: F811
    from staffdesk.services import no_shows_mark

    session, parties, first, _ = door
    check_in(session=session, reservation=parties[0], by=first)
    no_shows_mark(session=session, by=first)
    page = tablet(browser)
    log_in(page, live_server.url, first.username, f"/staff/sessions/{session.pk}/audit/")
    text = page.locator("main").inner_text()
    for raw in ("attendance / status", "['", "False", "staff:", "confirmed", "T1"):
        assert raw not in text, raw
    assert "予約確定 → 出席" in text
    links = page.locator(f".audit-entry a[href$='#r-{parties[1].code}']")
    assert links.count() >= 1
    for name, size in (("1024", TABLET), ("360", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False
        screenshot(page, f"staff-audit-{name}")
