"""The attendance report matches the database on a year of data made through the services.

A past fiscal year is played out session by session with the real services: bookings (some
waitlisted), cancellations that promote the waiting list, walk-ins, check-ins, no-shows, a
cancelled session now and then and a course with per-session attendance. The report is then
compared, figure by figure, with the same figures counted from the rows one by one.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from booking.models import SEAT_HOLDING, Reservation, ReservationHistory, ReservationStatus
from booking.rules import Contact, Party
from booking.services import reservation_cancel, reservation_create
from core.fiscal_years import japanese_fiscal_year
from events.models import Course, Session, SessionStatus, StaffMembership
from staffdesk.charts import bar_chart, nice_step
from staffdesk.models import SessionAttendance
from staffdesk.selectors import attendance_report, fiscal_months, fiscal_year_of
from staffdesk.services import check_in, no_shows_mark, session_cancel, walk_in_add
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.staff.conftest import token_client

pytestmark = pytest.mark.django_db

FIGURES = (
    "sessions_held",
    "sessions_cancelled",
    "capacity",
    "reserved",
    "reserved_parties",
    "attended",
    "attended_people",
    "no_shows",
    "cancellations",
    "promotions",
)


def play_session(session: Session, rng: random.Random, staff) -> None:
    """Book, cancel, promote, walk in, check in and mark no-shows as a real day would."""
    before = session.start - timedelta(days=7)
    parties = []
    for i in range(rng.randint(2, 7)):
        adults, children = rng.choice([(1, 0), (1, 1), (2, 1), (1, 2)])
        result = book(
            session,
            email=f"p{session.pk}-{i}@example.jp",
            adults=adults,
            children=children,
            now=before + timedelta(minutes=i),
        )
        parties.append(result.reservation)
    for r in parties:
        if rng.random() < 0.25:
            r.refresh_from_db()
            if r.status in (ReservationStatus.CONFIRMED, ReservationStatus.WAITLISTED):
                reservation_cancel(reservation=r, now=before + timedelta(days=2))
    if rng.random() < 0.2:
        walk_in_add(
            session=session,
            by=staff,
            party=Party(adults=1, children=rng.randint(0, 2)),
            contact=Contact(name="飛込 花子"),
            override_reason="当日参加",
            check_in_now=False,
        )
    holders = Reservation.objects.filter(session=session, status__in=SEAT_HOLDING).order_by("id")
    for r in holders:
        if rng.random() < 0.7:
            check_in(session=session, reservation=r, by=staff)
    no_shows_mark(session=session, by=staff)


def play_course(facility, program, start: datetime, rng: random.Random, staff) -> Course:
    course = Course.objects.create(
        program=program, facility=facility, title="ペアレントトレーニング", slug="pt-report"
    )
    sessions = [
        SessionFactory(
            program=program,
            facility=facility,
            course=course,
            capacity=4,
            start=start + timedelta(weeks=w),
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )
        for w in range(3)
    ]
    for i in range(5):  # one more than fits: waitlisted, promoted when someone leaves
        reservation_create(
            course=course,
            party=Party(adults=1),
            contact=Contact(name=f"講座 {i}", email=f"course{i}@example.jp"),
            now=start - timedelta(days=7),
        )
    leaving = Reservation.objects.filter(course=course, status="confirmed").first()
    reservation_cancel(reservation=leaving, now=start - timedelta(days=5))
    for s in sessions:
        for r in Reservation.objects.filter(course=course, status="confirmed"):
            if rng.random() < 0.6:
                check_in(session=s, reservation=r, by=staff)
        no_shows_mark(session=s, by=staff)
    return course


@pytest.fixture
def year(manager_a, facility_a):
    """A past fiscal year at two facilities of manager A, and one at another facility."""
    rng = random.Random(20250401)
    fy = fiscal_year_of(timezone.localdate()) - 1
    second = FacilityFactory(name="地域子育て支援センター 北", slug="north")
    StaffMembership.objects.create(user=manager_a, facility=second, role="manager")
    elsewhere = FacilityFactory(name="児童センター", slug="jido")
    programs = [
        ProgramFactory(title="親子ふれあい遊び"),
        ProgramFactory(title="離乳食教室", max_adults=2),
    ]
    tz = timezone.get_current_timezone()
    for month in fiscal_months(fy):
        for facility in (facility_a, second, elsewhere):
            for program in programs:
                day = rng.randint(1, 27)
                start = datetime(month.year, month.month, day, 10, 30, tzinfo=tz)
                session = SessionFactory(
                    facility=facility, program=program, start=start, capacity=rng.randint(3, 7)
                )
                play_session(session, rng, manager_a)
                if rng.random() < 0.08:
                    session_cancel(session=session, by=manager_a, reason="警報のため中止")
    # Sessions just outside the year must not count.
    for start in (
        datetime(fy, 3, 31, 23, 30, tzinfo=tz),
        datetime(fy + 1, 4, 1, 0, 30, tzinfo=tz),
    ):
        outside = SessionFactory(facility=facility_a, program=programs[0], start=start)
        play_session(outside, rng, manager_a)
    play_course(
        facility_a,
        ProgramFactory(title="ペアレントトレーニング"),
        datetime(fy, 10, 6, 13, 0, tzinfo=tz),
        rng,
        manager_a,
    )
    return fy, [facility_a.pk, second.pk]


def counted_by_hand(fy: int, facility_ids: list[int]) -> dict[tuple, Counter]:
    """The report's figures, counted one row at a time from the database."""
    tz = timezone.get_current_timezone()
    out: dict[tuple, Counter] = defaultdict(Counter)
    now = timezone.now()
    sessions = Session.objects.filter(
        facility_id__in=facility_ids,
        start__gte=datetime(fy, 4, 1, tzinfo=tz),
        start__lt=datetime(fy + 1, 4, 1, tzinfo=tz),
    ).select_related("facility", "program")
    for s in sessions:
        local = timezone.localtime(s.start)
        key = (s.facility.name, s.program.title, date(local.year, local.month, 1))
        figures = out[key]
        if s.status == SessionStatus.CANCELLED:
            figures["sessions_cancelled"] += 1
            continue
        if s.start > now:
            continue
        figures["sessions_held"] += 1
        figures["capacity"] += s.capacity
        parties = Reservation.objects.filter(
            Q(session=s) | Q(course_id=s.course_id) if s.course_id else Q(session=s)
        )
        for r in parties:
            if r.status in SEAT_HOLDING:
                figures["reserved_parties"] += 1
                figures["reserved"] += r.seats
            if r.course_id:
                row = SessionAttendance.objects.filter(reservation=r, session=s).first()
                attendance = row.status if row else ""
            else:
                attendance = r.status
            if attendance == "attended":
                figures["attended"] += 1
                figures["attended_people"] += r.adults + r.children
            if attendance == "no_show":
                figures["no_shows"] += 1
            if r.status == ReservationStatus.CANCELLED:
                figures["cancellations"] += 1
            figures["promotions"] += ReservationHistory.objects.filter(
                reservation=r, from_status="waitlisted", to_status="confirmed"
            ).count()
    return out


