"""Load the demo: the catalogue of ``demo.data``, with parties booked through the real rules.

Dates are anchored to the Monday of the current week (Asia/Tokyo), so loading twice in a week
finds every row already there and changes nothing, but for the session of the day (for trying
check-in): loading on another day adds that day's one. Sessions keep to opening hours and off
closed days and holidays (``demo.days``), and demo parties carry their ふりがな. The demo may use
every app: it sits on top of them all.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from booking.models import Reservation
from booking.rules import Contact, Party
from booking.services import reservation_create
from demo.data import DEMO_MANAGERS, DEMO_NAMES, FACILITIES, PROGRAMS, SESSIONS, DemoSession
from demo.days import CLOSES, OPENS, Closures, session_days
from demo.members import demo_members_load
from events.models import BookingMode, Course, Facility, Program, Session, SessionStatus
from notifications.models import Notification, NotificationStatus


def week_anchor(today: date) -> date:
    return today - timedelta(days=today.weekday())


def tokyo_time(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


STARTED_MINUTES = 120


@transaction.atomic
def started_today(today: date, facility: Facility) -> DemoSession | None:
    """A session of the day that began 45 minutes ago (on the quarter hour), so that staff can
    try the no-show action at once; none when the demo is loaded for another day, and only one
    however often it is loaded (issue 21, item 18).

    It is held in opening hours: loaded before 9:45 there is none yet, loaded late it is the
    day's last (15:00 to 17:00)."""
    now = timezone.localtime()
    at = now - timedelta(minutes=45)
    if today != now.date() or at.date() != today or at.time() < OPENS:
        return None
    begun = Session.objects.filter(
        facility=facility, program__slug="sukoyaka-koryukai", start__date=today, start__lte=now
    )
    if begun.exists():
        return None
    latest = datetime.combine(today, CLOSES) - timedelta(minutes=STARTED_MINUTES)
    at = min(time(at.hour, at.minute - at.minute % 15), latest.time())
    return DemoSession(
        "sukoyaka-koryukai", "ribbonkan", 0, today.weekday(), at, STARTED_MINUTES, 12, fill=6
    )


