"""Staff API: what each endpoint answers and leaves in the database."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from events.models import Session
from notifications.models import Notification
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


def test_check_in_api_double_tap_and_undo(api_a, facility_a):
    session_a = started_session(facility=facility_a)
    r = book_before(session_a).reservation
    url = f"/api/v1/sessions/{session_a.pk}/check-in/"
    first = api_a.post(url, {"code": r.code}, format="json").json()
    second = api_a.post(url, {"code": r.code.lower()}, format="json").json()
    assert first == {
        "code": r.code,
        "status": "attended",
        "attendance": "attended",
        "changed": True,
        "attended_count": 1,
    }
    assert second["changed"] is False and second["attendance"] == "attended"
    undo = api_a.post(url, {"code": r.code, "attended": False}, format="json").json()
    assert undo["changed"] is True and undo["attendance"] == "" and undo["attended_count"] == 0
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED
    assert StaffAction.objects.filter(kind__in=["check_in", "check_in_undo"]).count() == 2


def test_check_in_api_before_the_session_day_is_409_and_changes_nothing(api_a, session_a):
    r = book(session_a).reservation
    url = f"/api/v1/sessions/{session_a.pk}/check-in/"
    response = api_a.post(url, {"code": r.code}, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 409
    body = response.json()
    assert (
        body["code"] == "check_in_not_open"
        and body["message"] == "受付は開催日の当日から行えます。"
    )
    assert body["opens_on"] == timezone.localdate(session_a.start).isoformat()
    english = api_a.post(url, {"code": r.code}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "Check-in opens on the day of the session."
    r.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED and not StaffAction.objects.exists()


def test_check_in_api_unknown_code_is_404_without_details(api_a, session_a, session_b):
    other = book(session_b, name="他館 花子").reservation
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/check-in/", {"code": other.code}, format="json"
    )
    assert response.status_code == 404
    assert "他館" not in response.content.decode()
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_walk_in_api_with_and_without_override(api_a, facility_a):
    session = started_session(facility=facility_a, capacity=2)
    book_before(session, adults=2)
    url = f"/api/v1/sessions/{session.pk}/walk-ins/"
    party = {"name": "飛込 花子", "adults": 1, "children": 1, "children_ages": [20]}
    refused = api_a.post(url, party, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "override_required"
    assert refused.json()["seats_left"] == 0
    assert Reservation.objects.filter(session=session).count() == 1
    accepted = api_a.post(url, {**party, "override_reason": "見学スペースで対応"}, format="json")
    assert accepted.status_code == 201, accepted.json()
    body = accepted.json()
    assert (body["status"], body["attendance"]) == ("attended", "attended")
    assert (body["session"]["capacity"], body["session"]["seats_taken"]) == (4, 4)
    walk_in = Reservation.objects.get(code=body["code"])
    assert walk_in.source == "walk_in" and walk_in.children_ages == [20]
    assert StaffAction.objects.get(kind="walk_in").reason == "見学スペースで対応"


def test_walk_in_api_validates_the_party(api_a, facility_a):
    session = started_session(facility=facility_a)
    response = api_a.post(
        f"/api/v1/sessions/{session.pk}/walk-ins/",
        {"name": "", "adults": 0, "children": 0, "childcare": 1},
        format="json",
    )
    assert response.status_code == 400
    assert {"name", "adults"} <= set(response.json()["fields"])
    assert not Reservation.objects.exists()


def test_move_api_tells_every_party(api_a, session_a):
    parties = [book(session_a, email=f"m{i}@example.jp").reservation for i in range(2)]
    start = (session_a.start + timedelta(days=1)).replace(microsecond=0)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/move/",
        {
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
            "reason": "講師都合",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["sequence"] == 1
    session_a.refresh_from_db()
    assert session_a.start == start
    for r in parties:
        assert Notification.objects.filter(reservation=r, kind="session_changed").count() == 1


def test_move_api_needs_a_reason(api_a, session_a):
    start = session_a.start + timedelta(days=1)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/move/",
        {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    session_a.refresh_from_db()
    assert session_a.sequence == 0


def test_cancel_api_cancels_and_queues_apologies(api_a, session_a):
    parties = [book(session_a, email=f"c{i}@example.jp").reservation for i in range(3)]
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/cancellation/", {"reason": "警報発令"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["seats_taken"] == 0
    assert set(Reservation.objects.values_list("status", flat=True)) == {"cancelled"}
    assert (
        Notification.objects.filter(
            reservation__in=parties, kind="session_cancelled", payload__reason="警報発令"
        ).count()
        == 3
    )
    again = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/cancellation/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "session_cancelled"


def test_capacity_api_refuses_below_taken_with_a_clear_message(api_a, session_a):
    book(session_a, adults=2, children=2)
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/capacity/",
        {"capacity": 3},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "capacity_below_taken"
    assert "4" in body["message"] and body["seats_taken"] == 4
    assert body["fields"]["capacity"]
    session_a.refresh_from_db()
    assert session_a.capacity == 10


def test_capacity_api_raise_promotes(api_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    waiting = book(session_a, email="w@example.jp").reservation
    response = api_a.post(
        f"/api/v1/sessions/{session_a.pk}/capacity/", {"capacity": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["promoted"] == [waiting.code]
    assert Notification.objects.filter(reservation=waiting, kind="promoted").exists()


def test_waiting_list_and_manual_promotion_api(api_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    w1 = book(session_a, email="w1@example.jp").reservation
    w2 = book(session_a, email="w2@example.jp").reservation
    url = f"/api/v1/sessions/{session_a.pk}/waiting-list/"
    body = api_a.get(url).json()
    assert [(p["position"], p["code"]) for p in body["waiting"]] == [(1, w1.code), (2, w2.code)]
    Session.objects.filter(pk=session_a.pk).update(capacity=2)
    no_reason = api_a.post(url + "promote/", {"code": w2.code, "reason": ""}, format="json")
    assert no_reason.status_code == 400
    promoted = api_a.post(
        url + "promote/", {"code": w2.code, "reason": "医師の指示"}, format="json"
    )
    assert promoted.status_code == 200
    assert [p["code"] for p in promoted.json()["waiting"]] == [w1.code]
    w2.refresh_from_db()
    assert w2.status == "confirmed"


def test_draw_api(api_a, facility_a):
    from events.models import BookingMode
    from tests.factories import ProgramFactory

    session = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY), capacity=1
    )
    for i in range(3):
        book(session, email=f"l{i}@example.jp")
    body = api_a.post(f"/api/v1/sessions/{session.pk}/lottery/draw/").json()
    assert body["draw"]["winners"] == 1 and body["draw"]["drawn"] == 3
    assert len(body["waiting"]) == 2 and body["applicants"] == []


def test_no_shows_api_before_start_is_refused(api_a, session_a):
    book(session_a)
    response = api_a.post(f"/api/v1/sessions/{session_a.pk}/no-shows/")
    assert response.status_code == 409 and response.json()["code"] == "session_not_started"


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
    assert {r[5] for r in rows[1:]} == {str(s.pk) for s in inside}
    assert rows[1][0] == timezone.localtime(inside[0].start).strftime("%Y/%m/%d")
    action = StaffAction.objects.get(kind="export")
    assert action.after["what"] == "date_range" and action.after["rows"] == 6
    too_long = api_a.get(f"/api/v1/staff/export/?from={day}&to={day + timedelta(days=800)}")
    assert too_long.status_code == 400


def test_every_staff_endpoint_is_in_the_openapi_schema(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    paths = schema["paths"]
    expected = {
        "/api/v1/sessions/{id}/roster/": "get",
        "/api/v1/sessions/{id}/check-in/": "post",
        "/api/v1/sessions/{id}/no-shows/": "post",
        "/api/v1/sessions/{id}/walk-ins/": "post",
        "/api/v1/sessions/{id}/move/": "post",
        "/api/v1/sessions/{id}/cancellation/": "post",
        "/api/v1/sessions/{id}/capacity/": "post",
        "/api/v1/sessions/{id}/waiting-list/": "get",
        "/api/v1/sessions/{id}/waiting-list/promote/": "post",
        "/api/v1/sessions/{id}/lottery/draw/": "post",
        "/api/v1/sessions/{id}/audit-log/": "get",
        "/api/v1/staff/today/": "get",
        "/api/v1/staff/export/": "get",
        "/api/v1/staff/report/": "get",
    }
    for path, method in expected.items():
        operation = paths[path][method]
        for status in ("401", "403", "404"):
            content = operation["responses"][status]["content"]
            assert content["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    roster = paths["/api/v1/sessions/{id}/roster/"]["get"]
    assert set(roster["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "format" in [p["name"] for p in roster["parameters"]]


def staff_state(session) -> tuple:
    """What a staff request could change: the session, its parties, the log and the outbox."""
    session.refresh_from_db()
    return (
        session.start,
        session.end,
        session.facility_id,
        session.capacity,
        session.status,
        session.sequence,
        sorted(Reservation.objects.values_list("code", "status", "name", "phone", "notes")),
        StaffAction.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("walk-ins", {"name": 12345}, "name"),
        ("walk-ins", {"name": "飛込 花子", "name_kana": True}, "name_kana"),
        ("walk-ins", {"name": "飛込 花子", "phone": 9012345678}, "phone"),
        ("walk-ins", {"name": "飛込 花子", "email": 5}, "email"),
        ("walk-ins", {"name": "飛込 花子", "notes": 1.5}, "notes"),
        ("walk-ins", {"name": "飛込 花子", "override_reason": -1}, "override_reason"),
        ("move", {"reason": -14139}, "reason"),
        ("move", {"reason": "講師都合", "facility": 1}, "facility"),
        ("cancellation", {"reason": -14139}, "reason"),
        ("cancellation", {"reason": False}, "reason"),
        ("capacity", {"capacity": 50, "reason": 7}, "reason"),
        ("check-in", {"code": 12345}, "code"),
        ("waiting-list/promote", {"code": 1234567, "reason": "電話で依頼"}, "code"),
        ("waiting-list/promote", {"code": "WAITING", "reason": ["電話"]}, "reason"),
    ],
)
def test_a_number_or_boolean_in_a_staff_text_field_is_400_and_changes_nothing(
    api_a, facility_a, path, body, field
):
    session = started_session(facility=facility_a, capacity=1)
    book_before(session, email="seated@example.jp")
    waiting = book_before(session, email="waiting@example.jp").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    if path == "move":
        start = session.start + timedelta(days=1)
        body = {**body, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    if body.get("code") == "WAITING":
        body = {**body, "code": waiting.code}
    before = staff_state(session)
    response = api_a.post(f"/api/v1/sessions/{session.pk}/{path}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and response.json()["message"]
    assert list(response.json()["fields"]) == [field]
    assert staff_state(session) == before


def test_a_staff_text_refusal_follows_the_request_language(api_a, session_a):
    url = f"/api/v1/sessions/{session_a.pk}/cancellation/"
    ja = api_a.post(url, {"reason": 1}, format="json", HTTP_ACCEPT_LANGUAGE="ja").json()
    en = api_a.post(url, {"reason": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert ja["fields"] == {"reason": ["文字列で指定してください。"]}
    assert ja["message"] == "入力内容に誤りがあります。"
    assert en["fields"] == {"reason": ["Not a valid string."]}
    assert en["message"] == "The request has invalid fields."
    session_a.refresh_from_db()
    assert session_a.status == "scheduled"


@pytest.mark.parametrize("facility", ["", None, "   "])
def test_a_move_naming_an_empty_facility_is_400_not_a_silent_200(api_a, facility_a, facility):
    session = started_session(facility=facility_a, capacity=5)
    start = session.start + timedelta(days=1)
    body = {
        "reason": "講師都合",
        "facility": facility,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }
    before = staff_state(session)
    response = api_a.post(f"/api/v1/sessions/{session.pk}/move/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["facility"]
    assert staff_state(session) == before
