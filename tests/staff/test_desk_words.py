"""One word for one thing at the desk (docs/glossary.md): the roster page, its CSV and its print
name a column alike, the report page and its CSV too, a party not yet checked in is 未受付 in
the CSV as on the page, and staff-side Japanese writes full-width （） and no space between a
number and its counter (9組（18人）), as a city office does."""

from __future__ import annotations

import csv
import io
import re

import polib
import pytest
from django.conf import settings
from django.test import Client

from booking.addresses import placeholder_email
from booking.models import ReservationStatus
from events.models import PartyCounting
from notifications.models import Notification
from staffdesk.services import check_in
from tests.factories import FacilityFactory, ProgramFactory, staff_user
from tests.staff.conftest import book_before, page_client, started_session

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
JAPANESE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
# Half-width ( ) around Japanese text, a date's weekday included: 12月5日（土）, as official
# notices write it (core.dates, shared with the parents' pages and the emails).
HALF_WIDTH_ASIDE = re.compile(rf"\([^()\n]*[{JAPANESE}][^()\n]*\)")
# A number spaced from its counter: "9 組", "18 人", "1 件".
SPACED_COUNTER = re.compile(r"\d[ \u00a0]+[組人件名]")
# A label spaced from its count: "当選 2組", "開催回 3件" (the desk writes 当選2組, 送信失敗1件).
SPACED_COUNT = re.compile(rf"[{JAPANESE}][ \u00a0]+\d+[組人件名席回日]")
# A half-width colon after Japanese: "配慮事項: 車いす", or ending a checkbox's label "通知する:".
HALF_WIDTH_COLON = re.compile(rf"[{JAPANESE}]:(\s|$)", re.MULTILINE)
# A space after a Japanese full stop inside one element's text: two strings set side by side
# in a template, "件。 申込締切は" (read in the HTML: between elements the space is the page's).
SPACE_AFTER_FULL_STOP = re.compile(r"。[ \u00a0\n]+[^\s<{]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]")
# A page column that the CSV splits into several columns.
SPLIT_IN_THE_CSV = {
    "参加人数": ["大人", "子ども", "子どもの月齢"],
    "連絡先": ["電話番号", "メールアドレス"],
}


