"""The demo looks like a real centre's: sessions in opening hours (9:00-17:00), none on a day the
schedule says is closed (年末年始, a facility's closed day) or on a public holiday, a course that
keeps its four sessions, and parties with ふりがな so the desk's kana order reads as it should."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from booking.models import Reservation
from core.kana import is_kana
from demo.data import FACILITIES
from demo.load import load_demo
from events.models import Facility, Session
from schedule.days import holiday_name, in_new_year_closure
from schedule.models import ClosedDay
from staffdesk.selectors.roster import to_katakana
from tests.factories import staff_user
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db
TOKYO = dt.timezone(dt.timedelta(hours=9))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(TOKYO)


def load_at(monkeypatch, now: dt.datetime) -> None:
    """Run manage.py load_demo as if it were ``now``."""
    monkeypatch.setattr(timezone, "now", lambda: now)
    call_command("load_demo")


def assert_open_hours_and_days(sessions) -> None:
    closed = set(ClosedDay.objects.values_list("facility_id", "date"))
    for s in sessions:
        start, end = local(s.start), local(s.end)
        where = f"{s.program.slug} at {s.facility.slug} {start:%Y-%m-%d %H:%M}-{end:%H:%M}"
        assert dt.time(9) <= start.time() and end.time() <= dt.time(17), where
        assert end.date() == start.date(), where
        assert not in_new_year_closure(start.date()), where
        assert holiday_name(start.date()) is None, where
        assert (s.facility_id, start.date()) not in closed, where


def test_loaded_in_december_no_session_falls_in_the_new_year_closure_or_on_a_holiday(monkeypatch):
    # Saturday 5 December 2026: the catalogue's fifth week (28 December) runs into 年末年始.
    load_at(monkeypatch, at(dt.date(2026, 12, 5), 12, 7))
    sessions = list(Session.objects.select_related("program", "facility"))
    assert len(sessions) > 40
    assert_open_hours_and_days(sessions)
    # 12/29 (Tuesday) was しごと相談カフェ's day: it moves on a week, to Tuesday 5 January.
    cafe = Session.objects.get(program__slug="shigoto-cafe")
    assert local(cafe.start).date() == dt.date(2027, 1, 5)
    # The winter course keeps its four Tuesdays, in order, skipping the closure.
    course = [
        local(s.start).date()
        for s in Session.objects.filter(course__slug="parent-training-winter").order_by("start")
    ]
    assert course == [
        dt.date(2026, 12, 15),
        dt.date(2026, 12, 22),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 12),
    ]


def test_a_facilitys_own_closed_day_moves_its_session_a_week_on():
    ribbonkan = next(dict(f) for f in FACILITIES if f["slug"] == "ribbonkan")
    facility = Facility.objects.create(**ribbonkan)
    # イクボスセミナー is on the Thursday of the third week: 17 December 2026.
    ClosedDay.objects.create(facility=facility, date=dt.date(2026, 12, 17), name="館内点検")
    load_demo(today=dt.date(2026, 12, 5))
    days = sorted(
        local(s.start).date() for s in Session.objects.filter(program__slug="ikuboss-seminar")
    )
    assert dt.date(2026, 12, 17) not in days and dt.date(2026, 12, 24) in days


@pytest.mark.parametrize(
    ("hour", "minute", "started"),
    [(6, 52, None), (9, 50, dt.time(9)), (12, 7, dt.time(11, 15)), (20, 7, dt.time(15))],
)
def test_the_session_that_already_started_is_in_opening_hours(monkeypatch, hour, minute, started):
    now = at(dt.date(2027, 1, 20), hour, minute)  # a Wednesday, open
    load_at(monkeypatch, now)
    begun = Session.objects.filter(program__slug="sukoyaka-koryukai", start__date=now.date())
    if started is None:
        assert not begun.exists()
        return
    (session,) = begun
    assert local(session.start).time() == started and local(session.end).time() <= dt.time(17)
    assert_open_hours_and_days(Session.objects.select_related("program", "facility"))


def test_loaded_on_a_closed_day_the_demo_holds_no_session_that_day(monkeypatch):
    now = at(dt.date(2026, 12, 30), 12, 7)
    load_at(monkeypatch, now)
    assert not Session.objects.filter(start__date=now.date()).exists()
    assert_open_hours_and_days(Session.objects.select_related("program", "facility"))


def test_demo_parties_have_kana_and_the_roster_sorts_by_it(monkeypatch):
    load_at(monkeypatch, at(dt.date(2027, 1, 20), 12, 7))
    demo = Reservation.objects.filter(source="demo")
    assert demo.exists()
    assert all(r.name_kana and is_kana(r.name_kana) for r in demo)
    # Today's session at りぼんかん, nine parties: the desk lists them by reading.
    session = Session.objects.select_related("facility").get(
        program__slug="fureai-0-1", start__date=dt.date(2027, 1, 20)
    )
    client = page_client(staff_user(session.facility))
    html = client.get(f"/staff/sessions/{session.pk}/?sort=kana").content.decode()
    parties = {r.name: r.name_kana for r in Reservation.objects.filter(session=session)}
    assert len(parties) >= 5
    shown = sorted(parties, key=html.find)
    assert all(html.find(name) >= 0 for name in shown)
    # やまだ, さとう ... and タカハシ (typed in katakana): あいうえお order, kana folded.
    readings = [to_katakana(parties[name]) for name in shown]
    assert readings == sorted(readings)
