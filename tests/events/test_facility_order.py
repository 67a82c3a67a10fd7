"""Facilities are listed in the order the city chooses (並び順), then by name, never by the code
points of their names (a hiragana name before every kanji one) nor by their city first: in the
API, the parents' filter, the staff desk's, the report's (page, CSV, API), the schedule's and the
export's selects, the desk's day, the consultations' report, and the admin, where operators set
it."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from consultations.reports import consultation_year
from events.models import FACILITY_ORDER, Facility, StaffMembership, StaffRole
from staffdesk.selectors import fiscal_year_of
from tests.admin_lists import list_edit, operator_client, select_options
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory
from tests.staff.conftest import token_client

BEFORE = ("events", "0008_session_lasts_at_most_a_day")
AFTER = ("events", "0009_facility_display_order")

# By code point the hiragana name comes first (and its city, 久留米市, too); the city puts it
# last (2) and the other two level (1), which their names then order.
CHOSEN = ["地域子育て支援センター", "親子つどいの広場", "すこやか子育て交流館"]


def test_facilities_are_ordered_by_the_chosen_order_then_name():
    assert FACILITY_ORDER == ("display_order", "name", "id")
    assert Facility._meta.ordering == FACILITY_ORDER


@pytest.fixture
def facilities(db) -> dict[str, Facility]:
    return {
        name: FacilityFactory(name=name, display_order=order, city=city)
        for name, order, city in (
            ("すこやか子育て交流館", 2, "久留米市"),
            ("親子つどいの広場", 1, "鹿児島市"),
            ("地域子育て支援センター", 1, "鹿児島市"),
        )
    }


def slugs(facilities: dict[str, Facility]) -> list[str]:
    return [facilities[name].slug for name in CHOSEN]


@pytest.fixture
def operator(db) -> Client:
    return operator_client()


def test_the_api_lists_facilities_in_the_chosen_order(facilities):
    client = Client()
    rows = client.get("/api/v1/facilities/").json()["results"]
    assert [r["name"] for r in rows] == CHOSEN
    # A client may still ask for the names' order.
    by_name = client.get("/api/v1/facilities/", {"ordering": "name"}).json()["results"]
    assert [r["name"] for r in by_name] == sorted(CHOSEN)


def test_the_parents_filter_offers_facilities_in_the_chosen_order(facilities):
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/").content.decode()
    assert select_options(html, "facility") == slugs(facilities)


@pytest.mark.parametrize(
    "page", ["/staff/", "/staff/report/", "/staff/schedule/", "/staff/schedule/series/new/"]
)
def test_the_staff_pages_offer_facilities_in_the_chosen_order(facilities, operator, page):
    assert select_options(operator.get(page).content.decode(), "facility") == slugs(facilities)


def test_the_schedule_opens_on_the_first_facility_in_the_chosen_order(facilities, operator):
    html = operator.get("/staff/schedule/").content.decode()
    assert re.search(rf'<option value="{slugs(facilities)[0]}" selected>', html)


def test_the_desks_day_lists_sessions_at_one_time_in_the_chosen_order(facilities, operator):
    start = timezone.localtime() + timedelta(hours=2)
    for facility in facilities.values():
        SessionFactory(
            facility=facility,
            program__title=f"{facility.name}の回",
            start=start,
            end=start + timedelta(hours=1),
            registration_opens=start - timedelta(days=3),
            registration_closes=start - timedelta(hours=1),
            cancellation_deadline=start - timedelta(hours=1),
        )
    html = operator.get("/staff/", {"date": start.date().isoformat()}).content.decode()
    shown = [html.index(f"{name}の回") for name in CHOSEN]
    assert shown == sorted(shown)


@pytest.fixture
def report_year(facilities, operator):
    """A past fiscal year in which one programme was held once in June at each facility."""
    fy = fiscal_year_of(timezone.localdate()) - 1
    start = datetime(fy, 6, 10, 10, tzinfo=timezone.get_current_timezone())
    program = ProgramFactory(title="親子ふれあい遊び")
    for facility in facilities.values():
        SessionFactory(
            facility=facility,
            program=program,
            start=start,
            end=start + timedelta(hours=1),
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )
    return fy


def test_the_report_page_lists_facilities_in_the_chosen_order(report_year, operator):
    html = operator.get("/staff/report/", {"fiscal_year": report_year}).content.decode()
    assert re.findall(r'<th scope="rowgroup"[^>]*>([^<]*)</th>', html) == CHOSEN
    assert re.findall(r'<td class="facility"[^>]*>([^<]*)</td>', html) == CHOSEN


def test_the_report_csv_and_api_list_facilities_in_the_chosen_order(report_year, operator):
    text = operator.get("/staff/report.csv", {"fiscal_year": report_year}).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1:-1]  # header, 合計 out
    assert [r[1] for r in rows] == CHOSEN
    superuser = get_user_model().objects.get(username="operator")
    api = token_client(superuser)
    report = api.get("/api/v1/staff/report/", {"fiscal_year": report_year}).json()
    assert [r["facility"] for r in report["rows"]] == CHOSEN


def test_the_consultations_report_lists_facilities_in_the_chosen_order(facilities):
    from consultations.models import ConsultationType

    for n, facility in enumerate(facilities.values()):
        ConsultationType.objects.create(
            facility=facility,
            slug=f"nyuen-{n}",
            title="入園相談",
            minutes=30,
            buffer_minutes=10,
            opens_days_ahead=1,
            closes_weeks_ahead=4,
            cancel_hours_before=24,
            max_held_per_family=1,
            topics=["入園"],
        )
    superuser = get_user_model().objects.create_superuser("op", "op@example.jp", "pw-Op-123")
    report = consultation_year(superuser, fiscal_year_of(timezone.localdate()))
    assert [row.kind.facility.name for row in report.rows] == CHOSEN


def admin_names(html: str) -> list[str]:
    return re.findall(r'<th class="field-name"><a href="[^"]*">([^<]*)</a>', html)


def changelist_data(facilities: dict[str, Facility], orders: dict[str, str]) -> dict[str, str]:
    return list_edit([(facilities[name].pk, orders[name]) for name in CHOSEN])


def test_operators_see_and_edit_the_order_in_the_admins_list(facilities, operator):
    html = operator.get("/admin/events/facility/").content.decode()
    assert admin_names(html) == CHOSEN
    ids = re.findall(r'name="form-(\d+)-id" value="(\d+)"', html)
    assert [int(pk) for _n, pk in ids] == [facilities[name].pk for name in CHOSEN]
    assert 'name="form-0-display_order"' in html

    # すこやか moves to the top: 0 comes before 1.
    wanted = {"すこやか子育て交流館": "0", "親子つどいの広場": "1", "地域子育て支援センター": "1"}
    response = operator.post("/admin/events/facility/", changelist_data(facilities, wanted))
    assert response.status_code == 302
    html = operator.get("/admin/events/facility/").content.decode()
    assert admin_names(html) == [
        "すこやか子育て交流館",
        "地域子育て支援センター",
        "親子つどいの広場",
    ]
    assert Facility.objects.get(name="すこやか子育て交流館").display_order == 0


@pytest.mark.parametrize("bad", ["-1", "1.5", "一", "", "40000"])
def test_an_order_the_column_cannot_hold_is_refused_and_nothing_changes(facilities, operator, bad):
    before = dict(Facility.objects.values_list("pk", "display_order"))
    orders = {name: bad if n == 0 else "5" for n, name in enumerate(CHOSEN)}
    page = operator.post("/admin/events/facility/", changelist_data(facilities, orders))
    assert page.status_code == 200  # the list again, with the field's error
    assert "errorlist" in page.content.decode()
    assert dict(Facility.objects.values_list("pk", "display_order")) == before


def test_the_admin_form_names_the_field_in_japanese(facilities, operator):
    facility = facilities["親子つどいの広場"]
    html = operator.get(
        f"/admin/events/facility/{facility.pk}/change/", HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert re.search(r'<label[^>]*for="id_display_order"[^>]*>並び順', html)
    assert "同じ数字の施設は名前順です。" in html


def test_staff_who_may_only_view_facilities_see_the_order_without_fields(facilities):
    user = get_user_model().objects.create_user("viewer", "viewer@example.jp", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_facility"))
    for facility in facilities.values():  # the admin shows staff their own facilities only
        StaffMembership.objects.create(user=user, facility=facility, role=StaffRole.VIEWER)
    client = Client()
    client.force_login(user)
    html = client.get("/admin/events/facility/").content.decode()
    assert admin_names(html) == CHOSEN
    assert 'name="form-0-display_order"' not in html
    assert re.findall(r'<td class="field-display_order">(\d+)</td>', html) == ["1", "1", "2"]


DEMO_ORDER = [
    "ribbonkan",
    "tsudoi-higashi",
    "tsudoi-nishi",
    "tsudoi-minami",
    "tsudoi-kita",
    "kagoshima-shien-1",
    "kagoshima-jido-1",
    "kurume-plaza",
    "sukoyaka-plus",
    "tokotoko",
]


@pytest.mark.django_db
def test_the_demo_lists_its_facilities_in_its_order_and_a_reload_keeps_the_operators():
    call_command("load_demo")
    assert list(Facility.objects.values_list("slug", flat=True)) == DEMO_ORDER
    # As for programmes, loading again finds the rows there and changes nothing, an operator's
    # numbers included.
    Facility.objects.filter(slug="tokotoko").update(display_order=0)
    call_command("load_demo")
    assert list(Facility.objects.values_list("slug", flat=True))[0] == "tokotoko"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_facility_0_so_they_stay_in_name_order():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("events", "Facility")
        for n, name in enumerate(
            ["親子つどいの広場", "地域子育て支援センター", "すこやか子育て交流館"]
        ):
            old.objects.create(name=name, name_ja=name, slug=f"before-{n}", city="市", address="-")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([AFTER])
        rows = list(Facility.objects.values_list("name", "display_order"))
        assert rows == [
            (name, 0)
            for name in ["すこやか子育て交流館", "地域子育て支援センター", "親子つどいの広場"]
        ]
        # And back: the column goes, the rows stay.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps.get_model("events", "Facility")
        assert old.objects.count() == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
