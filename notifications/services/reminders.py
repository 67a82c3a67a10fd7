"""Reminders: the rows written ahead of each session (the programme's offsets, e.g. the day
before), once per party, session and offset.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from core.languages import supported_language
from events.models import Program, Session, SessionStatus
from notifications.models import Notification, NotificationKind
from notifications.services.outbox import quiet_hours_end_after


def reminder_offsets(program) -> list[float]:
    """Return the programme's reminder offsets in hours, valid ones only, largest first."""
    offsets = []
    for value in program.reminder_offsets or []:
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if 0 < value <= 24 * 30:
            offsets.append(value)
    return sorted(set(offsets), reverse=True)


def reminder_key(reservation_id: int, session: Session, offset: float) -> str:
    # The start is part of the key: when a session moves, its reminders are scheduled again
    # for the new time, and the old rows are skipped at delivery.
    return f"reminder:{reservation_id}:{session.pk}:{offset:g}:{int(session.start.timestamp())}"


def reminders_schedule(*, now: datetime | None = None) -> int:
    """Write the reminder rows that fall due within the look-ahead; return how many.

    Idempotent: each (reservation, session, offset, start) has one dedupe key. A party that
    booked after a reminder's time gets no reminder for that offset, and a reminder pushed
    past the start by quiet hours is not written.
    """
    now = now or timezone.now()
    lookahead = timedelta(seconds=settings.NOTIFICATIONS_REMINDER_LOOKAHEAD)
    longest = _longest_offset()
    if longest is None:
        return 0
    sessions = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            start__gt=now,
            start__lte=now + timedelta(hours=longest) + lookahead,
        )
        .select_related("program", "facility")
        .order_by("start", "id")
    )
    candidates: dict[str, tuple] = {}
    for session in sessions:
        # When each offset's reminder falls due does not depend on the party: work it out once.
        plan = []
        for offset in reminder_offsets(session.program):
            send_at = session.start - timedelta(hours=offset)
            if send_at > now + lookahead:
                continue
            # A reminder written late (the sweep was down) still respects quiet hours.
            due_at = quiet_hours_end_after(max(send_at, now), session.facility)
            if due_at < session.start:
                plan.append((offset, send_at, due_at))
        if not plan:
            continue
        target = Q(session_id=session.pk)
        if session.course_id:
            target |= Q(course_id=session.course_id)
        holders = Reservation.objects.filter(target, status=ReservationStatus.CONFIRMED)
        for pk, email, language, created_at in holders.values_list(
            "id", "email", "language", "created_at"
        ):
            if not receives_email(email):
                continue  # booked by phone or at the door without an address: no reminder
            for offset, send_at, due_at in plan:
                if created_at > send_at:
                    continue  # booked after this reminder's time: no "tomorrow" mail
                key = reminder_key(pk, session, offset)
                candidates[key] = (pk, email, language, session, offset, due_at)
    return _insert_new(candidates)


def _longest_offset() -> float | None:
    longest = None
    for offsets in Program.objects.values_list("reminder_offsets", flat=True):
        for value in offsets or []:
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                longest = value if longest is None else max(longest, value)
    return min(longest, 24 * 30) if longest is not None else None


def _insert_new(candidates: dict, chunk: int = 1000) -> int:
    """Insert the reminders whose dedupe key is new; return how many were new."""
    keys = list(candidates)
    created = 0
    for i in range(0, len(keys), chunk):
        part = keys[i : i + chunk]
        known = set(
            Notification.objects.filter(dedupe_key__in=part).values_list("dedupe_key", flat=True)
        )
        fresh = [_reminder_row(key, *candidates[key]) for key in part if key not in known]
        if fresh:
            # ignore_conflicts: a concurrent sweep may insert the same keys; both stay correct.
            Notification.objects.bulk_create(fresh, ignore_conflicts=True)
            created += len(fresh)
    return created


def _reminder_row(key, reservation_id, email, language, session, offset, due_at) -> Notification:
    return Notification(
        reservation_id=reservation_id,
        kind=NotificationKind.REMINDER,
        to_email=email,
        language=supported_language(language),
        payload={
            "session_id": session.pk,
            "offset_hours": offset,
            "start": session.start.isoformat(),
        },
        dedupe_key=key,
        due_at=due_at,
    )
