"""What the staff API lists and exports: a session's roster in JSON and in CSV for Excel
(search, sort, scope), its audit log, today's sessions and the export of a date range."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from staffdesk.csv_files import EXPORT_HEADERS, ROSTER_HEADERS
from staffdesk.models import StaffAction
from tests.factories import SessionFactory, book
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db


def parse_csv(response) -> list[list[str]]:
    """Parse a CSV answer as Excel would: check BOM and CRLF, return the rows."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    text = raw.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # Every record ends in CRLF (a line break inside a quoted cell stays LF, as Excel writes it).
    assert text.endswith("\r\n") and text.count("\r\n") == len(rows), "records must end in CRLF"
    return rows


def test_roster_json_lists_parties_with_attendance_and_notification(api_a, facility_a):
    session = started_session(facility=facility_a)
    a = book_before(
        session,
        name="鈴木 一郎",
        name_kana="すずき いちろう",
        email="a@example.jp",
        phone="090-1111-2222",
        adults=2,
        children=1,
        children_ages=[10],
    ).reservation
    b = book_before(session, name="青木 花", name_kana="アオキ ハナ", email="b@example.jp")
    api_a.post(f"/api/v1/sessions/{session.pk}/check-in/", {"code": a.code}, format="json")
    body = api_a.get(f"/api/v1/sessions/{session.pk}/roster/").json()
    assert body["session"]["id"] == session.pk
    assert (body["parties"], body["people"], body["attended"]) == (2, 4, 1)
    # Sorted by kana, hiragana and katakana alike: あおき before すずき.
    assert [r["code"] for r in body["rows"]] == [b.reservation.code, a.code]
    row = body["rows"][1]
    assert row["name"] == "鈴木 一郎" and row["name_kana"] == "すずき いちろう"
    assert (row["adults"], row["children"], row["children_ages"]) == (2, 1, [10])
    assert row["phone"] == "090-1111-2222" and row["email"] == "a@example.jp"
    assert (row["status"], row["attendance"]) == ("attended", "attended")
    assert row["notification"]["kind"] == "confirmed"
    assert row["notification"]["status"] == "pending"
    by_code = api_a.get(f"/api/v1/sessions/{session.pk}/roster/?sort=code").json()
    assert [r["code"] for r in by_code["rows"]] == sorted([a.code, b.reservation.code])


def test_roster_search_matches_kana_in_either_script_name_code_and_phone(api_a, session_a):
    a = book(
        session_a, name="鈴木 一郎", name_kana="スズキ イチロウ", email="a@example.jp"
    ).reservation
    b = book(session_a, name="青木 花", phone="099-123-4567", email="b@example.jp").reservation
    url = f"/api/v1/sessions/{session_a.pk}/roster/?q="

    def codes(q):
        return [r["code"] for r in api_a.get(url + q).json()["rows"]]

    assert codes("すずき") == [a.code]  # hiragana finds katakana
    assert codes("鈴木") == [a.code]
    assert codes(b.code.lower()) == [b.code]
    assert codes("123-4567") == [b.code]
    assert codes("だれも") == []


