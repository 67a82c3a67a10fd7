"""Demo catalogue from ../shared/DOMAIN.md: facilities, programmes and eight weeks of sessions.

Dates are anchored to the Monday of the current week (Asia/Tokyo), so loading twice in a week
finds every row already there and changes nothing, but for the session of the day (for trying
check-in): loading on another day adds that day's one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from events.models import (
    Audience,
    BookingMode,
    Course,
    Facility,
    PartyCounting,
    Program,
    Session,
    SessionStatus,
)

FACILITIES = [
    dict(
        slug="ribbonkan",
        name="すこやか子育て交流館（りぼんかん）",
        name_en="Sukoyaka Kosodate Koryukan (Ribbonkan)",
        city="鹿児島市",
        address="鹿児島県鹿児島市山下町15-1",
        access="市電「市役所前」電停から徒歩3分。駐車場はありません。",
        phone="099-000-0001",
        email="ribbonkan@example.jp",
        latitude=Decimal("31.596600"),
        longitude=Decimal("130.557000"),
    ),
    dict(
        slug="tsudoi-higashi",
        name="親子つどいの広場（東）",
        name_en="Oyako Tsudoi no Hiroba (East)",
        city="鹿児島市",
        address="鹿児島県鹿児島市東部（デモ）",
        access="バス停から徒歩5分",
        phone="099-000-0011",
        email="tsudoi-east@example.jp",
    ),
    dict(
        slug="tsudoi-nishi",
        name="親子つどいの広場（西）",
        name_en="Oyako Tsudoi no Hiroba (West)",
        city="鹿児島市",
        address="鹿児島県鹿児島市西部（デモ）",
        access="バス停から徒歩3分",
        phone="099-000-0012",
        email="tsudoi-west@example.jp",
    ),
    dict(
        slug="tsudoi-minami",
        name="親子つどいの広場（南）",
        name_en="Oyako Tsudoi no Hiroba (South)",
        city="鹿児島市",
        address="鹿児島県鹿児島市南部（デモ）",
        access="駐車場10台",
        phone="099-000-0013",
        email="tsudoi-south@example.jp",
    ),
    dict(
        slug="tsudoi-kita",
        name="親子つどいの広場（北）",
        name_en="Oyako Tsudoi no Hiroba (North)",
        city="鹿児島市",
        address="鹿児島県鹿児島市北部（デモ）",
        access="駐車場5台",
        phone="099-000-0014",
        email="tsudoi-north@example.jp",
    ),
    dict(
        slug="kagoshima-shien-1",
        name="地域子育て支援センター（中央）",
        name_en="Community Child-care Support Centre (Central)",
        city="鹿児島市",
        address="鹿児島県鹿児島市中央（デモ）",
        access="",
        phone="099-000-0021",
        email="shien-central@example.jp",
    ),
    dict(
        slug="kagoshima-jido-1",
        name="児童センター（鴨池）",
        name_en="Children's Centre (Kamoike)",
        city="鹿児島市",
        address="鹿児島県鹿児島市鴨池（デモ）",
        access="",
        phone="099-000-0031",
        email="jido-kamoike@example.jp",
    ),
    dict(
        slug="kurume-plaza",
        name="子育て交流プラザ",
        name_en="Kosodate Koryu Plaza",
        city="久留米市",
        address="福岡県久留米市六ツ門町（デモ）",
        access="西鉄久留米駅から徒歩10分",
        phone="0942-00-0001",
        email="plaza@example.jp",
        latitude=Decimal("33.316300"),
        longitude=Decimal("130.515000"),
    ),
    dict(
        slug="sukoyaka-plus",
        name="すこやかひろば・ぷらす（額部保育所）",
        name_en="Sukoyaka Hiroba Plus (Nukabe Nursery)",
        city="松阪市",
        address="三重県松阪市（デモ）",
        access="",
        phone="0598-00-0001",
        email="plus@example.jp",
    ),
    dict(
        slug="tokotoko",
        name="地域子育て支援拠点「とことこ」",
        name_en="Tokotoko Child-care Support Hub",
        city="横浜市金沢区",
        address="神奈川県横浜市金沢区（デモ）",
        access="京急金沢文庫駅から徒歩7分",
        phone="045-000-0001",
        email="tokotoko@example.jp",
    ),
]

PROGRAMS = [
    dict(
        slug="smile-papa",
        title="まつさかスマイルパパ講座",
        title_en="Matsusaka Smile Papa course",
        description="育児スキルの紹介、相談窓口の案内、地域資源の活用法、職場と家庭の両立のヒント。父親同士の交流の場です。",
        audience=Audience.FATHERS,
        what_to_bring="筆記用具",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=2,
        childcare_offered=True,
    ),
    dict(
        slug="maternity-meetup",
        title="マタニティ交流会",
        title_en="Maternity meetup",
        description="妊娠中から地域の子育て支援施設を知り、妊婦同士がつながる交流会です。",
        audience=Audience.EXPECTANT_PARENTS,
        what_to_bring="母子健康手帳",
        requires_due_date=True,
        eligibility_note="妊娠中の方とそのパートナーが対象です。出産予定日をご入力ください。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
    ),
    dict(
        slug="maternity-class",
        title="マタニティ教室",
        title_en="Maternity class",
        description="沐浴の練習、お父さんの妊婦体験ジャケット体験など。",
        audience=Audience.EXPECTANT_PARENTS,
        what_to_bring="母子健康手帳、タオル",
        requires_due_date=True,
        eligibility_note="妊娠中の方とそのパートナーが対象です。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
        booking_mode=BookingMode.LOTTERY,
        priority_groups=[{"key": "first_pregnancy", "label": "初めての妊娠の方"}],
    ),
    dict(
        slug="ikuboss-seminar",
        title="イクボスセミナー",
        title_en="Ikuboss seminar",
        description="部下のキャリアとワークライフバランスを応援する上司のためのセミナー。",
        audience=Audience.MEMBER_MANAGERS,
        requires_company=True,
        eligibility_note="鹿児島市イクボス推進同盟の加盟企業・団体の管理職の方が対象です。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=3,
        max_children=0,
    ),
    dict(
        slug="rinyushoku",
        title="離乳食教室",
        title_en="Weaning-food class",
        description="お口の機能と食習慣について学びます。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=5,
        child_age_max_months=11,
        eligibility_note="生後5か月から11か月のお子さんの保護者が対象です。",
        what_to_bring="母子健康手帳、エプロン",
        party_counting=PartyCounting.ADULTS_ONLY,
    ),
    dict(
        slug="bookstart",
        title="ブックスタート",
        title_en="Bookstart",
        description="絵本を通じて赤ちゃんと楽しい時間を。読み聞かせを体験します。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=0,
        child_age_max_months=11,
        party_counting=PartyCounting.ADULTS_AND_CHILDREN,
    ),
    dict(
        slug="fureai-0-1",
        title="年齢別 親子ふれあい遊び（0〜1歳）",
        title_en="Parent-child play (0-1 years)",
        description="0〜1歳のお子さんと保護者のふれあい遊び。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=0,
        child_age_max_months=23,
        party_counting=PartyCounting.CHILDREN_SEPARATE,
        what_to_bring="飲み物、タオル",
    ),
    dict(
        slug="parent-training",
        title="ペアレントトレーニング",
        title_en="Parent training",
        description="全4回の連続講座です。4回すべてにお申し込みください。",
        audience=Audience.ANYONE,
        party_counting=PartyCounting.ADULTS_ONLY,
        childcare_offered=True,
    ),
    dict(
        slug="sukoyaka-koryukai",
        title="健やか子育て交流会",
        title_en="Sukoyaka parenting exchange meeting",
        description="地区別の子育て交流会です。",
        audience=Audience.ANYONE,
    ),
    dict(
        slug="nyuen-soudan",
        title="入園相談会（出張形式）",
        title_en="Nursery admission consultation",
        description="入園に関するご相談をお受けします。",
        audience=Audience.PARENTS_AGE_BAND,
        party_counting=PartyCounting.ADULTS_ONLY,
    ),
    dict(
        slug="shigoto-cafe",
        title="しごと相談カフェ",
        title_en="Job consultation café",
        description="お仕事を探している保護者の方の相談会。",
        audience=Audience.ANYONE,
        party_counting=PartyCounting.ADULTS_ONLY,
        childcare_offered=True,
    ),
]


@dataclass(frozen=True)
class DemoSession:
    program: str
    facility: str
    week: int
    weekday: int
    start: time
    minutes: int
    capacity: int
    fill: int = 0  # seats to fill with demo reservations (0 = none)
    cancelled: bool = False
    childcare: int | None = None
    children_capacity: int | None = None
    course: str | None = None
    applicants: int = 0  # lottery applications to add


SESSIONS = [
    DemoSession("smile-papa", "sukoyaka-plus", 1, 5, time(10), 90, 20, fill=18, childcare=5),
    DemoSession("smile-papa", "sukoyaka-plus", 5, 5, time(10), 90, 20, childcare=5),
    DemoSession("maternity-meetup", "kurume-plaza", 1, 2, time(13, 30), 90, 12, fill=11),
    DemoSession("maternity-meetup", "kurume-plaza", 4, 2, time(13, 30), 90, 12),
    DemoSession("maternity-meetup", "kurume-plaza", 7, 2, time(13, 30), 90, 12),
    DemoSession("maternity-class", "ribbonkan", 3, 5, time(10), 120, 16, applicants=14),
    DemoSession("ikuboss-seminar", "ribbonkan", 2, 3, time(15), 120, 60, fill=40),
    DemoSession("ikuboss-seminar", "ribbonkan", 6, 3, time(15), 120, 60),
    DemoSession("rinyushoku", "kagoshima-shien-1", 1, 1, time(10, 30), 60, 10, fill=10),
    DemoSession("rinyushoku", "kagoshima-shien-1", 3, 1, time(10, 30), 60, 10),
    DemoSession("bookstart", "tsudoi-higashi", 2, 4, time(10), 45, 15),
    DemoSession("bookstart", "tsudoi-nishi", 2, 4, time(14), 45, 15, cancelled=True),
    DemoSession("fureai-0-1", "ribbonkan", 1, 0, time(10), 60, 15, children_capacity=15),
    DemoSession("fureai-0-1", "ribbonkan", 2, 0, time(10), 60, 15, children_capacity=15),
    DemoSession("fureai-0-1", "tsudoi-minami", 3, 0, time(10), 60, 10, children_capacity=10),
    DemoSession("fureai-0-1", "tsudoi-kita", 4, 0, time(10), 60, 10, children_capacity=10),
    DemoSession("sukoyaka-koryukai", "tokotoko", 2, 2, time(10), 90, 30),
    DemoSession("sukoyaka-koryukai", "tokotoko", 6, 2, time(10), 90, 30),
    DemoSession("nyuen-soudan", "kagoshima-jido-1", 3, 3, time(13), 120, 20),
    DemoSession("shigoto-cafe", "ribbonkan", 4, 1, time(10), 90, 8, childcare=4),
    DemoSession(
        "parent-training",
        "sukoyaka-plus",
        2,
        1,
        time(10),
        90,
        12,
        childcare=4,
        course="parent-training-winter",
    ),
    DemoSession(
        "parent-training",
        "sukoyaka-plus",
        3,
        1,
        time(10),
        90,
        12,
        childcare=4,
        course="parent-training-winter",
    ),
    DemoSession(
        "parent-training",
        "sukoyaka-plus",
        4,
        1,
        time(10),
        90,
        12,
        childcare=4,
        course="parent-training-winter",
    ),
    DemoSession(
        "parent-training",
        "sukoyaka-plus",
        5,
        1,
        time(10),
        90,
        12,
        childcare=4,
        course="parent-training-winter",
    ),
]


def week_anchor(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


@transaction.atomic
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
    for spec in [*SESSIONS, todays]:
        day = anchor + timedelta(weeks=spec.week, days=spec.weekday)
        start = _aware(day, spec.start)
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
            opens = _aware(today - timedelta(days=today.weekday() + 7), time(9))
            closes = _aware(day - timedelta(days=10), time(17))
        else:
            opens = _aware(day - timedelta(days=42), time(9))
            closes = _aware(day - timedelta(days=1), time(17))
        if course is not None:
            first_day = anchor + timedelta(
                weeks=min(s.week for s in SESSIONS if s.course == spec.course), days=spec.weekday
            )
            opens = _aware(first_day - timedelta(days=42), time(9))
            closes = _aware(first_day - timedelta(days=1), time(17))
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
                cancellation_deadline=_aware(day - timedelta(days=1), time(17)),
                status=SessionStatus.CANCELLED if spec.cancelled else SessionStatus.SCHEDULED,
                cancel_reason="講師の都合により中止します。" if spec.cancelled else "",
            ),
        )
        created["sessions"] += was_created
        sessions.append((session, spec))
    created["reservations"] = sum(_fill(session, spec) for session, spec in sessions)
    _silence_demo_mail()
    return created


def _silence_demo_mail() -> None:
    """Demo parents are made up: their confirmations are kept in the outbox but not sent."""
    from notifications.models import Notification, NotificationStatus

    Notification.objects.filter(
        reservation__source="demo", status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.SKIPPED, last_error="demo data: not sent")


DEMO_NAMES = [
    "山田 花子",
    "佐藤 太郎",
    "鈴木 美咲",
    "高橋 健",
    "田中 由美",
    "伊藤 大輔",
    "渡辺 さくら",
    "中村 翔",
]


def _demo_party(program: Program, day: date, i: int):
    from booking.rules import Party

    ages = []
    children = 0
    if program.requires_child_ages:
        children = 1
        ages = [(program.child_age_min_months or 0) + i % 3]
    return Party(
        adults=1,
        children=children,
        children_ages=ages,
        due_date=day + timedelta(days=60 + i) if program.requires_due_date else None,
        company="株式会社デモ商事" if program.requires_company else "",
        priority_group="first_pregnancy" if program.priority_groups and i % 2 == 0 else "",
    )


def _fill(session: Session, spec: DemoSession) -> int:
    """Book demo parties through the real booking rules until the session holds spec.fill seats."""
    from booking.models import Reservation
    from booking.services import reservation_create

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
            party=_demo_party(session.program, day, i),
            name=DEMO_NAMES[i % len(DEMO_NAMES)],
            email=f"demo-{session.pk}-{i}@example.jp",
            source="demo",
            now=session.registration_opens + timedelta(minutes=1),
        )
        made += 1
        i += 1
