"""A session's page lists the programme's other dates (他の日程), so a parent who finds this one
full, or on the wrong day, sees where else to go."""

from __future__ import annotations

import pytest

from tests.factories import FacilityFactory, SessionFactory, another_date, book

pytestmark = pytest.mark.django_db


def test_the_other_dates_with_their_badges_and_the_programmes_list(ja_client, play):
    full = another_date(play, days=7, capacity=2)
    book(full, email="a@example.jp", children=1, children_ages=[5])
    elsewhere = another_date(play, days=14, facility=FacilityFactory(name="広場 東"))
    SessionFactory(facility=play.facility)  # another programme
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()
    assert "この事業の他の日程" in page
    assert page.index(f'href="/sessions/{full.pk}/"') < page.index(
        f'href="/sessions/{elsewhere.pk}/"'
    )
    assert "広場 東" in page
    assert "badge-full" in page or "badge-waitlist" in page
    assert f'href="/?program={play.program.slug}"' in page


def test_a_programme_with_one_date_shows_no_other_dates(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()
    assert "この事業の他の日程" not in page


def test_at_most_five_other_dates_are_listed(ja_client, play):
    others = [another_date(play, days=n) for n in range(1, 8)]
    page = ja_client.get(f"/sessions/{play.pk}/").content.decode()
    shown = [s for s in others if f'href="/sessions/{s.pk}/"' in page]
    assert shown == others[:5]
