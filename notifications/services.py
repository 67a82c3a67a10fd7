"""Writes to the notification outbox: one row per email, in the transaction that causes it.

A row is the promise that an email will go out; Celery only makes it go out sooner. Rows that
are due now are handed to a worker once the transaction commits; everything else (quiet
hours, reminders, retries, rows whose hand-over was lost) is picked up by the periodic sweep in
``notifications.tasks.deliver_due``.

The manage link with its token is a bearer credential (only its hash is stored on the
reservation). It is written into the payload of the first email of a reservation only, because
the raw token exists only while the reservation is being created, and it is removed from the
row as soon as that email is sent or given up (``scrub_payload``). Later emails link to the
manage page with a link token derived from the stored hash when the email is built
(``booking.manage_links``), so nothing secret is written for them.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from booking.serializers import manage_url
from events.models import Facility, Session, SessionStatus
from notifications.models import Notification, NotificationKind, NotificationStatus

logger = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")

# Waiting-list news and reminders wait for the end of the facility's quiet hours.
QUIET_KINDS = frozenset(
    {
        NotificationKind.REMINDER,
        NotificationKind.WAITLISTED,
        NotificationKind.PROMOTED,
        NotificationKind.LOTTERY_WON,
        NotificationKind.LOTTERY_NOT_DRAWN,
    }
)

# Payload keys that hold capability URLs; they leave the row once it is sent or given up.
SECRET_PAYLOAD_KEYS = frozenset(
    {"manage_url", "feed_url", "webcal_url", "stop_url", "link_url", "links"}
)


# --- the outbox --------------------------------------------------------------------------


def notification_row(
    *,
    kind: str,
    to_email: str,
    language: str = "ja",
    payload: dict | None = None,
    reservation: Reservation | None = None,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> Notification:
    """Return the outbox row of one email, not yet written."""
    return Notification(
        kind=kind,
        to_email=to_email.strip(),
        language=language if language in LANGUAGES else "ja",
        payload=payload or {},
        reservation=reservation,
        due_at=due_at or now or timezone.now(),
        dedupe_key=dedupe_key or None,
    )


def notification_enqueue(*, first_of_reservation: bool = False, **fields: Any) -> Notification:
    """Write an outbox row (``fields``: those of ``notification_row``); with a ``dedupe_key``
    already used, return that row instead.

    A row due now is handed to a worker when the surrounding transaction commits.
    ``first_of_reservation``: the reservation was inserted by the calling transaction, so no
    other row can hold its key yet; the look-up and the savepoint (three round trips while
    the session row is locked) are skipped, and the unique key still guards the table.
    """
    now = timezone.now()
    notification = notification_row(**fields, now=now)
    if notification.dedupe_key and not first_of_reservation:
        existing = Notification.objects.filter(dedupe_key=notification.dedupe_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            # Another transaction wrote the same key between our read and our insert.
            return Notification.objects.get(dedupe_key=notification.dedupe_key)
    else:
        notification.save(force_insert=True)
    notification_kick_if_due(notification, now)
    return notification


def notification_kick_if_due(notification: Notification, now: datetime) -> None:
    """Hand a row written by this transaction to a worker after commit, if it is due now."""
    if notification.due_at <= now:
        kick_on_commit(notification.pk)


def kick_on_commit(notification_id: int) -> None:
    """After commit, ask a worker to deliver the row soon; if that fails the sweep will."""
    transaction.on_commit(lambda: _kick(notification_id))


# One hand-over per web process per NOTIFICATIONS_KICK_SECONDS: the first commit of a window
# queues ``deliver_due_now`` to run when the window ends, and it delivers every row due by then,
# so the commits that fall in the window need no message of their own. A message costs the
# request ~1.2 ms of CPU, as much as the booking's own inserts; in a rush of bookings this
# turns dozens of them into a handful.
_kick_lock = threading.Lock()
_kick_window_ends = 0.0


def _kick(notification_id: int) -> None:
    from notifications.tasks import deliver_due_now, deliver_notification

    global _kick_window_ends
    delay = settings.NOTIFICATIONS_KICK_SECONDS
    try:
        # No publish retries: a broker outage must not slow the request that booked the
        # seat, and the row is already safe in the database for the sweep.
        if settings.CELERY_TASK_ALWAYS_EAGER or delay <= 0:
            deliver_notification.apply_async((notification_id,), retry=False)
            return
        with _kick_lock:
            now = time.monotonic()
            if now < _kick_window_ends:
                return  # this row committed before the queued delivery's window ends
            _kick_window_ends = now + delay
        deliver_due_now.apply_async(countdown=delay, retry=False)
    except Exception:  # the broker is down or refused the message
        logger.warning(
            "notification %s not handed to a worker; the sweep will deliver it",
            notification_id,
            exc_info=True,
        )


def scrub_payload(payload: dict) -> dict:
    """Return the payload without the capability URLs it held (and a note that it did)."""
    kept = {key: value for key, value in payload.items() if key not in SECRET_PAYLOAD_KEYS}
    if len(kept) != len(payload):
        kept["links_removed"] = True
    return kept


def notification_retry(notification: Notification) -> bool:
    """Send a failed or skipped row again (staff action); return whether it was requeued.

    A row whose only content was a link that has since been removed (a feed or "my
    reservations" link) is not sent again: the parent asks for a new link instead. A
    reservation email is sent again without its manage link, quoting the code instead.
    """
    if notification.reservation_id is None and notification.payload.get("links_removed"):
        return False
    updated = Notification.objects.filter(
        pk=notification.pk, status__in=[NotificationStatus.FAILED, NotificationStatus.SKIPPED]
    ).update(
        status=NotificationStatus.PENDING,
        due_at=timezone.now(),
        attempts=0,
        claimed_at=None,
        claimed_by="",
    )
    if updated:
        kick_on_commit(notification.pk)
    return bool(updated)


# --- time rules --------------------------------------------------------------------------


def quiet_hours_end_after(when: datetime, facility: Facility) -> datetime:
    """Return ``when``, or the end of the facility's quiet hours if ``when`` falls in them.

    Quiet hours are wall-clock times in the project's time zone (Asia/Tokyo) and may span
    midnight (21:00-07:00). Equal start and end mean no quiet hours.
    """
    start, end = facility.quiet_hours_start, facility.quiet_hours_end
    if start == end:
        return when
    local = timezone.localtime(when)
    clock = local.time()
    tz = local.tzinfo

    def at_end(day) -> datetime:
        return datetime.combine(day, end).replace(tzinfo=tz)

    if start > end:  # spans midnight
        if clock >= start:
            return at_end(local.date() + timedelta(days=1))
        if clock < end:
            return at_end(local.date())
        return when
    if start <= clock < end:
        return at_end(local.date())
    return when


def reservation_sessions(reservation: Reservation) -> list[Session]:
    """Return the sessions of a reservation in time order (one, or a course's)."""
    if reservation.session_id:
        return [reservation.session]
    return list(
        Session.objects.filter(course_id=reservation.course_id)
        .select_related("program", "facility")
        .order_by("start", "id")
    )


def reservation_facility(reservation: Reservation) -> Facility:
    if reservation.session_id:
        return reservation.session.facility
    return reservation.course.facility


def reservation_dedupe_key(kind: str, reservation_id: int | str) -> str:
    """The key that keeps one email of a kind per reservation (see ``notification_enqueue``)."""
    return f"{kind}:{reservation_id}"


def _enqueue_for(
    reservation: Reservation,
    kind: str,
    *,
    now: datetime | None = None,
    payload: dict | None = None,
    dedupe_key: str | None = None,
    quiet: bool | None = None,
    first_of_reservation: bool = False,
) -> Notification:
    return notification_enqueue(
        **_reservation_fields(reservation, kind, now or timezone.now(), payload, quiet),
        dedupe_key=dedupe_key or reservation_dedupe_key(kind, reservation.pk),
        first_of_reservation=first_of_reservation,
    )


def _reservation_fields(
    reservation: Reservation, kind: str, now: datetime, payload: dict | None, quiet: bool | None
) -> dict[str, Any]:
    """The fields of a row about a reservation (``notification_row``'s), but its key."""
    use_quiet = kind in QUIET_KINDS if quiet is None else quiet
    return {
        "kind": kind,
        "to_email": reservation.email,
        "language": reservation.language,
        "payload": payload,
        "reservation": reservation,
        "due_at": quiet_hours_end_after(now, reservation_facility(reservation))
        if use_quiet
        else now,
    }


# --- one function per event --------------------------------------------------------------

CREATED_KINDS = {
    ReservationStatus.CONFIRMED: NotificationKind.CONFIRMED,
    ReservationStatus.WAITLISTED: NotificationKind.WAITLISTED,
    ReservationStatus.APPLIED: NotificationKind.APPLIED,
}


def _created_kind_and_payload(reservation: Reservation, token: str) -> tuple[str, dict] | None:
    kind = CREATED_KINDS.get(reservation.status)
    if kind is None:
        return None
    return kind, {"manage_url": manage_url(reservation.code, token)}


def notify_reservation_created(
    reservation: Reservation, *, token: str, now: datetime | None = None
) -> Notification | None:
    """Queue the first email of a reservation: confirmed, waitlisted or application received.

    It is the only email that carries the manage link with its token (see the module doc).
    """
    created = _created_kind_and_payload(reservation, token)
    if created is None:
        return None
    kind, payload = created
    return _enqueue_for(reservation, kind, now=now, payload=payload, first_of_reservation=True)


def reservation_created_row(
    reservation: Reservation, *, token: str, now: datetime
) -> Notification | None:
    """Return the row ``notify_reservation_created`` writes, for a writer that inserts it itself.

    For a reservation that is not written yet: its ``dedupe_key`` is left for that writer to
    make with ``reservation_dedupe_key`` from the id the reservation gets; after the row is
    written, ``notification_kick_if_due`` hands it to a worker.
    """
    created = _created_kind_and_payload(reservation, token)
    if created is None:
        return None
    kind, payload = created
    return notification_row(**_reservation_fields(reservation, kind, now, payload, None), now=now)


def notify_promoted(reservation: Reservation, *, now: datetime | None = None) -> Notification:
    """Queue "your seat is confirmed" for a party promoted from the waiting list."""
    return _enqueue_for(reservation, NotificationKind.PROMOTED, now=now)


def notify_win_confirmed(reservation: Reservation, *, now: datetime | None = None) -> Notification:
    """Queue the confirmation (with the invite) after a lottery winner confirmed the seat."""
    return _enqueue_for(reservation, NotificationKind.CONFIRMED, now=now)


def notify_lottery_result(
    reservation: Reservation, *, now: datetime | None = None
) -> Notification | None:
    """Queue the result of a draw for one applicant, after quiet hours.

    Won with a confirmation deadline: "confirm by ..."; won outright: the confirmation with
    the invite; not drawn: the waiting-list position.
    """
    if reservation.status == ReservationStatus.WON:
        kind = NotificationKind.LOTTERY_WON
    elif reservation.status == ReservationStatus.CONFIRMED:
        kind = NotificationKind.CONFIRMED
    elif reservation.status == ReservationStatus.WAITLISTED:
        kind = NotificationKind.LOTTERY_NOT_DRAWN
    else:
        return None
    return _enqueue_for(reservation, kind, now=now, quiet=True)


def notify_cancelled(
    reservation: Reservation,
    *,
    had_seat: bool,
    by_staff: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Notification:
    """Queue the confirmation of a cancellation; it withdraws the invite if one was sent."""
    payload: dict[str, Any] = {"had_seat": had_seat, "by_staff": by_staff}
    if by_staff and reason:
        payload["reason"] = reason
    return _enqueue_for(reservation, NotificationKind.CANCELLED, now=now, payload=payload)


def notify_session_cancelled(
    reservation: Reservation,
    *,
    session: Session,
    had_seat: bool,
    reason: str = "",
    now: datetime | None = None,
) -> Notification:
    """Queue the apology for a session that staff cancelled, with the reason."""
    return _enqueue_for(
        reservation,
        NotificationKind.SESSION_CANCELLED,
        now=now,
        payload={"session_id": session.pk, "reason": reason, "had_seat": had_seat},
        dedupe_key=f"session_cancelled:{reservation.pk}:{session.pk}",
    )


CHANGE_FIELDS = ("start", "end", "facility", "title")


def session_snapshot(session: Session) -> dict[str, Any]:
    """Return what a parent was told about a session, to compare after a change."""
    return {
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "facility": session.facility_id,
        "facility_name": session.facility.name,
        "facility_name_en": session.facility.name_en,
        "address": session.facility.address,
        "title": session.title,
        "display_title": session.display_title,
    }


def notify_session_changed(
    session: Session, *, before: dict[str, Any], reason: str = "", now: datetime | None = None
) -> list[Notification]:
    """Tell every live party of a session what changed (time, place or title), and why when
    staff gave a reason.

    ``before`` is ``session_snapshot`` taken before the change. Seat holders get the updated
    invite (same UID, higher SEQUENCE); waitlisted and applicants get the text only.
    """
    after = session_snapshot(session)
    changed = [
        name
        for name in ("start", "end", "facility", "title")
        if before.get(name) != after.get(name)
    ]
    if not changed:
        return []
    payload = {
        "session_id": session.pk,
        "sequence": session.sequence,
        "changed": changed,
        "before": {k: before.get(k) for k in after},
        "after": after,
    }
    if reason:
        payload["reason"] = reason
    live = (
        ReservationStatus.CONFIRMED,
        ReservationStatus.WON,
        ReservationStatus.WAITLISTED,
        ReservationStatus.APPLIED,
    )
    target = Q(session=session)
    if session.course_id:
        target |= Q(course_id=session.course_id)
    reservations = Reservation.objects.filter(target, status__in=live).select_related(
        "session__facility", "course__facility"
    )
    return [
        _enqueue_for(
            reservation,
            NotificationKind.SESSION_CHANGED,
            now=now,
            payload=payload,
            dedupe_key=f"session_changed:{reservation.pk}:{session.pk}:{session.sequence}",
        )
        for reservation in reservations.order_by("id")
    ]


# --- reminders ---------------------------------------------------------------------------


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
            for offset, send_at, due_at in plan:
                if created_at > send_at:
                    continue  # booked after this reminder's time: no "tomorrow" mail
                key = reminder_key(pk, session, offset)
                candidates[key] = (pk, email, language, session, offset, due_at)
    return _insert_new(candidates)


def _longest_offset() -> float | None:
    from events.models import Program

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
        language=language if language in LANGUAGES else "ja",
        payload={
            "session_id": session.pk,
            "offset_hours": offset,
            "start": session.start.isoformat(),
        },
        dedupe_key=key,
        due_at=due_at,
    )
