"""The report page writes fiscal years as a city office does (令和8年度（2026年度）) and says so
in a sentence when a year has no session yet, instead of drawing an empty chart."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from core.fiscal_years import japanese_fiscal_year
from core.templatetags.fiscal_years import fiscal_year
from tests.factories import FacilityFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "year, label",
    [
        (2026, "令和8年度（2026年度）"),
        (2019, "令和元年度（2019年度）"),
        (2018, "平成30年度（2018年度）"),
        (1989, "平成元年度（1989年度）"),
    ],
)
def test_fiscal_years_in_the_japanese_era(year, label):
    assert japanese_fiscal_year(year) == label


def test_fiscal_years_in_english():
    with translation.override("en"):
        assert fiscal_year(2026) == "FY2026 (April 2026 – March 2027)"


def test_a_year_without_sessions_says_so_instead_of_an_empty_chart():
    client = Client()
    client.force_login(staff_user(FacilityFactory()))
    html = client.get("/staff/report/", {"fiscal_year": "2026"}).content.decode()
    assert "令和8年度（2026年度）" in html
    assert 'data-testid="report-empty"' in html and "<svg" not in html


def test_the_table_names_its_columns_as_the_csv_does():
    """The month column is 月 (月間予定 is the schedule page's name), as in the CSV."""
    client = Client()
    client.force_login(staff_user(FacilityFactory()))
    html = client.get("/staff/report/", {"fiscal_year": "2026"}).content.decode()
    table = html[html.index('<table class="list report">') :]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    csv_text = client.get("/staff/report.csv", {"fiscal_year": "2026"}).content.decode("utf-8-sig")
    assert headers[:3] == csv_text.splitlines()[0].split(",")[1:4] == ["施設", "事業", "月"]
    assert "月間予定" not in table
