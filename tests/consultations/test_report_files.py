"""The yearly consultation report as the city receives it: the page's CSV link, the file (UTF-8
with BOM, CRLF, Japanese headers whatever the page's language) and the staff API (JSON, or the
same file with ?format=csv), for the staff of a facility only.

Fiscal year 2025 runs from 1 April 2025 00:00 to 31 March 2026 24:00 in Japan time: an
appointment at 00:00 on 1 April is the year's first, one at 23:30 on 31 March the year before's
last, and one at 08:00 on 1 May Japan time (still 30 April in UTC) counts in May.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from consultations.models import AppointmentStatus, ConsultationType, Counsellor
from consultations.report_csv import HEADERS
from consultations.services import appointment_block
from events.models import StaffMembership, StaffRole
from tests.consultations.report_setup import held, tokyo
from tests.factories import FacilityFactory, staff_user

pytestmark = pytest.mark.django_db

YEAR = 2025
API = "/api/v1/staff/consultations/report/"
PAGE = "/staff/consultations/report/"
MONTHS = ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"]


@pytest.fixture
def year(kind, counsellor):
    """入園相談 at the staff's facility: April 1 (done), May 1 at 08:00 (booked), March 31 at
    23:30 (no-show); around them what the year does not count."""
    held(kind, counsellor, tokyo(2025, 3, 31, 23, 15), AppointmentStatus.DONE)  # FY2024
    held(kind, counsellor, tokyo(2025, 4, 1, 0, 0), AppointmentStatus.DONE)
    held(kind, counsellor, tokyo(2025, 5, 1, 8, 0), AppointmentStatus.BOOKED)
    held(kind, counsellor, tokyo(2025, 6, 10, 10, 0), AppointmentStatus.CANCELLED)
    appointment_block(counsellor=counsellor, start=tokyo(2025, 6, 11, 10, 0), minutes=60)
    held(kind, counsellor, tokyo(2026, 3, 31, 23, 30), AppointmentStatus.NO_SHOW)
    held(kind, counsellor, tokyo(2026, 4, 1, 0, 0), AppointmentStatus.BOOKED)  # FY2026


@pytest.fixture
def elsewhere(year):
    """Another facility's 保健師相談, with one consultation in June 2025."""
    facility = FacilityFactory(name="すこやか子育て交流館")
    counsellor = Counsellor.objects.create(facility=facility, role="nurse", display_name="保健師")
    kind = ConsultationType.objects.create(
        facility=facility, slug="hoken", title="保健師相談", minutes=30
    )
    kind.counsellors.add(counsellor)
    held(kind, counsellor, tokyo(2025, 6, 3, 10, 0), AppointmentStatus.DONE)
    return facility


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # the BOM: Excel reads the file as UTF-8
    text = content.decode("utf-8")
    assert text.count("\r\n") == text.count("\n")  # CRLF, and no bare LF
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def expected_rows(facility) -> list[list[str]]:
    months = ["1", "1"] + ["0"] * 9 + ["1"]
    return [
        HEADERS,
        [facility.name_ja, "入園相談", *months, "3", "1", "1"],
        ["合計", "", *months, "3", "1", "1"],
    ]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_headers_are_the_pages_japanese_words():
    assert HEADERS == ["施設", "相談の種類", *MONTHS, "合計", "相談済み", "欠席"]


def test_the_csv_says_what_the_pages_columns_say(year, facility):
    page = logged_in(staff_user(facility, StaffRole.VIEWER)).get(PAGE, {"fiscal_year": YEAR})
    columns = re.findall(r'<th scope="col">([^<]*)</th>', page.content.decode())
    assert columns == HEADERS[1:]  # the page names the facility beside each type's name