def test_roster_scope_all_adds_the_waiting_list_and_cancellations(api_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    waiting = book(session_a, email="w@example.jp").reservation
    active = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/").json()["rows"]
    everyone = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?scope=all").json()["rows"]
    assert waiting.code not in [r["code"] for r in active]
    assert waiting.code in [r["code"] for r in everyone]


@pytest.mark.parametrize("query", ["scope=true", "sort=name", "scope=ALL"])
def test_roster_refuses_an_unknown_sort_or_scope(api_a, session_a, query):
    response = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert response.json()["code"] == "invalid" and response.json()["fields"][name]
    en = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["fields"][name] == [
        "Choose one of: kana, code." if name == "sort" else "Choose one of: active, all, applied."
    ]


def test_roster_blank_sort_and_scope_are_the_defaults(api_a, session_a):
    blank = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?sort=&scope=").json()
    assert (blank["sort"], blank["scope"]) == ("kana", "active")


def test_roster_csv_opens_in_japanese_excel(api_a, session_a):
    names = ["山田 花子", "佐藤 太郎", '=HYPERLINK("x")']
    for i, name in enumerate(names):
        book(session_a, name=name, email=f"p{i}@example.jp", notes="アレルギー: 卵\n2行目")
    response = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?format=csv")
    assert response.status_code == 200
    rows = parse_csv(response)
    assert rows[0] == ROSTER_HEADERS
    assert rows[0][:3] == ["No.", "予約番号", "氏名"]
    assert len(rows) == 1 + len(names)
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert {r[2] for r in rows[1:]} == {"山田 花子", "佐藤 太郎", '\'=HYPERLINK("x")'}
    notes, status = ROSTER_HEADERS.index("備考"), ROSTER_HEADERS.index("予約状況")
    assert {r[notes] for r in rows[1:]} == {"アレルギー: 卵\n2行目"}  # a quoted multi-line cell
    assert {r[status] for r in rows[1:]} == {"予約確定"}
    assert StaffAction.objects.get(kind="export").after["rows"] == 3
    # Accept: text/csv works the same as ?format=csv.
    accept = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/", HTTP_ACCEPT="text/csv")
    assert parse_csv(accept) == rows


def test_csv_errors_keep_the_json_error_body(api_a, session_b):
    response = api_a.get(f"/api/v1/sessions/{session_b.pk}/roster/?format=csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_unknown_format_is_refused(api_a, session_a):
    response = api_a.get(f"/api/v1/sessions/{session_a.pk}/roster/?format=xlsx")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_format"
    assert response.json()["formats"] == ["json", "csv"]


def test_audit_log_api_lists_actions_newest_first(api_a, facility_a, manager_a):
    session_a = started_session(facility=facility_a)
    r = book_before(session_a).reservation
    url = f"/api/v1/sessions/{session_a.pk}/check-in/"
    api_a.post(url, {"code": r.code}, format="json")
    api_a.post(url, {"code": r.code, "attended": False}, format="json")
    log = api_a.get(f"/api/v1/sessions/{session_a.pk}/audit-log/").json()
    assert [(a["what"], a["who"], a["reservation"]) for a in log] == [
        ("check_in_undo", "staff:manager-a", r.code),
        ("check_in", "staff:manager-a", r.code),
    ]
    assert log[1]["before"]["attendance"] == "" and log[1]["after"]["attendance"] == "attended"


def test_today_api_counts_seats_waiting_and_checked_in(api_a, facility_a):
    session = started_session(facility=facility_a, capacity=2)
    r = book_before(session, email="a@example.jp").reservation
    book_before(session, email="b@example.jp")
    now = session.start - timedelta(days=7)
    book(session, email="w@example.jp", now=now)
    api_a.post(f"/api/v1/sessions/{session.pk}/check-in/", {"code": r.code}, format="json")
    day = timezone.localdate(session.start)
    [row] = api_a.get(f"/api/v1/staff/today/?date={day}").json()
    assert row["id"] == session.pk
    assert (row["seats_taken"], row["capacity"], row["waitlist_length"], row["checked_in"]) == (
        2,
        2,
        1,
        1,
    )
    bad = api_a.get("/api/v1/staff/today/?date=2026-13-40")
    assert bad.status_code == 400 and "date" in bad.json()["fields"]
    # Blank parameters (a form's empty fields) mean today and all of mine, as documented.
    assert api_a.get("/api/v1/staff/today/?date=&facility=").json() == [row]


def test_export_csv_of_a_date_range(api_a, facility_a):
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    inside = [SessionFactory(facility=facility_a, start=base + timedelta(days=d)) for d in (0, 3)]
    outside = SessionFactory(facility=facility_a, start=base + timedelta(days=40))
    for s in inside + [outside]:
        for i in range(3):
            book_before(s, email=f"e{s.pk}-{i}@example.jp", name=f"参加者{s.pk}-{i}")
    day = timezone.localdate(base)
    response = api_a.get(
        f"/api/v1/staff/export/?format=csv&from={day}&to={day + timedelta(days=5)}"
    )
    rows = parse_csv(response)
    assert rows[0] == EXPORT_HEADERS and rows[0][:2] == ["開催日", "開始"]
    assert len(rows) == 1 + 6
    session_id = rows[0].index("開催回ID")
    assert {r[session_id] for r in rows[1:]} == {str(s.pk) for s in inside}
    assert rows[1][rows[0].index("事業")] == inside[0].program.title
    assert rows[1][0] == timezone.localtime(inside[0].start).strftime("%Y/%m/%d")
    action = StaffAction.objects.get(kind="export")
    assert action.after["what"] == "date_range" and action.after["rows"] == 6
    too_long = api_a.get(f"/api/v1/staff/export/?from={day}&to={day + timedelta(days=800)}")
    assert too_long.status_code == 400
