"""Fixtures of the parents' pages: programmes of every kind, and a way to fill the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Audience, BookingMode, Course, PartyCounting
from tests.browser import browser  # noqa: F401  (the Chromium fixture for test_browser.py)
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, later_in_course

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


@pytest.fixture
def ja_client():
    """A phone whose browser asks for Japanese (the site's default anyway)."""
    return Client(HTTP_ACCEPT_LANGUAGE="ja")


@pytest.fixture
def hub(db):
    """A facility with no quiet hours, so waiting-list news goes out at once in tests."""
    return FacilityFactory(
        name="すこやか子育て交流館",
        name_en="Sukoyaka hub",
        slug="hub",
        city="鹿児島市",
        access="市電「市役所前」から徒歩3分",
        phone="099-000-0001",
        no_quiet_hours=True,
    )


@pytest.fixture
def play(db, hub):
    """年齢別 親子ふれあい遊び: parents with children of 0-12 months, childcare offered."""
    program = ProgramFactory(
        title="親子ふれあい遊び（0〜1歳）",
        title_en="Parent and baby play (0-1)",
        slug="play-0-1",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=0,
        child_age_max_months=12,
        max_adults=2,
        max_children=2,
        childcare_offered=True,
        what_to_bring="バスタオル、飲み物",
        description="手遊びやふれあい遊びを親子で楽しみます。",
        eligibility_note="0〜1歳のお子さんと保護者が対象です。",
    )
    return SessionFactory(program=program, facility=hub, capacity=10, childcare_capacity=3)


@pytest.fixture
def maternity(db, hub):
    """マタニティ交流会: expectant parents, due date asked, adults counted."""
    program = ProgramFactory(
        title="マタニティ交流会",
        title_en="Maternity meetup",
        slug="maternity",
        audience=Audience.EXPECTANT_PARENTS,
        requires_due_date=True,
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
        eligibility_note="妊娠中の方とそのパートナーが対象です。",
    )
    return SessionFactory(program=program, facility=hub, capacity=12)


@pytest.fixture
def ikuboss(db, hub):
    """イクボスセミナー: managers of member companies, residents, one adult per booking."""
    program = ProgramFactory(
        title="イクボスセミナー",
        slug="ikuboss",
        audience=Audience.MEMBER_MANAGERS,
        requires_company=True,
        requires_residency=True,
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=1,
        max_children=0,
    )
    return SessionFactory(program=program, facility=hub, capacity=30)


@pytest.fixture
def lottery(db, hub):
    """A popular session run by lottery, with a priority group."""
    program = ProgramFactory(
        title="ベビーマッサージ",
        slug="baby-massage",
        booking_mode=BookingMode.LOTTERY,
        max_adults=1,
        max_children=1,
        priority_groups=[{"key": "first_time", "label": "初めての参加"}],
    )
    return SessionFactory(program=program, facility=hub, capacity=2)


@pytest.fixture
def tiny(db, hub):
    """A first-come session with one seat and a waiting list."""
    program = ProgramFactory(
        title="ブックスタート",
        slug="bookstart",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=1,
        max_children=1,
    )
    return SessionFactory(program=program, facility=hub, capacity=1)


@pytest.fixture
def spring_course(db, hub):
    """ペアレントトレーニング 春コース: a course of two weekly sessions, (first, second)."""
    program = ProgramFactory(title="ペアレントトレーニング")
    course = Course.objects.create(program=program, facility=hub, title="春コース", slug="spring")
    first = SessionFactory(program=program, facility=hub, course=course)
    return first, later_in_course(first, 1)


def form_key(html: str) -> str:
    match = FORM_KEY.search(html)
    assert match, "the form has no one-time key"
    return match.group(1)


def fill(client: Client, session, **fields):
    """Open the reservation form and send it with ``fields`` added to a valid contact."""
    page = client.get(f"/sessions/{session.pk}/reserve/")
    assert page.status_code == 200
    data = {
        "form_key": form_key(page.content.decode()),
        "name": "山田 花子",
        "email": "hanako@example.jp",
        "consent": "on",
    }
    html = page.content.decode()
    for name, default in (("adults", "1"), ("children", "0"), ("childcare", "0")):
        if f'name="{name}"' in html:  # a browser sends a select's selected option
            data[name] = default
    data.update({k: v for k, v in fields.items() if v is not None})
    for name in [k for k, v in fields.items() if v is None]:
        data.pop(name, None)
    return client.post(f"/sessions/{session.pk}/reserve/", data), data


def later(days: int = 0, hours: int = 0):
    return timezone.now() + timedelta(days=days, hours=hours)
