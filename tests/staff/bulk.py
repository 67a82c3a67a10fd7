"""Large data sets written in bulk: a 500-party roster, a year of 5,000 sessions.

The rows are what the services would write (seat counters consistent with the parties, one
history row per status change, an outbox row per email), made with ``bulk_create`` so that a
test or a benchmark can build thousands of them in seconds. Used by tests/staff and bench/staff.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from booking.models import HistoryNote, Reservation, ReservationHistory, ReservationStatus
from booking.services import generate_code, hash_token
from events.models import Course, Facility, Program, Session, SessionStatus
from notifications.models import Notification
from staffdesk.models import SessionAttendance

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
FAMILY_KANA = [
    "さとう",
    "すずき",
    "たかはし",
    "たなか",
    "いとう",
    "わたなべ",
    "やまもと",
    "なかむら",
]
GIVEN = ["花子", "美咲", "陽菜", "結衣", "太郎", "健太", "大翔", "蓮"]


def _codes(n: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(generate_code())
    return list(codes)


def roster_of(session: Session, parties: int, *, seed: int = 1) -> list[Reservation]:
    """Give a session ``parties`` confirmed or attended parties, each with two emails queued."""
    rng = random.Random(seed)
    codes = _codes(parties)
    rows = []
    for i in range(parties):
        adults, children = rng.choice([(1, 0), (1, 1), (2, 1), (1, 2)])
        status = ReservationStatus.ATTENDED if i % 3 == 0 else ReservationStatus.CONFIRMED
        rows.append(
            Reservation(
                session=session,
                code=codes[i],
                token_hash=hash_token(codes[i]),
                status=status,
                adults=adults,
                children=children,
                children_ages=[rng.randint(2, 60) for _ in range(children)],
                seats=adults + children,
                name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                name_kana=f"{rng.choice(FAMILY_KANA)} はなこ",
                email=f"roster-{session.pk}-{i}@example.jp",
                phone=f"090-{i:04d}-{rng.randint(0, 9999):04d}",
                notes="アレルギー: 卵" if i % 7 == 0 else "",
            )
        )
    made = Reservation.objects.bulk_create(rows)
    Session.objects.filter(pk=session.pk).update(
        capacity=max(session.capacity, sum(r.seats for r in made)),
        seats_taken=sum(r.seats for r in made),
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            reservation=r,
            kind=kind,
            to_email=r.email,
            due_at=now,
            status="sent" if kind == "confirmed" else "pending",
        )
        for r in made
        for kind in ("confirmed", "reminder")
    )
    session.refresh_from_db()
    return made


def year_of_sessions(
    facilities: list[Facility],
    programs: list[Program],
    *,
    fiscal_year: int,
    sessions: int,
    parties_per_session: int = 3,
    seed: int = 7,
) -> list[Session]:
    """Spread ``sessions`` past sessions over a fiscal year, with parties in every state.

    Each session gets parties attended, no-show, cancelled and confirmed, a waiting-list
    promotion in the history of every other session, and one in fifty is cancelled.
    """
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    start_of_year = datetime(fiscal_year, 4, 1, 10, 0, tzinfo=tz)
    rows = []
    for i in range(sessions):
        start = start_of_year + timedelta(days=rng.randrange(364), hours=rng.choice([0, 3, 5]))
        rows.append(
            Session(
                program=programs[i % len(programs)],
                facility=facilities[i % len(facilities)],
                start=start,
                end=start + timedelta(hours=1, minutes=30),
                capacity=parties_per_session * 3 + 2,
                registration_opens=start - timedelta(days=30),
                registration_closes=start - timedelta(days=1),
                cancellation_deadline=start - timedelta(days=1),
                status=SessionStatus.CANCELLED if i % 50 == 49 else SessionStatus.SCHEDULED,
            )
        )
    made = Session.objects.bulk_create(rows, batch_size=2000)
    cycle = [
        ReservationStatus.ATTENDED,
        ReservationStatus.NO_SHOW,
        ReservationStatus.CANCELLED,
        ReservationStatus.CONFIRMED,
    ]
    codes = iter(_codes(len(made) * parties_per_session))
    reservations = []
    for s in made:
        for j in range(parties_per_session):
            adults, children = rng.choice([(1, 0), (1, 1), (2, 1)])
            status = cycle[(s.pk + j) % len(cycle)]
            if s.status == SessionStatus.CANCELLED:
                status = ReservationStatus.CANCELLED
            code = next(codes)
            reservations.append(
                Reservation(
                    session=s,
                    code=code,
                    token_hash=hash_token(code),
                    status=status,
                    adults=adults,
                    children=children,
                    seats=adults + children,
                    name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    email=f"y-{s.pk}-{j}@example.jp",
                )
            )
    Reservation.objects.bulk_create(reservations, batch_size=2000)
    by_session: dict[int, int] = {}
    saved = list(
        Reservation.objects.filter(session__in=made).values("pk", "session_id", "seats", "status")
    )
    for r in saved:
        if r["status"] in (
            ReservationStatus.ATTENDED,
            ReservationStatus.NO_SHOW,
            ReservationStatus.CONFIRMED,
        ):
            by_session[r["session_id"]] = by_session.get(r["session_id"], 0) + r["seats"]
    for s in made:
        s.seats_taken = by_session.get(s.pk, 0)
    Session.objects.bulk_update(made, ["seats_taken"], batch_size=2000)
    promoted = [r for r in saved if r["status"] == ReservationStatus.CONFIRMED][::2]
    ReservationHistory.objects.bulk_create(
        [
            ReservationHistory(
                reservation_id=r["pk"],
                from_status=ReservationStatus.WAITLISTED,
                to_status=ReservationStatus.CONFIRMED,
                actor_label="system",
                note=HistoryNote.PROMOTED_CANCELLATION,
            )
            for r in promoted
        ],
        batch_size=2000,
    )
    return made


def course_with_attendance(facility: Facility, program: Program, start: datetime) -> Course:
    """A three-session course with two parties: one comes twice, one misses the second."""
    course = Course.objects.create(
        program=program,
        facility=facility,
        title="ペアレントトレーニング",
        slug=f"pt-{start:%Y%m%d}",
    )
    sessions = [
        Session.objects.create(
            program=program,
            facility=facility,
            course=course,
            start=start + timedelta(weeks=w),
            end=start + timedelta(weeks=w, hours=2),
            capacity=10,
            seats_taken=3,
            registration_opens=start - timedelta(days=30),
            registration_closes=start - timedelta(days=1),
            cancellation_deadline=start - timedelta(days=1),
        )
        for w in range(3)
    ]
    parties = []
    for i, (adults, children) in enumerate([(1, 1), (1, 0)]):
        code = generate_code()
        parties.append(
            Reservation.objects.create(
                course=course,
                code=code,
                token_hash=hash_token(code),
                status=ReservationStatus.CONFIRMED,
                adults=adults,
                children=children,
                seats=adults + children,
                name=f"講座 {GIVEN[i]}",
                email=f"course-{course.pk}-{i}@example.jp",
            )
        )
    first, second = parties
    for s in sessions[:2]:
        SessionAttendance.objects.create(reservation=first, session=s, status="attended")
    SessionAttendance.objects.create(reservation=second, session=sessions[0], status="attended")
    SessionAttendance.objects.create(reservation=second, session=sessions[1], status="no_show")
    return course
