"""A facility's consultation types are listed in the order its centre chooses (並び順), then by
title, never by the code points of their titles alone: on the parents' list, in the public API,
on the counsellor's day (page and staff API), in the yearly report, and in the admin, where
operators set it (consultations.models.CONSULTATION_TYPE_ORDER)."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from consultations.models import AvailabilityWindow, ConsultationType, Counsellor
from core.fiscal_years import fiscal_year_of
from demo.consultations import demo_consultations_load
from events.models import StaffRole
from tests.admin_lists import list_edit, operator_client
from tests.consultations.conftest import ordinary_tuesday
from tests.factories import FacilityFactory, staff_user
from tests.staff.conftest import token_client

BEFORE = ("consultations", "0005_topics_and_names_languages")
AFTER = ("consultations", "0006_type_display_order")

# By code point 入 comes first and 発 last; the centre puts 入園相談 last (2) and the other two
# level (1), which their titles then order.
CHOSEN = ["子育てコンシェルジュ相談", "発達相談", "入園相談"]
ORDERS = {"入園相談": 2, "子育てコンシェルジュ相談": 1, "発達相談": 1}
SLUGS = {"入園相談": "nyuen", "子育てコンシェルジュ相談": "concierge", "発達相談": "hattatsu"}


@pytest.fixture
def facility(db):
    return FacilityFactory(name="すこやか子育て交流館", slug="ribbon")


@pytest.fixture
def kinds(facility) -> dict[str, ConsultationType]:
    """The three types, created in code-point order of their titles, all with one counsellor
    (Tuesday mornings)."""
    counsellor = Counsellor.objects.create(facility=facility, role="concierge", display_name="S")
    AvailabilityWindow.objects.create(
        counsellor=counsellor, weekday=1, start_time=time(10), end_time=time(12)
    )
    made = {}
    for title in sorted(ORDERS):
        made[title] = ConsultationType.objects.create(
            facility=facility,
            slug=SLUGS[title],
            title=title,
            display_order=ORDERS[title],
            minutes=30,
            buffer_minutes=10,
        )
        made[title].counsellors.add(counsellor)
    return made


def test_the_parents_list_shows_the_types_in_the_chosen_order(kinds):
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/").content.decode()
    slugs = re.findall(r'<a href="/consultations/([\w-]+)/"', html)
    assert slugs == [SLUGS[title] for title in CHOSEN]


def test_another_facilitys_types_stay_together_after_the_first_ones(kinds):
    """Each facility's list is its own: another facility's type at 0 does not come first. (わかば
    comes after すこやか whether facilities go by their id or by their name.)"""
    other = FacilityFactory(name="わかば館", slug="wakaba")
    ConsultationType.objects.create(
        facility=other, slug="ninshin", title="妊娠相談", display_order=0, minutes=30
    )
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/").content.decode()
    expected = [SLUGS[title] for title in CHOSEN] + ["ninshin"]
    assert re.findall(r'<a href="/consultations/([\w-]+)/"', html) == expected
    rows = Client().get("/api/v1/consultations/").json()
    assert [row["slug"] for row in rows] == expected


def test_facilities_come_in_the_citys_order_on_the_list_and_the_api(kinds, facility):
    """A facility the city puts first (並び順 0) lists its types before すこやか's (1), though
    it was created later and its name comes later by code point."""
    facility.display_order = 1
    facility.save(update_fields=["display_order"])
    first = FacilityFactory(name="わかば館", slug="wakaba", display_order=0)
    ConsultationType.objects.create(
        facility=first, slug="ninshin", title="妊娠相談", display_order=5, minutes=30
    )
    expected = ["ninshin"] + [SLUGS[title] for title in CHOSEN]
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/").content.decode()
    assert re.findall(r'<a href="/consultations/([\w-]+)/"', html) == expected
    rows = Client().get("/api/v1/consultations/").json()
    assert [row["slug"] for row in rows] == expected


def test_the_public_api_lists_the_types_in_the_chosen_order(kinds):
    rows = Client().get("/api/v1/consultations/").json()
    assert [row["title"] for row in rows] == CHOSEN


def test_the_counsellors_day_offers_each_free_time_in_the_chosen_order(kinds, facility):
    tuesday = ordinary_tuesday(facility, ahead=True)
    counsellor = Counsellor.objects.get()
    user = staff_user(facility, StaffRole.VIEWER)
    client = Client()
    client.force_login(user)
    html = client.get(f"/staff/consultations/counsellors/{counsellor.pk}/?date={tuesday}")
    free = re.findall(
        r'<li class="free">\s*<span class="time">10:00〜10:30</span> ([^<]*?) <span',
        html.content.decode(),
    )
    assert free == CHOSEN
    body = token_client(user).get(
        f"/api/v1/staff/counsellors/{counsellor.pk}/appointments/", {"from": tuesday}
    )
    assert body.status_code == 200, body.content
    first_seen = list(dict.fromkeys(slot["consultation"] for slot in body.json()["free"]))
    assert first_seen == [SLUGS[title] for title in CHOSEN]


def test_the_yearly_report_lists_the_types_in_the_chosen_order(kinds, facility):
    client = Client()
    client.force_login(staff_user(facility, StaffRole.VIEWER))
    year = fiscal_year_of(timezone.localdate())
    page = client.get("/staff/consultations/report/", {"fiscal_year": year})
    titles = re.findall(r'<th scope="row">([^<]*) <small>', page.content.decode())
    assert titles == CHOSEN


def operator() -> Client:
    return operator_client()


def admin_titles(html: str) -> list[str]:
    return re.findall(r'<th class="field-title"><a href="[^"]*">([^<]*)</a>', html)


def types_edit(kinds: dict[str, ConsultationType], orders: dict[str, str]) -> dict[str, str]:
    """The admin list's form as a browser sends it, with the orders typed in."""
    return list_edit([(kinds[title].pk, orders[title]) for title in CHOSEN])