def load_demo(today: date | None = None) -> dict[str, int]:
    """Create or update the demo catalogue; return how many rows were created per kind."""
    today = today or timezone.localdate()
    created = {"facilities": 0, "programs": 0, "courses": 0, "sessions": 0}
    facilities = {}
    for data in FACILITIES:
        values = dict(data)
        facility, was_created = Facility.objects.get_or_create(
            slug=values.pop("slug"), defaults=values
        )
        facilities[facility.slug] = facility
        created["facilities"] += was_created
    programs = {}
    for data in PROGRAMS:
        values = dict(data)
        program, was_created = Program.objects.get_or_create(
            slug=values.pop("slug"), defaults=values
        )
        programs[program.slug] = program
        created["programs"] += was_created
    created["members"] = demo_members_load(programs)
    anchor = week_anchor(today)
    sessions: list[tuple[Session, DemoSession]] = []
    # One session on the day the demo is loaded, so that staff can try check-in (it opens on
    # the day of the session); loading again on a later day adds that day's one.
    todays = DemoSession(
        "fureai-0-1",
        "ribbonkan",
        0,
        today.weekday(),
        time(15, 30),
        60,
        15,
        fill=9,
        children_capacity=15,
    )
    # The catalogue's days move off closed days and holidays; today's sessions are today's or
    # none (a centre closed today holds none).
    days = session_days(SESSIONS, anchor, facilities)
    specs = [(spec, day) for spec, day in zip(SESSIONS, days, strict=True) if day is not None]
    if not Closures(facilities.values(), today, today).shut(facilities["ribbonkan"], today):
        specs.append((todays, today))
        started = started_today(today, facilities["ribbonkan"])
        if started is not None:
            specs.append((started, today))
    for spec, day in specs:
        start = tokyo_time(day, spec.start)
        course = None
        if spec.course:
            course, was_created = Course.objects.get_or_create(
                slug=spec.course,
                defaults={
                    "program": programs[spec.program],
                    "facility": facilities[spec.facility],
                    "title": f"{programs[spec.program].title}（冬期・全4回）",
                },
            )
            created["courses"] += was_created
        program = programs[spec.program]
        if program.booking_mode == BookingMode.LOTTERY:
            opens = tokyo_time(today - timedelta(days=today.weekday() + 7), time(9))
            closes = tokyo_time(day - timedelta(days=10), time(17))
        else:
            opens = tokyo_time(day - timedelta(days=42), time(9))
            closes = tokyo_time(day - timedelta(days=1), time(17))
        if course is not None:
            first_day = min(d for s, d in specs if s.course == spec.course)
            opens = tokyo_time(first_day - timedelta(days=42), time(9))
            closes = tokyo_time(first_day - timedelta(days=1), time(17))
        session, was_created = Session.objects.get_or_create(
            program=program,
            facility=facilities[spec.facility],
            start=start,
            defaults=dict(
                end=start + timedelta(minutes=spec.minutes),
                capacity=spec.capacity,
                children_capacity=spec.children_capacity,
                childcare_capacity=spec.childcare,
                course=course,
                registration_opens=opens,
                registration_closes=closes,
                cancellation_deadline=tokyo_time(day - timedelta(days=1), time(17)),
                status=SessionStatus.CANCELLED if spec.cancelled else SessionStatus.SCHEDULED,
                cancel_reason="講師の都合により中止します。" if spec.cancelled else "",
            ),
        )
        created["sessions"] += was_created
        sessions.append((session, spec))
    created["reservations"] = sum(seats_fill(session, spec) for session, spec in sessions)
    demo_mail_silence()
    return created


def demo_mail_silence() -> None:
    """Demo parents are made up: their confirmations are kept in the outbox but not sent."""
    Notification.objects.filter(
        reservation__source="demo", status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.SKIPPED, last_error="demo data: not sent")


def demo_party(program: Program, day: date, i: int):
    ages = []
    children = 0
    if program.requires_child_ages:
        children = 1
        ages = [(program.child_age_min_months or 0) + i % 3]
    adults = 1
    names: list[str] = []
    if program.asks_attendee_names:  # a company sends one or two of its managers
        adults = min(1 + i % 2, program.max_adults)
        names = [DEMO_MANAGERS[(i + n) % len(DEMO_MANAGERS)] for n in range(adults)]
    return Party(
        adults=adults,
        attendee_names=tuple(names),
        children=children,
        children_ages=ages,
        due_date=day + timedelta(days=60 + i) if program.requires_due_date else None,
        company="株式会社デモ商事" if program.requires_company else "",
        priority_group="first_pregnancy" if program.priority_groups and i % 2 == 0 else "",
    )


def seats_fill(session: Session, spec: DemoSession) -> int:
    """Book demo parties through the real booking rules until the session holds spec.fill seats."""
    wanted = spec.fill or spec.applicants
    if not wanted or session.status == SessionStatus.CANCELLED:
        return 0
    made = 0
    i = Reservation.objects.filter(session=session).count()
    day = timezone.localtime(session.start).date()
    while True:
        session.refresh_from_db()
        have = (
            session.seats_taken
            if spec.fill
            else Reservation.objects.filter(session=session).count()
        )
        if have >= wanted or i > wanted * 2:
            return made
        reservation_create(
            session=session,
            party=demo_party(session.program, day, i),
            contact=Contact(
                name=DEMO_NAMES[i % len(DEMO_NAMES)][0],
                name_kana=DEMO_NAMES[i % len(DEMO_NAMES)][1],
                email=f"demo-{session.pk}-{i}@example.jp",
            ),
            source="demo",
            now=session.registration_opens + timedelta(minutes=1),
        )
        made += 1
        i += 1
