"""What the schedule's pages say: a series by its rule, never its id; the header what holds
from which day; full-width colons after Japanese; the series form as the other staff forms
(必須 badges, the only facility preselected); a viewer told "no permission" as elsewhere."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from events.models import StaffRole
from schedule.models import ClosedDay
from schedule.naming import rule_label
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user
from tests.schedule.series_setup import january_series, series_page_form

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def facility():
    return FacilityFactory(slug="ribbon", name="健やか子育て交流会")


@pytest.fixture
def manager(facility):
    return staff_user(facility)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


@pytest.mark.parametrize(
    "weekdays, nth, ja, en",
    [
        ([3], [], "毎週水曜", "every Wed"),
        ([4, 1], [], "毎週月・木曜", "every Mon, Thu"),
        ([3], [4, 2], "第2・4水曜", "Wed of weeks 2, 4"),
    ],
)
def test_a_series_is_named_by_its_rule(weekdays, nth, ja, en):
    with translation.override("ja"):
        assert rule_label(weekdays, nth) == ja
    with translation.override("en"):
        assert rule_label(weekdays, nth) == en


def test_the_month_and_the_series_page_name_the_series_not_its_id(client, facility, manager):
    program = ProgramFactory(slug="bookstart", title="ブックスタート")
    series, _sessions = january_series(program, facility, weekdays=[3])
    client.force_login(manager)
    month = client.get("/staff/schedule/?facility=ribbon&month=2027-01").content.decode()
    assert f"定期開催 {series.pk}" not in month and f"Series {series.pk}" not in month
    href = f"/staff/schedule/series/{series.pk}/"
    link = re.search(rf'<a class="series" href="{href}"[^>]*>(.*?)</a>', month)
    assert link and link[1] == "毎週水曜"
    page = client.get(f"/staff/schedule/series/{series.pk}/").content.decode()
    assert "<h1>毎週水曜 10:00 ブックスタート <small>" in page
    assert "<title>毎週水曜 10:00 ブックスタート" in page and "定期開催 " not in page


def test_the_header_says_what_holds_from_which_day_after_a_change(client, facility, manager):
    program = ProgramFactory(title="ブックスタート")
    series, _sessions = january_series(program, facility, weekdays=[3])
    client.force_login(manager)
    before = client.get(f"/staff/schedule/series/{series.pk}/").content.decode()
    assert "<li>1月6日（水）〜1月27日（水） 10:00〜11:00・定員15</li>" in before
    changed = client.post(
        f"/staff/schedule/series/{series.pk}/",
        {
            "action": "change",
            "change-from_date": "2027-01-20",
            "change-start_time": "14:00",
            "change-end_time": "15:00",
            "change-capacity": "12",
            "confirm": "1",
        },
    )
    assert changed.status_code == 302
    after = client.get(f"/staff/schedule/series/{series.pk}/").content.decode()
    assert "<li>1月6日（水）〜1月13日（水） 10:00〜11:00・定員15</li>" in after
    assert "<li>1月20日（水）から 14:00〜15:00・定員12</li>" in after
    assert "<h1>毎週水曜 14:00 ブックスタート" in after


def test_japanese_labels_take_a_full_width_colon(client, facility, manager):
    program = ProgramFactory(slug="bookstart", title="ブックスタート")
    other = SessionFactory(facility=facility, start=at(date(2027, 2, 3), 10))
    client.force_login(manager)
    preview = client.post(
        "/staff/schedule/series/new/",
        series_page_form(
            program=program.slug, start_time="10:00", end_time="11:00", action="preview"
        ),
    ).content.decode()
    assert f"2月3日（水）：同じ時間に別の開催があります（{other.display_title}）" in preview
    assert "）: " not in preview

    SessionFactory(facility=facility, program=program, start=at(date(2026, 12, 22), 10))
    ClosedDay.objects.create(facility=facility, date=date(2027, 1, 26), name="館内点検")
    copy = client.get("/staff/schedule/copy/?facility=ribbon&month=2026-12").content.decode()
    assert "ブックスタート：休館日（" in copy and "ブックスタート: " not in copy


def test_the_series_form_marks_required_fields_and_preselects_the_only_facility(
    client, facility, manager
):
    ProgramFactory(slug="bookstart", title="ブックスタート")
    client.force_login(manager)
    html = client.get("/staff/schedule/series/new/").content.decode()
    assert '<span class="required-mark">必須</span>' in html and "（必須）" not in html
    facility_select = re.search(r'<select name="facility".*?</select>', html, re.S)[0]
    assert '<option value="ribbon" selected>' in facility_select
    assert "---------" not in facility_select


def test_the_month_views_facility_is_preselected_when_staff_manage_several(client, facility):
    second = FacilityFactory(slug="sakura")
    manager = staff_user(facility, username="two-centres")
    manager.memberships.create(facility=second, role=StaffRole.MANAGER)
    client.force_login(manager)
    month = client.get("/staff/schedule/?facility=sakura").content.decode()
    assert 'href="/staff/schedule/series/new/?facility=sakura"' in month
    html = client.get("/staff/schedule/series/new/?facility=sakura").content.decode()
    assert '<option value="sakura" selected>' in html


def test_a_viewer_is_told_no_permission_on_the_managers_pages(client, facility):
    client.force_login(staff_user(facility, StaffRole.VIEWER, username="viewer"))
    for url in (
        "/staff/schedule/series/new/",
        "/staff/schedule/copy/?facility=ribbon&month=2027-01",
        "/staff/schedule/closed-days/?facility=ribbon",
    ):
        page = client.get(url)
        assert page.status_code == 403, url
        assert "権限がありません" in page.content.decode()
    client.force_login(staff_user(FacilityFactory(slug="elsewhere")))
    assert client.get("/staff/schedule/copy/?facility=ribbon").status_code == 404
    assert client.get("/staff/schedule/closed-days/?facility=ribbon").status_code == 404
    assert client.get("/staff/schedule/series/new/").status_code == 200


def test_the_month_link_for_a_series_is_one_query_for_the_whole_month(
    client, facility, manager, django_assert_max_num_queries
):
    january_series(ProgramFactory(), facility, weekdays=[1, 2, 3, 4, 5])
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        page = client.get("/staff/schedule/?facility=ribbon&month=2027-01")
    assert page.content.decode().count("毎週月・火・水・木・金曜") >= 19
