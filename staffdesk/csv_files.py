"""CSV files for staff: a session's roster, a date range of parties, the attendance report.

The files are made for Japanese Excel and LibreOffice: UTF-8 with a byte order mark (without
it Excel reads UTF-8 as Shift_JIS and shows mojibake), CRLF line ends, and Japanese column
headers and values. The headers are the file format the city receives, not interface text, so
they are fixed here in Japanese whatever the language of the page that asked for the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from notifications.models import Notification
from staffdesk.selectors import ExportRow, Report, Roster, RosterRow
from staffdesk.services import is_walk_in_placeholder

BOM = "\ufeff"

STATUS_JA = {
    "confirmed": "予約確定",
    "waitlisted": "キャンセル待ち",
    "applied": "抽選申込",
    "won": "当選（確認待ち）",
    "cancelled": "キャンセル",
    "lapsed": "失効",
    "attended": "出席",
    "no_show": "欠席",
}
ATTENDANCE_JA = {"attended": "出席", "no_show": "欠席", "": ""}
NOTIFICATION_KIND_JA = {
    "confirmed": "予約確定",
    "waitlisted": "キャンセル待ち",
    "applied": "抽選申込受付",
    "promoted": "繰り上げ",
    "lottery_won": "当選",
    "lottery_not_drawn": "落選",
    "cancelled": "キャンセル",
    "session_changed": "日時・場所変更",
    "session_cancelled": "開催中止",
    "reminder": "リマインダー",
    "my_reservations": "予約一覧リンク",
    "feed_link": "カレンダー購読リンク",
}
NOTIFICATION_STATUS_JA = {
    "pending": "送信待ち",
    "sending": "送信中",
    "sent": "送信済み",
    "failed": "送信失敗",
    "skipped": "送信なし",
}

PARTY_HEADERS = [
    "予約番号",
    "氏名",
    "ふりがな",
    "大人",
    "子ども",
    "子どもの月齢",
    "託児",
    "電話番号",
    "メールアドレス",
    "備考",
    "予約状況",
    "出欠",
    "通知",
]
ROSTER_HEADERS = ["No."] + PARTY_HEADERS
EXPORT_HEADERS = ["開催日", "開始", "終了", "施設", "事業", "回"] + PARTY_HEADERS
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
    "参加組数",
    "延べ参加者数",
    "欠席組数",
    "キャンセル組数",
    "キャンセル待ち繰り上げ",
    "充足率（%）",
]

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def notification_text(notification: Notification | None) -> str:
    if notification is None:
        return ""
    kind = NOTIFICATION_KIND_JA.get(notification.kind, notification.kind)
    status = NOTIFICATION_STATUS_JA.get(notification.status, notification.status)
    return f"{kind}：{status}"


def _party_cells(reservation, attendance: str, notification: Notification | None) -> list[Any]:
    email = "" if is_walk_in_placeholder(reservation.email) else reservation.email
    return [
        reservation.code,
        reservation.name,
        reservation.name_kana,
        reservation.adults,
        reservation.children,
        "・".join(f"{age}か月" for age in reservation.children_ages or []),
        reservation.childcare,
        reservation.phone,
        email,
        reservation.notes,
        STATUS_JA.get(reservation.status, reservation.status),
        ATTENDANCE_JA.get(attendance, attendance),
        notification_text(notification),
    ]


def roster_csv(roster: Roster) -> bytes:
    rows = (
        [number, *_party_cells(row.reservation, row.attendance, row.notification)]
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
            s.display_title,
            s.pk,
            *_party_cells(r, item.attendance, None),
        ]

    return csv_bytes(EXPORT_HEADERS, (cells(item) for item in rows))


def report_csv(report: Report) -> bytes:
    fy = f"{report.fiscal_year}年度"

    def cells(facility: str, program: str, month: str, r) -> list[Any]:
        rate = "" if r.fill_rate is None else f"{r.fill_rate * 100:.1f}"
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
