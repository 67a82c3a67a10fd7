"""The export of a facility's reservations over a period (personal data: every staff role reads
it, as it reads the rosters; each export is logged as a staff action)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Q,
)
from django.utils import timezone

from booking.models import (
    Reservation,
)
from events.models import Facility, Session
from events.selectors import staff_facility_ids
from staffdesk.models import SessionAttendance
from staffdesk.selectors.desk import User
from staffdesk.selectors.roster import to_katakana
from staffdesk.services import single_attendance


@dataclass
class ExportRow:
    session: Session
    reservation: Reservation
    attendance: str


def export_rows(
    *, user: User, date_from: date, date_to: date, facility: Facility | None = None
) -> list[ExportRow]:
    """Every party of every session between two dates (inclusive) at the user's facilities."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    sessions = Session.objects.select_related("program", "facility").filter(
        start__gte=start, start__lt=end
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        sessions = sessions.filter(facility_id__in=ids)
    if facility is not None:
        sessions = sessions.filter(facility=facility)
    sessions = list(sessions.order_by("start", "id"))
    by_session: dict[int, list[Reservation]] = defaultdict(list)
    by_course: dict[int, list[Reservation]] = defaultdict(list)
    session_ids = [s.pk for s in sessions]
    course_ids = {s.course_id for s in sessions if s.course_id}
    reservations = Reservation.objects.filter(
        Q(session_id__in=session_ids) | Q(course_id__in=course_ids)
    ).order_by("id")
    for r in reservations:
        if r.session_id:
            by_session[r.session_id].append(r)
        else:
            by_course[r.course_id].append(r)
    course_attendance = {
        (a.reservation_id, a.session_id): a.status
        for a in SessionAttendance.objects.filter(session_id__in=session_ids).only(
            "reservation_id", "session_id", "status"
        )
    }
    rows = []
    for s in sessions:
        parties = by_session[s.pk] + (by_course[s.course_id] if s.course_id else [])
        parties.sort(key=lambda r: (to_katakana(r.name_kana or r.name), r.code))
        for r in parties:
            if r.course_id:
                attendance = course_attendance.get((r.pk, s.pk), "")
            else:
                attendance = single_attendance(r)
            rows.append(ExportRow(session=s, reservation=r, attendance=attendance))
    return rows