def test_report_matches_the_database_for_a_generated_year(year, manager_a):
    fy, facility_ids = year
    report = attendance_report(user=manager_a, fiscal_year=fy)
    expected = counted_by_hand(fy, facility_ids)
    got = {
        (r.facility_name, r.program_title, r.month): {f: getattr(r, f) for f in FIGURES}
        for r in report.rows
    }
    assert set(got) == set(expected)
    for key, figures in expected.items():
        assert got[key] == {f: figures[f] for f in FIGURES}, key
    # The data exercised every figure.
    totals = {f: sum(e[f] for e in expected.values()) for f in FIGURES}
    assert all(totals[f] > 0 for f in FIGURES), totals
    assert {f: getattr(report.total, f) for f in FIGURES} == totals
    assert len(report.months) == 12
    for month in report.months:
        assert month.attended_people == sum(
            e["attended_people"] for k, e in expected.items() if k[2] == month.month
        )
    # Reserved seats (from the session counters) fit within capacity, so the rate is at most 1.
    assert 0 < report.total.fill_rate <= 1
    assert report.total.fill_rate == round(totals["reserved"] / totals["capacity"], 4)


def test_report_csv_and_json_agree_with_the_selector(year, manager_a):
    fy, _ = year
    client = token_client(manager_a)
    body = client.get(f"/api/v1/staff/report/?fiscal_year={fy}").json()
    report = attendance_report(user=manager_a, fiscal_year=fy)
    assert len(body["rows"]) == len(report.rows)
    assert body["total"]["attended_people"] == report.total.attended_people
    text = client.get(f"/api/v1/staff/report/?fiscal_year={fy}&format=csv").content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    header, data, total = rows[0], rows[1:-1], rows[-1]
    assert header[:4] == ["年度", "施設", "事業", "月"]
    assert len(data) == len(report.rows)
    for line, row in zip(data, report.rows, strict=True):
        assert line[0] == japanese_fiscal_year(fy)
        assert (line[1], line[2]) == (row.facility_name, row.program_title)
        assert line[3] == f"{row.month.year}年{row.month.month}月"
        assert [int(v) for v in line[4:14]] == [getattr(row, f) for f in FIGURES]
    assert total[1] == "合計" and int(total[10]) == report.total.attended_people
    assert float(total[14]) == pytest.approx(report.total.fill_rate * 100, abs=0.05)