@pytest.mark.parametrize(
    "language, written",
    [("ja", "令和7年度（2025年度）"), ("en", "FY2025 (April 2025 – March 2026)")],
)
def test_the_page_writes_its_fiscal_year_as_the_attendance_report_does(facility, language, written):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    html = client.get(PAGE, {"fiscal_year": YEAR}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<small>{written}</small>" in html
    assert f'<option value="{YEAR}" selected>{written}</option>' in html


def test_the_page_links_its_csv_which_counts_booked_done_and_no_show_by_month(year, facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    page = client.get(PAGE, {"fiscal_year": YEAR})
    link = f'href="/staff/consultations/report.csv?fiscal_year={YEAR}"'
    assert page.status_code == 200 and link in page.content.decode()
    answer = client.get(f"/staff/consultations/report.csv?fiscal_year={YEAR}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == f'attachment; filename="consultation-report-{YEAR}.csv"'
    assert answer["Cache-Control"] == "no-store"
    assert rows_of(answer.content) == expected_rows(facility)


def test_the_page_and_its_csv_give_the_same_totals(year, facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    report = client.get(PAGE, {"fiscal_year": YEAR}).context["report"]
    assert (report.totals, report.total, report.done, report.no_show) == (
        [1, 1] + [0] * 9 + [1],
        3,
        1,
        1,
    )


def test_the_csv_is_in_japanese_whatever_the_pages_language(year, facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    client.cookies[settings.STAFF_LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE, {"fiscal_year": YEAR}).content.decode()
    assert "Consultation type" in page and "Apr" in page  # the page is in English
    answer = client.get("/staff/consultations/report.csv", {"fiscal_year": YEAR})
    assert rows_of(answer.content) == expected_rows(facility)


def test_the_page_and_csv_of_a_year_that_cannot_be_read_are_400(facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    for bad in ("２０２５", "1999", "abc"):
        for path in ("/staff/consultations/report.csv", "/staff/consultations/report/"):
            answer = client.get(path, {"fiscal_year": bad})
            assert answer.status_code == 400, (path, bad)
    # No year at all is this fiscal year, not an error.
    assert client.get("/staff/consultations/report/").status_code == 200


def test_the_api_answers_json_and_the_same_csv(year, facility):
    api = api_for(staff_user(facility, StaffRole.VIEWER))
    body = api.get(API, {"fiscal_year": YEAR}).json()
    assert body["fiscal_year"] == YEAR and body["facility"] is None
    assert body["months"][0] == "2025-04-01" and body["months"][-1] == "2026-03-01"
    assert body["rows"] == [
        {
            "facility": facility.name,
            "consultation": "nyuen",
            "title": "入園相談",
            "months": [1, 1] + [0] * 9 + [1],
            "total": 3,
            "done": 1,
            "no_show": 1,
        }
    ]
    assert body["totals"] == {"months": [1, 1] + [0] * 9 + [1], "total": 3, "done": 1, "no_show": 1}
    answer = api.get(API, {"fiscal_year": YEAR, "format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="consultation-report-{YEAR}.csv"'
    assert rows_of(answer.content) == expected_rows(facility)
    page_csv = logged_in(staff_user(facility, StaffRole.MANAGER)).get(
        "/staff/consultations/report.csv", {"fiscal_year": YEAR}
    )
    assert answer.content == page_csv.content


def test_the_api_refuses_a_fiscal_year_it_cannot_read(facility):
    api = api_for(staff_user(facility, StaffRole.VIEWER))
    for bad in ("２０２５", "٢٠٢٥", "1999", "2101", "2025.0", "-2025", "abc"):
        answer = api.get(API, {"fiscal_year": bad})
        assert answer.status_code == 400, bad
        assert answer.json()["code"] == "invalid"
        assert "fiscal_year" in answer.json()["fields"]
        csv_answer = api.get(API, {"fiscal_year": bad, "format": "csv"})
        assert csv_answer.status_code == 400
        assert csv_answer["Content-Type"].startswith("application/json")  # errors stay JSON
    unknown = api.get(API, {"format": "xml"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_format"


def test_only_staff_read_the_report(year):
    assert APIClient().get(API).status_code == 401
    parent = get_user_model().objects.create_user("parent", "parent@example.jp", "x")
    refused = api_for(parent).get(API, {"format": "csv"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert logged_in(parent).get("/staff/consultations/report.csv").status_code == 403
    assert Client().get("/staff/consultations/report.csv").status_code == 302  # to the login


def test_staff_of_another_facility_see_only_their_own_rows(year, facility, elsewhere):
    other = staff_user(elsewhere, StaffRole.MANAGER)
    body = api_for(other).get(API, {"fiscal_year": YEAR}).json()
    assert [row["title"] for row in body["rows"]] == ["保健師相談"]
    assert body["totals"]["total"] == 1
    text = api_for(other).get(API, {"fiscal_year": YEAR, "format": "csv"}).content.decode()
    assert "入園相談" not in text and facility.name_ja not in text
    mine = api_for(staff_user(facility, StaffRole.VIEWER)).get(API, {"fiscal_year": YEAR})
    assert [row["title"] for row in mine.json()["rows"]] == ["入園相談"]
    page_csv = logged_in(other).get("/staff/consultations/report.csv", {"fiscal_year": YEAR})
    assert "入園相談" not in page_csv.content.decode()


def test_a_facility_filter_takes_only_the_staffs_own_facility(year, facility, elsewhere):
    both = staff_user(facility, StaffRole.MANAGER)
    both.memberships.create(facility=elsewhere, role=StaffRole.VIEWER)
    api = api_for(both)
    rows = api.get(API, {"fiscal_year": YEAR}).json()["rows"]
    assert sorted(row["title"] for row in rows) == ["保健師相談", "入園相談"]
    one = api.get(API, {"fiscal_year": YEAR, "facility": elsewhere.slug})
    assert one.json()["facility"] == elsewhere.slug
    assert [row["title"] for row in one.json()["rows"]] == ["保健師相談"]
    named = api.get(API, {"fiscal_year": YEAR, "facility": elsewhere.slug, "format": "csv"})
    name = f"consultation-report-{YEAR}-{elsewhere.slug}.csv"
    assert named["Content-Disposition"] == f'attachment; filename="{name}"'
    outsider = api_for(staff_user(facility, StaffRole.VIEWER, username="only-here"))
    refused = outsider.get(API, {"fiscal_year": YEAR, "facility": elsewhere.slug})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert outsider.get(API, {"facility": "no-such-centre"}).status_code == 404
    page = logged_in(staff_user(facility, StaffRole.VIEWER, username="page-only-here"))
    url = "/staff/consultations/report.csv"
    assert page.get(url, {"facility": elsewhere.slug}).status_code == 404


def test_the_schema_documents_the_report_as_json_and_csv(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][API]["get"]
    assert operation["operationId"] == "staff_consultation_report"
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {p["name"] for p in operation["parameters"]} >= {"fiscal_year", "facility", "format"}
    for status in ("400", "401", "403", "404"):
        error = operation["responses"][status]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
    # Its own components: one named as the attendance report's would replace it in the schema.
    row = schema["components"]["schemas"]["ConsultationReportRow"]["properties"]
    assert {"facility", "consultation", "title", "months", "done", "no_show"} <= set(row)
    assert "sessions_held" in schema["components"]["schemas"]["ReportRow"]["properties"]


def test_staff_of_two_facilities_choose_one_on_the_page_and_its_csv_follows(
    year, elsewhere, facility
):
    both = staff_user(facility, StaffRole.VIEWER)
    StaffMembership.objects.create(user=both, facility=elsewhere, role=StaffRole.VIEWER)
    client = logged_in(both)
    page = client.get(PAGE, {"fiscal_year": YEAR}).content.decode()
    assert '<select name="facility">' in page
    assert "入園相談" in page and "保健師相談" in page
    one = client.get(PAGE, {"fiscal_year": YEAR, "facility": elsewhere.slug}).content.decode()
    assert "保健師相談" in one and "入園相談" not in one
    assert f'<option value="{elsewhere.slug}" selected>' in one
    csv_path = f"/staff/consultations/report.csv?fiscal_year={YEAR}&facility={elsewhere.slug}"
    assert f'href="{csv_path.replace("&", "&amp;")}"' in one
    rows = rows_of(client.get(csv_path).content)
    assert [row[1] for row in rows[1:-1]] == ["保健師相談"]


def test_staff_of_one_facility_get_no_choice_and_another_facility_is_not_found(year, facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    assert '<select name="facility">' not in client.get(PAGE).content.decode()
    other = FacilityFactory(name="親子つどいの広場")
    assert client.get(PAGE, {"facility": other.slug}).status_code == 404
