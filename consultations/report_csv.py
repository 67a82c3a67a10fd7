"""The yearly consultation report as a CSV file for the city (相談件数: type by month).

Made as the staff desk's files are (``core.csv_files``: UTF-8 with a BOM, CRLF, for Japanese
Excel) and, like them, in Japanese whatever the language of the page or request that asked for
it: a header says what the report page's column says in Japanese (相談の種類, 合計, 相談済み,
欠席; docs/glossary.md), and a facility's and a type's names are the Japanese ones staff entered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from consultations.reports import TypeRow, YearReport
from core.csv_files import csv_bytes
from events.selectors import text_in

MONTH_HEADERS = [f"{month}月" for month in (*range(4, 13), *range(1, 4))]
HEADERS = ["施設", "相談の種類", *MONTH_HEADERS, "合計", "相談済み", "欠席"]
TOTAL = "合計"


def year_csv(report: YearReport) -> bytes:
    """One row per consultation type (its facility first), then the year's totals."""
    japanese = settings.LANGUAGE_CODE

    def cells(row: TypeRow) -> list[Any]:
        kind = row.kind
        return [
            text_in(kind.facility, "name", japanese),
            text_in(kind, "title", japanese),
            *row.months,
            row.total,
            row.done,
            row.no_show,
        ]

    rows = [cells(row) for row in report.rows]
    rows.append([TOTAL, "", *report.totals, report.total, report.done, report.no_show])
    return csv_bytes(HEADERS, rows)


def year_csv_name(report: YearReport) -> str:
    """consultation-report-2026.csv, or consultation-report-2026-ribbonkan.csv for one facility."""
    suffix = f"-{report.facility.slug}" if report.facility else ""
    return f"consultation-report-{report.fiscal_year}{suffix}.csv"