def test_report_of_one_facility_and_of_another_staff(year, manager_a, manager_b):
    fy, _ = year
    one = attendance_report(
        user=manager_a, fiscal_year=fy, facility=manager_a.memberships.first().facility
    )
    assert {r.facility_name for r in one.rows} == {"すこやか子育て交流館"}
    assert attendance_report(user=manager_b, fiscal_year=fy).rows == []


def test_sessions_not_yet_held_are_left_out(manager_a, facility_a):
    session = SessionFactory(facility=facility_a)  # next week
    book(session)
    fy = fiscal_year_of(timezone.localdate(session.start))
    cancelled = SessionFactory(facility=facility_a, start=session.start + timedelta(days=1))
    session_cancel(session=cancelled, by=manager_a, reason="講師の急病")
    report = attendance_report(user=manager_a, fiscal_year=fy)
    assert report.total.sessions_held == 0 and report.total.reserved == 0
    # No row of zeros for a session still to come; one already called off counts as cancelled.
    assert [(r.program_title, r.sessions_cancelled) for r in report.rows] == [
        (cancelled.program.title, 1)
    ]
    later = attendance_report(
        user=manager_a, fiscal_year=fy, now=session.start + timedelta(hours=2)
    )
    assert later.total.sessions_held == 1 and later.total.reserved == 1


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert fiscal_year_of(date(2026, 4, 1)) == 2026
    months = fiscal_months(2025)
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1)


def test_bar_chart_geometry():
    assert [nice_step(n) for n in (0, 3, 9, 40, 130, 999)] == [1, 1, 5, 10, 50, 500]
    chart = bar_chart([0, 10, 25], ["4月", "5月", "6月"], width=300, height=200)
    assert chart.maximum == 30 and [t.value for t in chart.ticks] == [0, 10, 20, 30]
    zero, ten, twenty_five = chart.bars
    assert zero.height == 0 and zero.y == chart.baseline
    assert ten.height == pytest.approx(twenty_five.height * 10 / 25, abs=0.2)
    assert all(b.x + b.width <= chart.right for b in chart.bars)
    assert [b.share for b in chart.bars] == [0, 33.3, 83.3]  # a phone's rows, of the axis
    assert bar_chart([], []).bars == []
