"""CSV files for staff: a session's roster, a date range of parties, the attendance report.

The files are made for Japanese Excel and LibreOffice: UTF-8 with a byte order mark (without
it Excel reads UTF-8 as Shift_JIS and shows mojibake), CRLF line ends, and Japanese column
headers and values. The files are the facility's own export, in Japanese whatever the language
of the page that asked for them; a header says what the page's column says for the same thing
(予約状況, 通知メール, 出欠, 繰り上げ組数: docs/glossary.md, tests/staff/test_desk_words.py).
The writer itself (BOM, CRLF, no formula cells) is ``core.csv_files``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from booking.addresses import receives_email
from booking.models import SEAT_HOLDING
from core.csv_files import csv_bytes
from core.fiscal_years import japanese_fiscal_year
from core.languages import listed
from events.selectors import priority_group_label_of
from events.templatetags.parent_pages import months_list
from notifications.models import Notification
from staffdesk.selectors import ExportRow, Report, Roster, RosterRow
from staffdesk.terms import (
    ATTENDANCE,
    NO_EMAIL,
    NOTIFICATION_KIND,
    RESERVATION_STATUS,
    in_japanese,
    percent,
    sending_term,
)

PARTY_HEADERS = [
    "予約番号",
    "氏名",
    "ふりがな",
    "大人",
    "子ども",
    "子どもの月齢",
    "託児",
    "出産予定日",
    "市内在住",
    "会社名・団体名",  # as the parents' form and the party's page say it
    "参加者氏名",  # a column of its own here; the pages write 参加者：… under the party's name
    "優先区分",
    "電話番号",
    "メールアドレス",
    "備考",
    "配慮事項",
    "予約状況",
    "出欠",
    "通知メール",
]
ROSTER_HEADERS = ["No."] + PARTY_HEADERS
# 事業 is the programme, as in the report's CSV; the session's own name (which may be the
# programme's) and its ID, the key a later export of the same session shares, follow.
EXPORT_HEADERS = [
    "開催日",
    "開始",
    "終了",
    "施設",
    "事業",
    "開催回の名称",
    "開催回ID",
] + PARTY_HEADERS
REPORT_HEADERS = [
    "年度",
    "施設",
    "事業",
    "月",
    "開催回数",
    "中止回数",
    "定員",
    "予約数（席）",
    "予約組数",
    "出席組数",
    "延べ参加者数",
    "欠席組数",
    "キャンセル組数",
    "繰り上げ組数",
    "充足率（%）",
]


def notification_text(notification: Notification | None) -> str:
    if notification is None:
        return ""
    kind = in_japanese(NOTIFICATION_KIND, notification.kind)
    with translation.override("ja"):
        status = sending_term(notification)
    return f"{kind}：{status}"


def no_email_text() -> str:
    with translation.override("ja"):
        return str(NO_EMAIL)


RESIDENT_JA = {True: "はい", False: "いいえ", None: ""}


def ages_ja(ages: list[int] | None) -> str:
    """Children's ages as the desk says them (1歳8か月、5か月), whatever the page's language."""
    with translation.override("ja"):
        return months_list(ages)


def needs_ja(reservation) -> str:
    with translation.override("ja"):
        return reservation.needs_text()


def attendees_ja(names: list[str] | None) -> str:
    """The names of those who come, joined as Japanese joins a list (山田 太郎、佐藤 次郎)."""
    with translation.override("ja"):
        return listed(names)


def priority_ja(program, key: str) -> str:
    return priority_group_label_of(program, key, "ja")


def attendance_ja(reservation, attendance: str) -> str:
    """出席 / 欠席, or 未受付 for a party holding a seat that has not come yet (blank for one
    on the waiting list, in a lottery or cancelled: nobody expects it at the door)."""
    if not attendance and reservation.status in SEAT_HOLDING:
        attendance = "expected"
    return in_japanese(ATTENDANCE, attendance)


def _party_cells(
    reservation, attendance: str, notification: Notification | None, program=None
) -> list[Any]:
    email = reservation.email if receives_email(reservation.email) else ""
    return [
        reservation.code,
        reservation.name,
        reservation.name_kana,
        reservation.adults,
        reservation.children,
        ages_ja(reservation.children_ages),
        reservation.childcare,
        reservation.due_date.strftime("%Y/%m/%d") if reservation.due_date else "",
        RESIDENT_JA[reservation.resident],
        reservation.company,
        attendees_ja(reservation.attendee_names),
        priority_ja(program, reservation.priority_group),
        reservation.phone,
        email,
        reservation.notes,
        needs_ja(reservation),
        in_japanese(RESERVATION_STATUS, reservation.status),
        attendance_ja(reservation, attendance),
        # A party booked without an address (phone, walk-in) is told nothing by email: メールなし.
        notification_text(notification) if email or notification else no_email_text(),
    ]


def roster_csv(roster: Roster) -> bytes:
    program = roster.session.program
    rows = (
        [number, *_party_cells(row.reservation, row.attendance, row.notification, program)]
        for number, row in enumerate(roster.rows, start=1)
    )
    return csv_bytes(ROSTER_HEADERS, rows)


def export_csv(rows: list[ExportRow]) -> bytes:
    def cells(item: ExportRow) -> list[Any]:
        s, r = item.session, item.reservation
        start, end = timezone.localtime(s.start), timezone.localtime(s.end)
        return [
            start.strftime("%Y/%m/%d"),
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            s.facility.name,
            s.program.title,
            s.display_title,
            s.pk,
            *_party_cells(r, item.attendance, None, s.program),
        ]

    return csv_bytes(EXPORT_HEADERS, (cells(item) for item in rows))


def report_csv(report: Report) -> bytes:
    fy = japanese_fiscal_year(report.fiscal_year)  # as the page's heading writes it

    def cells(facility: str, program: str, month: str, r) -> list[Any]:
        rate = percent(r.fill_rate)
        return [
            fy,
            facility,
            program,
            month,
            r.sessions_held,
            r.sessions_cancelled,
            r.capacity,
            r.reserved,
            r.reserved_parties,
            r.attended,
            r.attended_people,
            r.no_shows,
            r.cancellations,
            r.promotions,
            rate,
        ]

    rows = [
        cells(r.facility_name, r.program_title, f"{r.month.year}年{r.month.month}月", r)
        for r in report.rows
    ]
    rows.append(cells("合計", "", "", report.total))
    return csv_bytes(REPORT_HEADERS, rows)


def roster_row_cells(row: RosterRow) -> list[Any]:
    """One roster row as CSV cells (without the running number)."""
    return _party_cells(row.reservation, row.attendance, row.notification)
