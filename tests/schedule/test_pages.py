"""The schedule's pages: the staff's month view and series form, the parents' printable
calendar (HTML and PDF) with holidays, closed days, the address and a QR code."""

from __future__ import annotations

import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from pypdf import PdfReader

from events.models import Session
from schedule.models import ClosedDay, Series
from tests.factories import FacilityFactory, ProgramFactory, book, staff_user
from tests.schedule.series_setup import january_series, series_page_form

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def january(db):
    facility = FacilityFactory(slug="ribbon", name="りぼんかん", address="松阪市本町1-1")
    program = ProgramFactory(title="親子ふれあい遊び", slug="fureai")
    ClosedDay.objects.create(facility=facility, date=date(2027, 1, 21), name="館内点検")
    series, sessions = january_series(program, facility, weekdays=[1, 4])
    return facility, series, sessions


def test_the_staff_month_shows_seats_taken_and_the_series(january):
    facility, series, sessions = january
    book(sessions[0], now=sessions[0].registration_opens)
    client = Client()
    client.force_login(staff_user(facility))
    html = client.get(
        "/staff/schedule/", {"facility": "ribbon", "month": "2027-01"}
    ).content.decode()
    assert "2027年1月" in html
    assert ">1/15<" in html and html.count(">0/15<") == len(sessions) - 1
    assert "毎週月・木曜" in html and f"定期開催 {series.pk}" not in html  # named by its rule
    assert "成人の日" in html and "館内点検" in html
    assert "<title>月間予定：2027年1月 | 子育てイベント予約</title>" in html  # the site's one name


def test_the_months_mark_saturdays_and_sundays_and_name_each_days_weekday(january):
    """Saturdays blue and Sundays red as Japanese calendars mark them; each day carries its
    weekday too, which a phone shows in place of the weekdays' row (calendar.css)."""
    facility, _, _ = january
    client = Client()
    client.force_login(staff_user(facility))
    staff = client.get("/staff/schedule/", {"facility": "ribbon", "month": "2027-01"})
    parents = client.get("/facilities/ribbon/calendar/", {"month": "2027-01"})
    for html in (staff.content.decode(), parents.content.decode()):
        assert re.search(r'<th scope="col" class="sat">土</th><th scope="col" class="sun">', html)
        saturday = re.search(
            r'<td class="([^"]*)">\s*<div class="day-number">'
            r'<span class="in-grid">2</span><span class="in-list">1月2日（土）',
            html,
        )
        sunday = re.search(
            r'<td class="([^"]*)">\s*<div class="day-number">'
            r'<span class="in-grid">3</span><span class="in-list">1月3日（日）',
            html,
        )
        assert saturday and "sat" in saturday[1].split()
        assert sunday and {"sun", "holiday"} & set(sunday[1].split())


def test_another_facilitys_staff_get_not_found(january):
    client = Client()
    client.force_login(staff_user(FacilityFactory()))
    assert client.get("/staff/schedule/", {"facility": "ribbon"}).status_code == 404


def test_the_series_form_previews_unticks_and_publishes(january):
    facility, _series, _sessions = january
    client = Client()
    client.force_login(staff_user(facility))
    form = series_page_form()
    preview = client.post("/staff/schedule/series/new/", {**form, "action": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'value="2027-02-03"' in html
    assert "2月10日" in html and "2月24日" in html
    chosen = ["2027-02-03", "2027-02-10", "2027-02-24"]  # the 17th unticked
    published = client.post(
        "/staff/schedule/series/new/", {**form, "action": "publish", "date": chosen}
    )
    assert published.status_code == 302
    assert "month=2027-02" in published["Location"]
    series = Series.objects.latest("id")
    days = sorted(
        s.start.astimezone(TOKYO).date().isoformat()
        for s in Session.objects.filter(series_link__series=series)
    )
    assert days == chosen


def test_the_series_form_names_what_is_wrong(january):
    facility, _series, _sessions = january
    client = Client()
    client.force_login(staff_user(facility))
    answer = client.post(
        "/staff/schedule/series/new/",
        {"program": "fureai", "facility": "ribbon", "start_time": "13:00", "end_time": "12:00"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "error-summary" in html
    assert not Series.objects.filter(first_date__month=2).exists()


def test_the_printable_calendar_marks_holidays_closed_days_and_has_a_qr_code(january):
    html = Client().get("/facilities/ribbon/calendar/", {"month": "2027-01"}).content.decode()
    assert "成人の日" in html and "館内点検" in html and "年末年始" in html
    assert "松阪市本町1-1" in html
    assert "<svg" in html and "/?facility=ribbon" in html
    assert html.count('class="time"') == 6  # Mondays and Thursdays; the 11th and 21st off


def test_the_pdf_is_one_a4_page_in_japanese(january):
    answer = Client().get("/facilities/ribbon/calendar/", {"month": "2027-01", "format": "pdf"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace("\n", "")  # a narrow cell wraps titles
    assert "成人の日" in text and "親子ふれあい遊び" in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(max(width, height) / 72 * 25.4) == 297  # A4 landscape


def test_one_client_renders_a_few_pdfs_an_hour_not_hundreds(january, settings):
    # A PDF costs about a second of a core: an unthrottled client could keep the workers busy.
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "pdf_render_ip": "1/hour"}
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    query = {"month": "2027-01", "format": "pdf"}
    assert client.get("/facilities/ribbon/calendar/", query).status_code == 200
    refused = client.get("/facilities/ribbon/calendar/", query)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # The page itself, to print from the browser, stays open.
    assert client.get("/facilities/ribbon/calendar/", {"month": "2027-01"}).status_code == 200


def test_a_session_page_links_to_its_facilitys_printable_calendar(january):
    _facility, _series, sessions = january
    html = Client().get(f"/sessions/{sessions[0].pk}/").content.decode()
    assert 'href="/facilities/ribbon/calendar/"' in html