def test_operators_see_and_edit_the_order_in_the_admins_list(kinds):
    client = operator()
    html = client.get("/admin/consultations/consultationtype/").content.decode()
    assert admin_titles(html) == CHOSEN
    ids = re.findall(r'name="form-(\d+)-id" value="(\d+)"', html)
    assert [int(pk) for _n, pk in ids] == [kinds[title].pk for title in CHOSEN]
    assert 'name="form-0-display_order"' in html

    # 入園相談 moves to the top: 0 comes before 1.
    wanted = {"入園相談": "0", "子育てコンシェルジュ相談": "1", "発達相談": "1"}
    saved = client.post("/admin/consultations/consultationtype/", types_edit(kinds, wanted))
    assert saved.status_code == 302
    html = client.get("/admin/consultations/consultationtype/").content.decode()
    assert admin_titles(html) == ["入園相談", "子育てコンシェルジュ相談", "発達相談"]
    assert ConsultationType.objects.get(slug="nyuen").display_order == 0
    # The parents' list follows at once.
    parents = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/").content.decode()
    assert re.findall(r'<a href="/consultations/([\w-]+)/"', parents) == [
        "nyuen",
        "concierge",
        "hattatsu",
    ]


@pytest.mark.parametrize("bad", ["-1", "1.5", "一", "", "70000"])
def test_an_order_the_column_cannot_hold_is_refused_and_nothing_changes(kinds, bad):
    client = operator()
    before = dict(ConsultationType.objects.values_list("pk", "display_order"))
    orders = {title: bad if n == 0 else "5" for n, title in enumerate(CHOSEN)}
    page = client.post("/admin/consultations/consultationtype/", types_edit(kinds, orders))
    assert page.status_code == 200  # the list again, with the field's error
    html = page.content.decode()
    assert "errorlist" in html
    assert re.search(r'<td class="field-display_order">\s*<ul class="errorlist', html)
    assert dict(ConsultationType.objects.values_list("pk", "display_order")) == before


def test_staff_who_may_only_view_types_see_the_order_without_fields(kinds):
    user = get_user_model().objects.create_user("viewer", "viewer@example.jp", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consultationtype"))
    client = Client()
    client.force_login(user)
    html = client.get("/admin/consultations/consultationtype/").content.decode()
    assert admin_titles(html) == CHOSEN
    assert 'name="form-0-display_order"' not in html
    assert re.findall(r'<td class="field-display_order">(\d+)</td>', html) == ["1", "1", "2"]


def test_the_demo_lists_the_concierge_before_the_admission_consultation(db):
    FacilityFactory(slug="ribbonkan")
    demo_consultations_load()
    assert list(ConsultationType.objects.values_list("slug", flat=True)) == [
        "concierge",
        "nyuen-soudan",
    ]
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/").content.decode()
    assert re.findall(r'<a href="/consultations/([\w-]+)/"', html) == [
        "concierge",
        "nyuen-soudan",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_type_0_so_they_stay_in_title_order():
    executor = MigrationExecutor(connection)
    # Forwards to the latest migrations, not to AFTER alone: the tests run after this one on
    # the same database need every later one.
    leaves = executor.loader.graph.leaf_nodes()
    assert AFTER in executor.loader.graph.nodes
    executor.migrate([BEFORE])
    try:
        # The facility as events' models are now: only consultations went back.
        facility = FacilityFactory()
        old = executor.loader.project_state([BEFORE]).apps.get_model(
            "consultations", "ConsultationType"
        )
        for n, title in enumerate(["子育てコンシェルジュ相談", "入園相談", "発達相談"]):
            old.objects.create(
                facility_id=facility.pk, slug=f"before-{n}", title=title, title_ja=title, minutes=30
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    rows = list(ConsultationType.objects.values_list("title", "display_order"))
    assert rows == [(title, 0) for title in ["入園相談", "子育てコンシェルジュ相談", "発達相談"]]
