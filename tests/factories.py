from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.rules import Contact, Party
from booking.services import reservation_create
from core.services import api_token_create
from events.models import (
    Audience,
    BookingMode,
    Course,
    Facility,
    MemberList,
    MemberOrganisation,
    PartyCounting,
    Program,
    Session,
    StaffMembership,
    StaffRole,
)
from staffdesk.services import phone_booking_create


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"子育て支援センター{n}")
    name_en = factory.Sequence(lambda n: f"Support centre {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")
    city = "鹿児島市"
    address = "鹿児島県鹿児島市山下町15-1"
    email = factory.Sequence(lambda n: f"centre{n}@example.jp")

    class Params:
        # Emails go out at once at any hour: a test must not depend on the hour it runs at.
        no_quiet_hours = factory.Trait(quiet_hours_start=time(0, 0), quiet_hours_end=time(0, 0))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    title = factory.Sequence(lambda n: f"親子ふれあい遊び{n}")
    title_en = factory.Sequence(lambda n: f"Play session {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    audience = Audience.ANYONE
    booking_mode = BookingMode.FIRST_COME
    party_counting = PartyCounting.ADULTS_AND_CHILDREN
    max_adults = 2
    max_children = 3


def a_week_ahead():
    """A week from now, kept on one local day for a 90-minute session.

    Late in the Japanese evening a week from now runs past midnight, and pages write such a
    session with two dates; the suite must read the same whatever hour it runs at.
    """
    start = timezone.now().replace(microsecond=0) + timedelta(days=7)
    local = timezone.localtime(start)
    if local.hour >= 22:
        start -= timedelta(hours=local.hour - 20)
    return start


class SessionFactory(factory.django.DjangoModelFactory):
    """A session a week from now whose registration window is open."""

    class Meta:
        model = Session

    program = factory.SubFactory(ProgramFactory)
    facility = factory.SubFactory(FacilityFactory)
    start = factory.LazyFunction(a_week_ahead)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=90))
    capacity = 10
    registration_opens = factory.LazyAttribute(lambda o: o.start - timedelta(days=30))
    registration_closes = factory.LazyAttribute(lambda o: o.start - timedelta(days=1))
    cancellation_deadline = factory.LazyAttribute(lambda o: o.start - timedelta(days=1))


def named_seminar(facility: Facility, **session_fields) -> Session:
    """A session of イクボスセミナー that asks the name of each of up to 3 managers who come
    (asks_attendee_names): a company books for them and need not come itself."""
    program = ProgramFactory(
        title="イクボスセミナー",
        slug=factory.Sequence(lambda n: f"named-seminar-{n}"),
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=3,
        max_children=0,
        asks_attendee_names=True,
    )
    return SessionFactory(program=program, facility=facility, **{"capacity": 10, **session_fields})


def another_date(session: Session, days: int = 7, **fields) -> Session:
    """Another date of the programme of ``session``, ``days`` later at the same facility, with
    its own registration window (a date a reservation may move to)."""
    fields.setdefault("facility", session.facility)
    return SessionFactory(
        program=session.program,
        start=session.start + timedelta(days=days),
        end=session.end + timedelta(days=days),
        **fields,
    )


def later_in_course(first: Session, weeks: int) -> Session:
    """A session of the course of ``first``, ``weeks`` weeks after it, in the same registration
    window: a course is booked as a whole, while its first session's window is open."""
    shift = timedelta(days=7 * weeks)
    return SessionFactory(
        program=first.program,
        facility=first.facility,
        course=first.course,
        start=first.start + shift,
        end=first.end + shift,
        registration_opens=first.registration_opens,
        registration_closes=first.registration_closes,
        cancellation_deadline=first.cancellation_deadline,
    )


def lottery_session(
    facility: Facility, capacity: int, *, title: str = "ベビーマッサージ", confirm: bool = True
) -> Session:
    """A lottery session open for applications; ``confirm``: winners confirm their place."""
    program = ProgramFactory(
        title=title, booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=confirm
    )
    return SessionFactory(facility=facility, program=program, capacity=capacity)


# 鹿児島市イクボス推進同盟 in small: three members and one that left the alliance.
ALLIANCE_MEMBERS = [
    ("株式会社わかば", "わかば", True),
    ("さくら電機株式会社", "さくらでんき", True),
    ("株式会社ABC商事", "えーびーしーしょうじ", True),
    ("有限会社あおい", "あおい", False),
]


def alliance_list(members: list[tuple[str, str, bool]] = ALLIANCE_MEMBERS) -> MemberList:
    """A member list with its members as (name, reading, active)."""
    alliance = MemberList.objects.create(name="鹿児島市イクボス推進同盟")
    for name, reading, active in members:
        MemberOrganisation.objects.create(
            member_list=alliance, name=name, reading=reading, active=active
        )
    return alliance


def staff_user(facility: Facility, role: str = StaffRole.MANAGER, username: str | None = None):
    User = get_user_model()
    username = username or f"staff-{facility.slug}-{role}"
    user = User.objects.create_user(
        username=username, email=f"{username}@example.jp", password="pw-Staff-123"
    )
    StaffMembership.objects.create(user=user, facility=facility, role=role)
    return user


def api_key(user) -> str:
    """Return a plain-text staff API key of the user, issuing one on first use.

    Only the key's hash is stored, so the key is kept on this user object: fetch the user
    again and you get a new key (the earlier one still works).
    """
    key = getattr(user, "_test_api_key", None)
    if key is None:
        key = api_token_create(user=user, label="tests").key
        user._test_api_key = key
    return key


def book(
    session: Session,
    *,
    email: str = "parent@example.jp",
    adults: int = 1,
    children: int = 0,
    **kwargs,
):
    """Reserve through the service, as the API would."""
    party_fields = {k: kwargs.pop(k) for k in list(kwargs) if k in Party.__dataclass_fields__}
    contact_fields = {k: kwargs.pop(k) for k in list(kwargs) if k in Contact.__dataclass_fields__}
    contact_fields.setdefault("name", "山田 花子")
    return reservation_create(
        session=session,
        party=Party(adults=adults, children=children, **party_fields),
        contact=Contact(email=email, **contact_fields),
        **kwargs,
    )


# The caller every desk test books by phone: no email, so the desk phones her.
PHONE_CALLER = Contact(name="電話 花子", name_kana="でんわ はなこ", phone="090-1234-5678")


def book_by_phone(session: Session, *, by, adults: int = 1, children: int = 0, **kwargs):
    """Book ``PHONE_CALLER`` at the desk (staffdesk's phone booking), as staff would."""
    return phone_booking_create(
        session=session,
        by=by,
        party=Party(adults=adults, children=children),
        contact=PHONE_CALLER,
        **kwargs,
    )


def course_of_three(facility: Facility, program: Program):
    """A course of three weekly sessions from next week, booked by one party as a whole:
    (the sessions, the reservation)."""
    course = Course.objects.create(program=program, facility=facility, title="全3回", slug="c3")
    first = timezone.now().replace(microsecond=0) + timedelta(days=7)
    sessions = [
        SessionFactory(
            program=program, facility=facility, course=course, start=first + timedelta(days=7 * i)
        )
        for i in range(3)
    ]
    reservation = reservation_create(
        course=course,
        party=Party(adults=1),
        contact=Contact(name="鈴木 一郎", email="ichiro@example.jp"),
    ).reservation
    return sessions, reservation
