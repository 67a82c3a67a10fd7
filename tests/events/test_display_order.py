"""Programmes are listed in the order the centre chooses (並び順), then by title, never by the
code points of their titles alone: in the report (page, CSV, API), the API's programme list,
the parents' and the schedule's programme selects, and the admin, where operators set it."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from events.models import Program
from staffdesk.selectors import fiscal_year_of
from tests.admin_lists import list_edit, operator_client, select_options
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user
from tests.staff.conftest import token_client

BEFORE, AFTER = ("events", "0006_desk_role"), ("events", "0007_program_display_order")

# By code point the hiragana title comes first and the kanji one last; the centre puts まつさか
# last (2) and the other two level (1), which their titles then order.
CHOSEN = ["イクボスセミナー", "子育て相談", "まつさかスマイルパパ講座"]


@pytest.fixture
def programs(db) -> dict[str, Program]:
    return {
        title: ProgramFactory(title=title, display_order=order)
        for title, order in (
            ("まつさかスマイルパパ講座", 2),
            ("子育て相談", 1),
            ("イクボスセミナー", 1),
        )
    }


def slugs(programs: dict[str, Program]) -> list[str]:
    return [programs[title].slug for title in CHOSEN]


@pytest.fixture
def report_year(programs):
    """A past fiscal year in which each programme was held once in June at one facility, and
    イクボスセミナー in May too."""
    facility = FacilityFactory(name="すこやか子育て交流館", slug="ribbon")
    fy = fiscal_year_of(timezone.localdate()) - 1
    tz = timezone.get_current_timezone()
    held = [(title, datetime(fy, 6, 10, 10, tzinfo=tz)) for title in programs]
    held.append(("イクボスセミナー", datetime(fy, 5, 13, 10, tzinfo=tz)))
    for title, start in held:
        SessionFactory(
            facility=facility,
            program=programs[title],
            start=start,
            end=start + timedelta(hours=1),
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )
    return fy, staff_user(facility)


REPORT_ROWS = [
    ("イクボスセミナー", 5),
    ("イクボスセミナー", 6),
    ("子育て相談", 6),
    ("まつさかスマイルパパ講座", 6),
]


def test_the_report_page_lists_programmes_in_the_chosen_order(report_year):
    fy, manager = report_year
    client = Client()
    client.force_login(manager)
    html = client.get("/staff/report/", {"fiscal_year": fy}).content.decode()
    assert re.findall(r'<td class="program">([^<]*)</td>', html) == [t for t, _m in REPORT_ROWS]


def test_the_report_csv_has_its_rows_in_the_order_of_its_page(report_year):
    fy, manager = report_year
    client = Client()
    client.force_login(manager)
    text = client.get("/staff/report.csv", {"fiscal_year": fy}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:-1]  # the header and 合計 left out
    assert [(r[2], r[3]) for r in rows] == [
        (title, f"{fy}年{month}月") for title, month in REPORT_ROWS
    ]


def test_the_report_api_has_its_rows_in_the_order_of_its_page(report_year):
    fy, manager = report_year
    report = token_client(manager).get("/api/v1/staff/report/", {"fiscal_year": fy}).json()
    assert [(r["program"], int(r["month"][5:7])) for r in report["rows"]] == REPORT_ROWS
    csv_text = (
        token_client(manager)
        .get("/api/v1/staff/report/", {"fiscal_year": fy, "format": "csv"})
        .content.decode("utf-8-sig")
    )
    assert [r[2] for r in list(csv.reader(io.StringIO(csv_text)))[1:-1]] == [
        t for t, _m in REPORT_ROWS
    ]


def test_the_api_lists_programmes_in_the_chosen_order(programs):
    client = Client()
    rows = client.get("/api/v1/programs/").json()["results"]
    assert [r["title"] for r in rows] == CHOSEN
    # A client may still ask for the titles' order.
    by_title = client.get("/api/v1/programs/", {"ordering": "title"}).json()["results"]
    assert [r["title"] for r in by_title] == sorted(CHOSEN)


def test_the_parents_filter_offers_programmes_in_the_chosen_order(programs):
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/").content.decode()
    assert select_options(html, "program") == slugs(programs)


def test_the_schedules_series_form_offers_programmes_in_the_chosen_order(programs):
    client = Client()
    client.force_login(staff_user(FacilityFactory()))
    html = client.get("/staff/schedule/series/new/").content.decode()
    assert select_options(html, "program") == slugs(programs)


def admin_titles(html: str) -> list[str]:
    return re.findall(r'<th class="field-title"><a href="[^"]*">([^<]*)</a>', html)


def test_operators_see_and_edit_the_order_in_the_admins_list(programs):
    client = operator_client()
    html = client.get("/admin/events/program/").content.decode()
    assert admin_titles(html) == CHOSEN
    ids = re.findall(r'name="form-(\d+)-id" value="(\d+)"', html)
    assert [int(pk) for _n, pk in ids] == [programs[t].pk for t in CHOSEN]
    assert 'name="form-0-display_order"' in html

    # まつさか moves to the top: 0 comes before 1.
    wanted = {"まつさかスマイルパパ講座": 0, "子育て相談": 1, "イクボスセミナー": 1}
    data = list_edit([(programs[title].pk, wanted[title]) for title in CHOSEN])
    assert client.post("/admin/events/program/", data).status_code == 302
    html = client.get("/admin/events/program/").content.decode()
    assert admin_titles(html) == ["まつさかスマイルパパ講座", "イクボスセミナー", "子育て相談"]
    assert Program.objects.get(title="まつさかスマイルパパ講座").display_order == 0


@pytest.mark.parametrize("bad", ["-1", "1.5", "一", ""])
def test_an_order_the_column_cannot_hold_is_refused_and_nothing_changes(programs, bad):
    client = operator_client()
    before = dict(Program.objects.values_list("pk", "display_order"))
    data = list_edit([(programs[t].pk, bad if n == 0 else "5") for n, t in enumerate(CHOSEN)])
    page = client.post("/admin/events/program/", data)
    assert page.status_code == 200  # the list again, with the field's error
    assert "errorlist" in page.content.decode()
    assert dict(Program.objects.values_list("pk", "display_order")) == before


def test_staff_who_may_only_view_programmes_see_the_order_without_fields(programs):
    user = get_user_model().objects.create_user("viewer", "viewer@example.jp", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_program"))
    client = Client()
    client.force_login(user)
    html = client.get("/admin/events/program/").content.decode()
    assert admin_titles(html) == CHOSEN
    assert 'name="form-0-display_order"' not in html
    assert re.findall(r'<td class="field-display_order">(\d+)</td>', html) == ["1", "1", "2"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_programme_0_so_they_stay_in_title_order():
    executor = MigrationExecutor(connection)
    # Forwards to the latest migrations, not to AFTER alone: the tests run after this one on
    # the same database need every later one.
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("events", "Program")
        for n, title in enumerate(["子育て相談", "まつさかスマイルパパ講座", "イクボスセミナー"]):
            old.objects.create(title=title, title_ja=title, slug=f"before-{n}")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    rows = list(Program.objects.values_list("title", "display_order"))
    assert rows == [(t, 0) for t in ["まつさかスマイルパパ講座", "イクボスセミナー", "子育て相談"]]
