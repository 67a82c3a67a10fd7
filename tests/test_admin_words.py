"""The admin in Japanese speaks Japanese, with the desk's words; sessions are named in Japan
time; desk staff get the admin only as managers (events/management/commands/create_staff.py)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from booking.models import LotteryDraw, Reservation
from events.models import Facility, Session, StaffMembership
from schedule.models import ClosedDay
from staffdesk.models import StaffAction
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

# What the walk through the admin found, in column headers, labels and filters.
ENGLISH_LABELS = [
    "user",
    "facility",
    "session",
    "course",
    "program",
    "created at",
    "updated at",
    "seed",
    "drawn at",
    "drawn by",
    "confirmation deadline",
    "sent at",
    "attempts",
    "from status",
    "to status",
    "actor",
    "seats",
    "child seats",
    "draw rank",
    "source",
    "children taken",
    "childcare taken",
    "sequence",
    "order",
    "winners",
    "claimed at",
    "claimed by",
    "message id",
    "payload",
    "language",
    "held until",
    "booked by staff",
    "counsellor",
    "consultation type",
]
# Raw values the services store, shown as they were.
ENGLISH_VALUES = ["confirmed", "cancelled", "waitlisted", "parent", "system", "demo", "web"]
# Latin words that are names, not English left untranslated.
ALLOWED = {"Django"}

# A list's column headers and an inline's (not a row's first cell, also a <th>).
HEADER = re.compile(r'<th (?:scope="col"|class="column-)[^>]*>(.*?)</th>', re.S)
LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
FILTER = re.compile(r'data-filter-title="([^"]*)"')
VALUE = re.compile(
    r'<(?:td|th) class="field-[^"]*"[^>]*>(.*?)</(?:td|th)>|'
    r'<div class="readonly">(.*?)</div>',
    re.S,
)
LANGUAGE_TAB = re.compile(r"\[[a-z-]+\]")  # modeltranslation's "名称 [en]"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)  # holds the object's name (its __str__)
EMAIL = re.compile(r"\S+@\S+")


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip().rstrip(":：").strip()


def english_in(page: str) -> list[str]:
    """Labels (headers, form labels, filters) that hold a Latin word, and raw stored values."""
    found = []
    labels = [text(m) for m in HEADER.findall(page) + LABEL.findall(page)]
    labels += [html.unescape(m) for m in FILTER.findall(page) + TITLE.findall(page)]
    for label in labels:
        plain = EMAIL.sub("", LANGUAGE_TAB.sub("", label))
        # A word in lower case or capitalised (codes such as a reservation's are upper case).
        words = {w for w in re.findall(r"[A-Za-z]{3,}", plain) if not w.isupper()} - ALLOWED
        if words or label.casefold() in ENGLISH_LABELS:
            found.append(f"label {label!r}")
    for cell, readonly in VALUE.findall(page):
        value = text(cell or readonly)
        if value.casefold() in ENGLISH_VALUES or value.startswith("staff:"):
            found.append(f"value {value!r}")
    return found


@pytest.fixture
def world():
    call_command("load_demo")
    facility = Facility.objects.first()
    session = Session.objects.filter(facility=facility).first()
    # Rows the demo may not hold, so that every admin has a change page to open.
    if not LotteryDraw.objects.exists():
        LotteryDraw.objects.create(session=session, seed="3f2a", order=[], winners=[])
    if not ClosedDay.objects.exists():
        ClosedDay.objects.create(facility=facility, date=dt.date(2027, 2, 10), name="点検")
    if not StaffAction.objects.exists():
        StaffAction.objects.create(
            actor_label="staff:demo-desk@example.jp", kind="check_in", facility=facility
        )
    return facility


def admin_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(user)
    return client


def test_every_admin_page_speaks_japanese(world):
    root = get_user_model().objects.create_superuser("root@example.jp", "root@example.jp", "pw")
    client = admin_client(root)
    problems = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        pages = [base]
        if model_admin.has_add_permission(_request(root)):
            pages.append(f"{base}add/")
        first = model_admin.get_queryset(_request(root)).order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
        if model is Reservation:  # one with a history of several statuses, by staff and parents
            busy = Reservation.objects.filter(history__from_status="confirmed").first()
            if busy is not None:
                pages.append(f"{base}{busy.pk}/change/")
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [f"{url}: {p}" for p in english_in(response.content.decode())]
    assert not problems, "\n".join(sorted(set(problems)))


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_session_is_named_in_japan_time_in_the_desk_form():
    session = SessionFactory(
        title="健やか子育て交流会",
        start=timezone.make_aware(dt.datetime(2026, 12, 6, 6, 0), dt.UTC),
        end=timezone.make_aware(dt.datetime(2026, 12, 6, 7, 30), dt.UTC),
    )
    with translation.override("ja"):
        assert str(session) == "健やか子育て交流会 2026年12月6日（日）15:00"
    with translation.override("en"):
        assert str(session) == "健やか子育て交流会 Sun 6 Dec 2026, 15:00"


def test_only_managers_get_the_admin_and_the_desk_stays_everyones(world):
    other = Facility.objects.exclude(pk=world.pk).first()
    call_command("create_staff", "viewer@example.jp", "--facility", world.slug, "--role", "viewer")
    call_command("create_staff", "boss@example.jp", "--facility", world.slug, "--password", "x")
    User = get_user_model()
    viewer, boss = (
        User.objects.get(username="viewer@example.jp"),
        User.objects.get(username="boss@example.jp"),
    )
    assert not viewer.is_staff and boss.is_staff

    # The desk is the viewer's tool; the admin's login does not let them in.
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(viewer)
    assert desk.get("/staff/").status_code == 200
    assert desk.get("/admin/").status_code == 302

    # A manager reads their facility's rows and changes its sessions; nothing else's.
    client = admin_client(boss)
    index = client.get("/admin/").content.decode()
    assert "パーミッションがありません" not in index and "予約" in index
    assert client.get("/admin/booking/reservation/").status_code == 200
    assert client.get("/admin/notifications/notification/").status_code == 200
    assert client.get("/admin/staffdesk/staffaction/").status_code == 200
    assert client.get("/admin/core/apitoken/").status_code == 403
    mine = Session.objects.filter(facility=world).first()
    page = client.get(f"/admin/events/session/{mine.pk}/change/").content.decode()
    assert 'name="capacity"' in page
    if other is not None:
        theirs = Session.objects.filter(facility=other).first()
        if theirs is not None:
            response = client.get(f"/admin/events/session/{theirs.pk}/change/")
            assert response.status_code == 302  # "does not exist" for another facility's row
        stranger = User.objects.create_user("stranger@example.jp")
        StaffMembership.objects.create(user=stranger, facility=other, role="manager")
        listing = client.get("/admin/events/staffmembership/").content.decode()
        assert "boss@example.jp" in listing and "stranger@example.jp" not in listing

        # Viewer at another facility: its rows are read-only in the admin.
        StaffMembership.objects.create(user=boss, facility=other, role="viewer")
        if theirs is not None:
            page = client.get(f"/admin/events/session/{theirs.pk}/change/").content.decode()
            assert 'name="capacity"' not in page

    # A manager made a viewer everywhere loses the admin, not the desk.
    call_command("create_staff", "boss@example.jp", "--facility", world.slug, "--role", "viewer")
    boss.refresh_from_db()
    assert not boss.is_staff and not boss.groups.exists()
    desk.force_login(boss)
    assert desk.get("/staff/").status_code == 200
