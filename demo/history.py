"""The demo's past: sessions of the last four months, booked and then run at the desk (check-in
and no-shows through the staff desk's own services), so that a newcomer's yearly report, the
CSV export and the audit log show figures, not zeros.

Idempotent like the rest of the demo: a past session is created once, filled once, and its
attendance is taken once (a session whose parties are all checked in or marked is left alone).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from demo.data import DemoSession
from demo.days import Closures
from demo.load import demo_mail_silence, seats_fill, tokyo_time, week_anchor
from events.models import Facility, Program, Session
from staffdesk.services import check_in, no_shows_mark

# (programme, facility, weekday, start, minutes, capacity, children's places, seats filled): a
# monthly rhythm the report can count, each held every four weeks over the past sixteen weeks.
PAST_PATTERN = [
    ("fureai-0-1", "ribbonkan", 0, time(10), 60, 15, 15, 12),
    ("maternity-meetup", "kurume-plaza", 2, time(13, 30), 90, 12, None, 9),
    ("rinyushoku", "kagoshima-shien-1", 1, time(10, 30), 60, 10, None, 8),
    ("smile-papa", "sukoyaka-plus", 5, time(10), 90, 20, None, 14),
]
WEEKS_BACK = 16
EVERY_WEEKS = 4
# Every seventh party of a past session did not come: the report shows no-shows too.
NO_SHOW_EVERY = 7
DESK_USERNAME = "demo-desk@example.jp"


def desk_user():
    """The staff member the demo's past check-ins are recorded as (no password: no login)."""
    user, created = get_user_model().objects.get_or_create(
        username=DESK_USERNAME, defaults={"email": DESK_USERNAME, "first_name": "受付（デモ）"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def past_sessions_load(today: date | None = None) -> dict[str, int]:
    """Create the past sessions, fill them through the booking rules and take attendance."""
    today = today or timezone.localdate()
    anchor = week_anchor(today)
    programs = {p.slug: p for p in Program.objects.filter(slug__in={p[0] for p in PAST_PATTERN})}
    facilities = {f.slug: f for f in Facility.objects.filter(slug__in={p[1] for p in PAST_PATTERN})}
    created = {"past_sessions": 0, "past_reservations": 0, "past_attendance": 0}
    by = desk_user()
    # A day the facility was closed (年末年始, its closed days) or a public holiday held none.
    closures = Closures(facilities.values(), anchor - timedelta(weeks=WEEKS_BACK), anchor)
    for weeks_ago in range(EVERY_WEEKS, WEEKS_BACK + 1, EVERY_WEEKS):
        for slug, facility, weekday, start_at, minutes, capacity, children, fill in PAST_PATTERN:
            if slug not in programs or facility not in facilities:
                continue
            day = anchor - timedelta(weeks=weeks_ago) + timedelta(days=weekday)
            if closures.shut(facilities[facility], day):
                continue
            start = tokyo_time(day, start_at)
            session, was_created = Session.objects.get_or_create(
                program=programs[slug],
                facility=facilities[facility],
                start=start,
                defaults=dict(
                    end=start + timedelta(minutes=minutes),
                    capacity=capacity,
                    children_capacity=children,
                    registration_opens=tokyo_time(day - timedelta(days=42), time(9)),
                    registration_closes=tokyo_time(day - timedelta(days=1), time(17)),
                    cancellation_deadline=tokyo_time(day - timedelta(days=1), time(17)),
                ),
            )
            created["past_sessions"] += was_created
            spec = DemoSession(slug, facility, 0, weekday, start_at, minutes, capacity, fill=fill)
            created["past_reservations"] += seats_fill(session, spec)
            created["past_attendance"] += attendance_take(session, by)
    demo_mail_silence()
    return created


def attendance_take(session: Session, by) -> int:
    """Check in the parties who came and mark the rest as no-shows; return how many changed."""
    expected = list(
        Reservation.objects.filter(session=session, status=ReservationStatus.CONFIRMED).order_by(
            "id"
        )
    )
    if not expected:
        return 0
    for n, reservation in enumerate(expected, start=1):
        if n % NO_SHOW_EVERY:
            check_in(session=session, reservation=reservation, by=by, now=session.start)
    no_shows_mark(session=session, by=by, now=session.end)
    return len(expected)
