"""The printed month fits one A4 sheet even at its fullest: six weeks (May 2027), three
sessions a weekday with long titles, a long facility name and address."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, time

import pytest
from django.test import Client
from pypdf import PdfReader

from schedule.services import SeriesPattern, series_publish
from tests.browser import ARTIFACTS
from tests.factories import FacilityFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_a_full_six_week_month_prints_on_one_a4_page():
    facility = FacilityFactory(
        slug="ribbon",
        name="鹿児島市すこやか子育て交流館（りぼんかん）地域子育て支援拠点",
        address="鹿児島県鹿児島市山下町15番1号 鹿児島市中央保健センター・すこやか子育て交流館 3階",
        phone="099-000-0000",
    )
    titles = ["年齢別 親子ふれあい遊び（0〜1歳）", "離乳食教室（中期・後期）", "しごと相談カフェ"]
    for i, title in enumerate(titles):
        series_publish(
            SeriesPattern(
                program=ProgramFactory(slug=f"p{i}", title=title),
                facility=facility,
                weekdays=[1, 2, 3, 4, 5],
                start_time=time(10 + 2 * i),
                end_time=time(11 + 2 * i),
                first_date=date(2027, 5, 1),
                last_date=date(2027, 5, 31),
                capacity=15,
            )
        )
    answer = Client().get("/facilities/ribbon/calendar/", {"month": "2027-05", "format": "pdf"})
    assert answer.status_code == 200
    reader = PdfReader(io.BytesIO(answer.content))
    text = reader.pages[0].extract_text().replace("\n", "")
    assert "こどもの日" in text and "憲法記念日" in text
    assert len(reader.pages) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "schedule-calendar-full-month.pdf"
    pdf.write_bytes(answer.content)
    if shutil.which("pdftoppm"):  # to look at: test-artifacts/schedule-calendar-full-month.png
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
            check=True,
            timeout=60,
        )
