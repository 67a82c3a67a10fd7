"""Dates on the staff pages are written in the page's language (core.dates, as the parents'
pages and the emails write them): Japanese exactly as before, English and the others in their
own forms, never 2026年12月6日(Sun)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import dates
from schedule.models import ClosedDay
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user
from tests.schedule.series_setup import january_series
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
# A digit then 年, 月 or 日: a date written the Japanese way (facility names may hold the kanji).
JAPANESE_DATE = re.compile(r"\d\s*[年月日]")


@pytest.fixture
def desk():
    """A manager and a session on Saturday 7 December 2030, 10:00 to 11:30 Japan time."""
    facility = FacilityFactory(slug="ribbon", name="すこやか子育て交流館")
    start = datetime(2030, 12, 7, 10, tzinfo=TOKYO)
    session = SessionFactory(
        facility=facility,
        program=ProgramFactory(title="親子ふれあい遊び", slug="fureai"),
        start=start,
        end=start + timedelta(minutes=90),
        capacity=10,
    )
    manager = staff_user(facility)
    client = page_client(manager)
    changed = client.post(
        f"/staff/sessions/{session.pk}/change/", {"action": "capacity", "capacity": 12}
    )
    assert changed.status_code == 302  # one line in the audit log
    return client, session


def get(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def text(html: str) -> str:
    """The page's text: tags dropped, spaces joined (the times sit in a nowrap span)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def desk_pages(client, session) -> dict[str, str]:
    return {
        "today": f"/staff/?date={session.start.astimezone(TOKYO):%Y-%m-%d}",
        "roster": f"/staff/sessions/{session.pk}/",
        "print": f"/staff/sessions/{session.pk}/print/",
        "audit": f"/staff/sessions/{session.pk}/audit/",
    }


def test_the_desk_pages_in_english_write_no_japanese_dates(desk):
    client, session = desk
    pages = {
        name: text(get(client, url, "en")) for name, url in desk_pages(client, session).items()
    }
    for name, page in pages.items():
        assert not JAPANESE_DATE.search(page), (name, JAPANESE_DATE.search(page))
    assert "Sat 7 Dec 2030" in pages["today"] and "10:00–11:30" in pages["today"]
    for name in ("roster", "print"):
        assert "Sat 7 Dec 2030, 10:00–11:30" in pages[name]
    assert "Check-in opens on the day of the session, Sat 7 Dec." in pages["roster"]
    assert re.search(r"\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d", pages["audit"])


def test_the_desk_pages_in_japanese_are_written_as_before(desk):
    client, session = desk
    pages = {
        name: text(get(client, url, "ja")) for name, url in desk_pages(client, session).items()
    }
    assert "2030年12月7日（土）" in pages["today"] and "10:00〜11:30" in pages["today"]
    for name in ("roster", "print"):
        assert "2030年12月7日（土）10:00〜11:30" in pages[name]
    assert "受付は開催当日の12月7日（土）から行えます。" in pages["roster"]
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日（[月火水木金土日]）\d\d:\d\d", pages["audit"])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "2030年12月7日（周六）10:00～11:30"),
        ("ko", "2030년 12월 7일 (토) 10:00~11:30"),
        ("pt-br", "sáb., 7 de dezembro de 2030, 10:00–11:30"),
        ("vi", "Thứ Bảy, 7/12/2030, 10:00–11:30"),
    ],
)
def test_the_session_header_in_the_other_languages(desk, language, expected):
    client, session = desk
    assert expected in text(get(client, f"/staff/sessions/{session.pk}/", language))


@pytest.fixture
def schedule_client():
    """A manager of a facility with a January 2027 series on Mondays and a closed day."""
    facility = FacilityFactory(slug="ribbon")
    program = ProgramFactory(slug="fureai", title="親子ふれあい遊び")
    manager = staff_user(facility)
    series, _sessions = january_series(program, facility, weekdays=[1], by=manager)
    ClosedDay.objects.create(facility=facility, date=date(2027, 3, 17), name="館内点検")
    return page_client(manager), series


def schedule_pages(series) -> dict[str, str]:
    return {
        "series": f"/staff/schedule/series/{series.pk}/",
        "closed": "/staff/schedule/closed-days/?facility=ribbon",
        "copy": "/staff/schedule/copy/?facility=ribbon&month=2027-01",
    }


def test_the_schedule_pages_in_english_write_no_japanese_dates(schedule_client):
    client, series = schedule_client
    pages = {name: text(get(client, url, "en")) for name, url in schedule_pages(series).items()}
    for name, page in pages.items():
        assert not JAPANESE_DATE.search(page), (name, JAPANESE_DATE.search(page))
    assert "Mon 4 Jan – Mon 25 Jan 10:00–11:00, capacity 15" in pages["series"]
    assert "Mon 4 Jan" in pages["series"] and "Mon 1 Feb" in pages["copy"]
    assert "Wed 17 Mar 2027" in pages["closed"]


def test_the_schedule_pages_in_japanese_are_written_as_before(schedule_client):
    client, series = schedule_client
    pages = {name: text(get(client, url, "ja")) for name, url in schedule_pages(series).items()}
    assert "1月4日（月）〜1月25日（月） 10:00〜11:00・定員15" in pages["series"]
    assert "1月4日（月）" in pages["series"] and "2月1日（月）" in pages["copy"]
    assert "2027年3月17日（水）" in pages["closed"]


@pytest.mark.parametrize(
    "language, expected",
    [
        ("ja", "12月7日（土）、12月14日（土）、12月21日（土）"),
        ("en", "Sat 7 Dec, Sat 14 Dec and Sat 21 Dec"),
        ("pt-br", "sáb. 7/12, sáb. 14/12 e sáb. 21/12"),
        ("vi", "Thứ Bảy 7/12, Thứ Bảy 14/12 và Thứ Bảy 21/12"),
    ],
)
def test_a_list_of_days_reads_with_one_comma_between_two_days(language, expected):
    """The schedule's clash error lists days; Portuguese and Vietnamese write a short day with
    a comma after its weekday (sáb., 7/12), which made such a list a row of commas."""
    days = [date(2030, 12, 7), date(2030, 12, 14), date(2030, 12, 21)]
    assert dates.format_days(days, language) == expected