def parse_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column_headers(html: str, table_class: str) -> list[str]:
    table = html[html.index(f'<table class="{table_class}"') :]
    head = table[: table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def desk(manager_a, facility_a):
    """A session under way: one party checked in, one not yet (its email failed), one cancelled."""
    session = started_session(facility=facility_a)
    session.capacity = 4
    session.save(update_fields=["capacity"])
    came = book_before(
        session, name="山田 花子", name_kana="やまだ はなこ", email="came@example.jp"
    ).reservation
    expected = book_before(
        session,
        name="佐藤 葵",
        name_kana="さとう あおい",
        email="expected@example.jp",
        children=1,
        children_ages=[14],
        needs=["allergy"],
        needs_detail="卵",
    ).reservation
    gone = book_before(session, name="鈴木 一郎", name_kana="すずき いちろう").reservation
    gone.status = ReservationStatus.CANCELLED
    gone.save(update_fields=["status"])
    check_in(session=session, reservation=came, by=manager_a)
    Notification.objects.filter(reservation=expected).update(status="failed")
    return session, came, expected, gone


@pytest.mark.django_db
def test_the_roster_page_print_and_csv_name_each_column_alike(manager_a, desk):
    session = desk[0]
    client = page_client(manager_a)
    # Without childcare the page leaves out its empty 託児 column; the print and CSV keep it.
    without = client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode()
    assert "託児" not in column_headers(without, "roster")
    session.childcare_capacity = 2
    session.save(update_fields=["childcare_capacity"])
    page = column_headers(
        client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode(), "roster"
    )
    printed = column_headers(
        client.get(f"/staff/sessions/{session.pk}/print/", **JA).content.decode(), "sheet"
    )
    csv_headers = parse_csv(client.get(f"/staff/sessions/{session.pk}/roster.csv"))[0]
    assert page == [
        "予約番号",
        "氏名",
        "参加人数",
        "託児",
        "連絡先",
        "備考",
        "予約状況",
        "通知メール",
        "出欠",
    ]
    for word in page:
        assert set(SPLIT_IN_THE_CSV.get(word, [word])) <= set(csv_headers), (word, csv_headers)
    # The print's columns are the page's (its running number and signature are the paper's).
    assert set(printed) - {"No.", "署名"} <= set(page), printed


@pytest.mark.django_db
def test_the_roster_page_print_and_csv_write_the_names_of_those_who_come_alike(
    manager_a, facility_a
):
    """Where a programme asks them (asks_attendee_names), the page and the print write the names
    on the party's name line (参加者：…), no column of their own to push the check-in out of a
    tablet's sight; the CSV has its column, 参加者氏名, joined with the same 、."""
    program = ProgramFactory(
        asks_attendee_names=True, max_adults=2, party_counting=PartyCounting.ADULTS_ONLY
    )
    session = started_session(facility=facility_a, program=program)
    party = book_before(
        session, adults=2, attendee_names=("西郷 隆盛", "大久保 利通"), email="s@example.jp"
    ).reservation
    joined = "西郷 隆盛、大久保 利通"
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode()
    printed = client.get(f"/staff/sessions/{session.pk}/print/", **JA).content.decode()
    rows = parse_csv(client.get(f"/staff/sessions/{session.pk}/roster.csv"))
    assert "参加者氏名" not in column_headers(html, "roster") + column_headers(printed, "sheet")
    row = html[html.index(f'id="r-{party.code}"') :]
    assert joined in row[: row.index("</tr>")]
    assert joined in printed[printed.index("<tbody>") : printed.index("</tbody>")]
    assert dict(zip(rows[0], rows[1], strict=True))["参加者氏名"] == joined


@pytest.mark.django_db
def test_the_csv_says_mi_uketsuke_for_a_party_not_yet_checked_in(manager_a, desk):
    session, came, expected, gone = desk
    client = page_client(manager_a)
    rows = parse_csv(client.get(f"/staff/sessions/{session.pk}/roster.csv", {"scope": "all"}))
    by_code = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_code[came.code]["出欠"] == "出席"
    assert by_code[expected.code]["出欠"] == "未受付"
    assert by_code[gone.code]["出欠"] == ""  # a cancelled party is not expected at the door
    html = client.get(f"/staff/sessions/{session.pk}/", {"scope": "all"}, **JA).content.decode()
    row = html[html.index(f'id="r-{expected.code}"') :]
    assert '<span class="state" data-state>未受付</span>' in row[: row.index("</tr>")]
    day = session.start.date().isoformat()
    export = parse_csv(
        client.get("/api/v1/staff/export/", {"format": "csv", "from": day, "to": day})
    )
    code = export[0].index("予約番号")
    by_code = {row[code]: dict(zip(export[0], row, strict=True)) for row in export[1:]}
    assert by_code[expected.code]["出欠"] == "未受付" and by_code[came.code]["出欠"] == "出席"


@pytest.mark.django_db
def test_an_email_no_longer_needed_is_not_said_to_have_no_address(manager_a, desk):
    """An email the outbox skipped as out of date (the session had started when its turn came)
    reads 送信不要 beside the party's address: メールなし there sent staff to look for a phone
    number they did not need. One skipped for want of an address still reads メールなし."""
    session, came, expected, gone = desk
    Notification.objects.filter(reservation=came).update(
        status="skipped", last_error="session already started"
    )
    Notification.objects.filter(reservation=expected).update(
        status="skipped",
        last_error="no email address",
        to_email=placeholder_email("erased.invalid"),
    )
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode()

    def row(code: str) -> str:
        found = html[html.index(f'id="r-{code}"') :]
        return visible_text(found[: found.index("</tr>")])

    assert "送信不要" in row(came.code) and "メールなし" not in row(came.code)
    assert "メールなし" in row(expected.code) and "送信不要" not in row(expected.code)
    party = client.get(f"/staff/sessions/{session.pk}/parties/{came.code}/", **JA)
    assert "予約確定（送信不要）" in visible_text(party.content.decode())
    rows = parse_csv(client.get(f"/staff/sessions/{session.pk}/roster.csv"))
    by_code = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_code[came.code]["通知メール"] == "予約確定：送信不要"
    assert by_code[expected.code]["通知メール"] == "予約確定：メールなし"
    english = client.get(f"/staff/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Not needed" in visible_text(english.content.decode())


@pytest.mark.django_db
def test_the_report_page_names_its_columns_as_the_csv_does():
    client = Client()
    client.force_login(staff_user(FacilityFactory()))
    html = client.get("/staff/report/", {"fiscal_year": "2026"}, **JA).content.decode()
    page = column_headers(html, "list report")
    csv_headers = parse_csv(client.get("/staff/report.csv", {"fiscal_year": "2026"}))[0]
    # The CSV's first column is the fiscal year, which the page says in its heading.
    assert page == csv_headers[1:]
    assert "繰り上げ組数" in page
    totals = html[html.index('<dl class="totals">') : html.index("</dl>")]
    assert "<dt>繰り上げ組数</dt>" in totals
    # The year's totals name their figures as the table's columns do, parties included.
    labels = re.findall(r"<dt>([^<]*)</dt>", totals)
    assert {"予約組数", "出席組数"} <= set(labels) and set(labels) <= set(page)


@pytest.mark.django_db
def test_staff_pages_write_full_width_brackets_and_counters_as_japanese_does(manager_a, desk):
    session, came, expected, _gone = desk
    client = page_client(manager_a)
    pages = {
        "roster": f"/staff/sessions/{session.pk}/?scope=all",
        "print": f"/staff/sessions/{session.pk}/print/",
        "slip": f"/staff/sessions/{session.pk}/slips/{expected.code}/",
        "audit": f"/staff/sessions/{session.pk}/audit/",
        "change": f"/staff/sessions/{session.pk}/change/",
        "waiting list": f"/staff/sessions/{session.pk}/waiting-list/",
        "walk-in": f"/staff/sessions/{session.pk}/walk-in/",
        "phone": f"/staff/sessions/{session.pk}/phone/",
    }
    wrong = []
    for name, url in pages.items():
        html = client.get(url, **JA).content.decode()
        text = visible_text(html)
        for pattern in (HALF_WIDTH_ASIDE, SPACED_COUNTER, HALF_WIDTH_COLON):
            wrong += [f"{name}: {m.group()!r}" for m in pattern.finditer(text)]
        wrong += [f"{name}: {m.group()!r}" for m in SPACE_AFTER_FULL_STOP.finditer(html)]
    assert not wrong, "\n".join(wrong)
    printed = visible_text(client.get(pages["print"], **JA).content.decode())
    assert re.search(
        rf"定員：{session.capacity} ・ 組数：\d+ ・ 人数：\d+ ・ "
        r"印刷日時：\d{4}年\d{1,2}月\d{1,2}日（.）\d\d:\d\d",
        printed,
    ), printed[:600]
    roster = visible_text(client.get(pages["roster"], **JA).content.decode())
    assert "2組（3人）" in roster and "（1歳2か月）" in roster
    assert "送信失敗1件" in roster and "配慮事項：アレルギー（卵）" in roster


STAFF_ONLY = re.compile(
    r"^(staffdesk/|consultations/(staff_|templates/consultations/staff/)"
    r"|schedule/(?!templates/schedule/(printable_month|pdf_unavailable)\.html$))"
)


def test_staff_side_japanese_in_the_catalogue_writes_full_width_brackets_and_colons():
    """And a count right after its label or placeholder: 当選%(n)s組, 開催回%(n)s件."""
    po = polib.pofile(str(settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in po:
        paths = [path for path, _line in entry.occurrences]
        if entry.obsolete or not paths or not any(STAFF_ONLY.match(p) for p in paths):
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for pattern in (HALF_WIDTH_ASIDE, SPACED_COUNTER, SPACED_COUNT, HALF_WIDTH_COLON):
                if pattern.search(PLACEHOLDER.sub("1", text)):
                    wrong.append(f"{entry.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)
