"""Who works where, and the desk's day: a staff member's facilities and the sessions of a day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from booking.models import (
    Reservation,
    ReservationStatus,
)
from events.models import Facility, Session
from events.selectors import (
    staff_facility_ids,
    user_can_manage_facility,
    user_can_run_desk,
)
from staffdesk.models import SessionAttendance
from staffdesk.services import ATTENDED

User = AbstractBaseUser | AnonymousUser


def is_staff_member(user: User) -> bool:
    ids = staff_facility_ids(user)
    return ids is None or bool(ids)


def staff_session(user: User, pk: Any) -> Session:
    """Return a session of one of the user's facilities; any other session does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    session = Session.objects.select_related("program", "facility", "course").filter(pk=pk).first()
    ids = staff_facility_ids(user)
    if session is None or (ids is not None and session.facility_id not in ids):
        raise Http404
    return session


def can_manage(user: User, session: Session) -> bool:
    return user_can_manage_facility(user, session.facility_id)


def can_run_desk(user: User, session: Session) -> bool:
    """Whether the user may check parties in, mark no-shows and add walk-ins (desk, manager)."""
    return user_can_run_desk(user, session.facility_id)


def staff_powers(user: User, session: Session) -> dict[str, bool]:
    """What a page's controls may offer the user at the session's facility: manage it
    (``can_manage``), run its desk (``can_run_desk``: check-in, no-shows, walk-ins)."""
    manage = can_manage(user, session)
    return {"can_manage": manage, "can_run_desk": manage or can_run_desk(user, session)}


def _count_of(qs: QuerySet, inner: str, outer: str) -> Coalesce:
    """A correlated COUNT: rows of ``qs`` whose ``inner`` is the session's ``outer``."""
    counted = (
        qs.filter(**{inner: OuterRef(outer)})
        .order_by()
        .values(inner)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sessions_on_day(*, user: User, day: date, facility: Facility | None = None) -> list[Session]:
    """The day's sessions at the user's facilities, with seats taken and the waiting list."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    qs = Session.objects.select_related("program", "facility", "course").filter(
        start__gte=start, start__lt=start + timedelta(days=1)
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        qs = qs.filter(facility_id__in=ids)
    if facility is not None:
        qs = qs.filter(facility=facility)
    waiting = Reservation.objects.filter(status=ReservationStatus.WAITLISTED)
    qs = qs.annotate(
        waitlist_own=_count_of(waiting, "session_id", "pk"),
        waitlist_course=_count_of(waiting, "course_id", "course_id"),
        attended_own=_count_of(
            Reservation.objects.filter(status=ReservationStatus.ATTENDED), "session_id", "pk"
        ),
        attended_course=_count_of(
            SessionAttendance.objects.filter(status=ATTENDED), "session_id", "pk"
        ),
    )
    # "facility" orders by Facility's own ordering (FACILITY_ORDER).
    sessions = list(qs.order_by("start", "facility", "id"))
    for s in sessions:
        s.waitlist_length = s.waitlist_own + s.waitlist_course
        s.checked_in = s.attended_own + s.attended_course
    return sessions
