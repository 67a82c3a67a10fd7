"""A session's roster, its waiting list and its audit log, as the desk shows and prints them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from booking.addresses import receives_email
from booking.models import (
    SEAT_HOLDING,
    HistoryNote,
    LotteryDraw,
    Reservation,
    ReservationHistory,
    ReservationStatus,
)
from booking.services import waitlist_queryset
from core.search import phone_search_column, phone_search_match, search_column, search_key
from events.models import Session
from notifications.models import Notification, NotificationStatus
from staffdesk.models import SessionAttendance, StaffAction
from staffdesk.services import ATTENDED, NO_SHOW, roster_filter, single_attendance
from staffdesk.terms import (
    NOTIFICATION_KIND,
    RESERVATION_STATUS,
    SOURCE,
    sending_term,
)

SORTS = ("kana", "code")


# The parties holding seats (the door list), everyone, or a lottery's applications (抽選申込).
ROSTER_SCOPES = ("active", "all", "applied")
# The page's list more: the parties whose bookings a cancelled session's cancellation (中止)
# cancelled (the API's ``scope`` keeps the three above).
AFFECTED = "affected"
PAGE_SCOPES = (*ROSTER_SCOPES, AFFECTED)


def to_katakana(text: str) -> str:
    """Fold hiragana into katakana (and half-width into full-width) to sort and search kana."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def to_hiragana(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def search_filter(query: str) -> Q | None:
    """Reservations matching a roster search: a name (the booker's or one of those who come),
    its kana (hiragana or katakana), a code, a phone number or an email address; None when there
    is nothing to search for."""
    key = search_key(query)
    if not key:
        return None
    match = Q(email__icontains=unicodedata.normalize("NFKC", query.strip()))
    named = attendees_named(key)
    if named:
        match |= Q(pk__in=named)
    for variant in {key, to_katakana(key), to_hiragana(key)}:
        match |= (
            Q(search_name__icontains=variant)
            | Q(search_kana__icontains=variant)
            | Q(search_code__icontains=variant)
        )
    return match | phone_search_match(query)


def attendees_named(key: str) -> list[int]:
    """Reservations one of whose names of those who come holds ``key`` (a search's text): a
    manager a company booked for finds the booking by his own name. The names are a JSON list,
    which SQLite keeps with its characters escaped, so the reservations of the programmes that
    ask names (a few seminars a year) are read and compared here, in one query."""
    wanted = to_katakana(key).casefold()
    rows = Reservation.objects.filter(
        Q(session__program__asks_attendee_names=True) | Q(course__program__asks_attendee_names=True)
    ).values_list("pk", "attendee_names")
    return [
        pk
        for pk, names in rows.iterator()
        if any(wanted in to_katakana(search_key(name)).casefold() for name in names or [])
    ]


def with_search_columns(qs: QuerySet[Reservation]) -> QuerySet[Reservation]:
    return qs.annotate(
        search_name=search_column("name"),
        search_kana=search_column("name_kana"),
        search_code=search_column("code"),
        search_phone=phone_search_column(),
    )


def cancelled_by_session(session: Session) -> Q:
    """Reservations the session's cancellation (中止) cancelled: their move to cancelled is kept
    with that note and the session's reason, as ``reservations_cancel_for_session`` writes it."""
    moved = ReservationHistory.objects.filter(
        reservation=OuterRef("pk"),
        to_status=ReservationStatus.CANCELLED,
        note=HistoryNote.SESSION_CANCELLED,
        reason=session.cancel_reason,
    )
    return Q(status=ReservationStatus.CANCELLED) & Q(Exists(moved))


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


@dataclass
class RosterRow:
    reservation: Reservation
    attendance: str
    notification: Notification | None  # the latest one
    notifications_failed: int
    # Display labels in the request's language (translated once per roster, not per row).
    status_label: str = ""
    source_label: str = ""  # 電話予約, 当日参加; none for the parents' own booking
    notification_label: str = ""
    notification_status_label: str = ""
    # A lottery win still to be confirmed whose deadline has not passed (staff may confirm it).
    win_confirmable: bool = False
    # Cancelled because the session was (中止): the party is told by email, or else by phone.
    cancelled_by_session: bool = False

    @property
    def code(self) -> str:
        return self.reservation.code

    @property
    def email(self) -> str:
        """The party's address; "" for one booked without (phone, walk-in) or erased."""
        email = self.reservation.email
        return email if receives_email(email) else ""

    @property
    def win_unconfirmed(self) -> bool:
        return self.reservation.status == ReservationStatus.WON

    @property
    def win_to_phone(self) -> bool:
        """A winner with no address: nobody tells them but staff, by phone."""
        return self.win_unconfirmed and not self.email

    @property
    def cancel_to_phone(self) -> bool:
        """Cancelled with the session, and no address: nobody tells them but staff, by phone."""
        return self.cancelled_by_session and not self.email

    @property
    def sort_name(self) -> str:
        r = self.reservation
        return to_katakana(r.name_kana or r.name)

    @property
    def expected(self) -> bool:
        return self.reservation.status in SEAT_HOLDING and not self.attendance

    @property
    def checkable(self) -> bool:
        return checkable(self.reservation)

    @property
    def needs_text(self) -> str:
        return self.reservation.needs_text()


def checkable(reservation: Reservation) -> bool:
    """Whether the party may be checked in (or the check-in undone)."""
    if reservation.course_id is not None:
        return reservation.status in (ReservationStatus.CONFIRMED, ReservationStatus.WON)
    return reservation.status in SEAT_HOLDING


