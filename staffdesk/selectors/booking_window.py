"""Whether the desk may book a party at a session now under the programme's rules, or only
with a reason to book outside them (電話予約 after the registration period, for example)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from booking.services import booking_phase, first_session, target_sessions
from events.models import Session


def booking_window_closed(session: Session, now: datetime | None = None) -> bool:
    """Whether a booking at ``session`` (its course's first session, for a course) would be
    refused now as outside the booking period (``registration_closed``)."""
    now = now or timezone.now()
    first = session
    if session.course_id:
        first = first_session(target_sessions(course=session.course))
    return booking_phase(first.program, first, now) == "closed"