@dataclass
class Roster:
    session: Session
    rows: list[RosterRow]
    sort: str
    query: str
    scope: str
    # A cancelled session's parties whose bookings its cancellation cancelled, and of them those
    # with no email address (staff phone them); whatever the list shows.
    affected: int = 0
    affected_to_phone: int = 0

    @property
    def parties(self) -> int:
        return sum(1 for r in self.rows if r.reservation.status in SEAT_HOLDING)

    @property
    def people(self) -> int:
        return sum(
            r.reservation.adults + r.reservation.children
            for r in self.rows
            if r.reservation.status in SEAT_HOLDING
        )

    @property
    def attended(self) -> int:
        return sum(1 for r in self.rows if r.attendance == ATTENDED)

    @property
    def no_shows(self) -> int:
        return sum(1 for r in self.rows if r.attendance == NO_SHOW)


def roster(
    *,
    session: Session,
    sort: str = "kana",
    query: str = "",
    scope: str = "active",
    now: datetime | None = None,
) -> Roster:
    """Return the session's parties with attendance and notification state, in 3 queries (4
    with a search, which also reads the names of those who come).

    ``scope`` "active" lists the parties holding seats (the door list); "all" adds the waiting
    list, lottery applicants and cancellations; "applied" lists the lottery applicants alone;
    "affected" the parties whose bookings the session's cancellation (中止) cancelled. A search
    ignores spaces and hyphens (``search_filter``).
    """
    now = now or timezone.now()
    sort = sort if sort in SORTS else "kana"
    scope = scope if scope in PAGE_SCOPES else "active"
    qs = Reservation.objects.filter(roster_filter(session))
    if scope == "active":
        qs = qs.filter(status__in=SEAT_HOLDING)
    elif scope == "applied":
        qs = qs.filter(status=ReservationStatus.APPLIED)
    elif scope == AFFECTED:
        qs = qs.filter(cancelled_by_session(session))
    query = (query or "").strip()
    match = search_filter(query)
    if match is not None:
        qs = with_search_columns(qs).filter(match)
    affected = _affected(session)
    notifications = Notification.objects.only(
        "id", "reservation_id", "kind", "status", "created_at", "sent_at", "due_at"
    ).order_by("-created_at", "-id")
    attendances = SessionAttendance.objects.filter(session=session).only(
        "id", "reservation_id", "session_id", "status"
    )
    qs = qs.prefetch_related(
        Prefetch("notifications", queryset=notifications, to_attr="notification_list"),
    )
    if session.course_id:
        qs = qs.prefetch_related(
            Prefetch("session_attendances", queryset=attendances, to_attr="attendance_here")
        )
    status_labels = _labels(RESERVATION_STATUS.items())
    kind_labels = _labels(NOTIFICATION_KIND.items())
    source_labels = _labels(SOURCE.items())
    rows = []
    for r in qs:
        if r.course_id is None:
            state = single_attendance(r)
        else:
            here = getattr(r, "attendance_here", [])
            state = here[0].status if here else ""
        latest = r.notification_list[0] if r.notification_list else None
        rows.append(
            RosterRow(
                reservation=r,
                attendance=state,
                notification=latest,
                notifications_failed=sum(
                    1 for n in r.notification_list if n.status == NotificationStatus.FAILED
                ),
                status_label=status_labels.get(r.status, r.status),
                source_label=source_labels.get(r.source, ""),
                notification_label=kind_labels.get(latest.kind, latest.kind) if latest else "",
                notification_status_label=sending_term(latest) if latest else "",
                win_confirmable=r.status == ReservationStatus.WON
                and (r.confirm_by is None or now <= r.confirm_by),
                cancelled_by_session=r.pk in affected,
            )
        )
    if sort == "code":
        rows.sort(key=lambda row: row.code)
    else:
        rows.sort(key=lambda row: (row.sort_name, row.reservation.name, row.code))
    return Roster(
        session=session,
        rows=rows,
        sort=sort,
        query=query,
        scope=scope,
        affected=len(affected),
        affected_to_phone=sum(1 for email in affected.values() if not receives_email(email)),
    )


def _affected(session: Session) -> dict[int, str]:
    """A cancelled session's parties that its cancellation cancelled: id to email address."""
    if not session.is_cancelled:
        return {}
    qs = Reservation.objects.filter(roster_filter(session)).filter(cancelled_by_session(session))
    return dict(qs.values_list("pk", "email"))


def attended_count(session: Session) -> int:
    """Parties checked in at a session so far."""
    own = Reservation.objects.filter(session=session, status=ReservationStatus.ATTENDED).count()
    if not session.course_id:
        return own
    return own + SessionAttendance.objects.filter(session=session, status=ATTENDED).count()


@dataclass
class WaitingList:
    session: Session
    waiting: list[Reservation]
    applicants: list[Reservation]
    draw: LotteryDraw | None


def waiting_list(*, session: Session) -> WaitingList:
    course = session.course if session.course_id else None
    waiting = list(waitlist_queryset(session=None if course else session, course=course))
    applicants = list(
        Reservation.objects.filter(
            roster_filter(session), status=ReservationStatus.APPLIED
        ).order_by("priority_group", "id")
    )
    draw = LotteryDraw.objects.filter(session=session).select_related("drawn_by").first()
    return WaitingList(session=session, waiting=waiting, applicants=applicants, draw=draw)


def audit_log(*, session: Session) -> QuerySet[StaffAction]:
    return (
        StaffAction.objects.filter(session=session)
        .select_related("actor", "reservation")
        .order_by("-at", "-id")
    )
