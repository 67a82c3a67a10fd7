"""One function per event of a reservation or a session: the email it calls for, queued."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from booking.serializers import manage_url
from core.languages import language_codes
from events.models import Facility, Session
from events.selectors import text_in
from notifications.models import Notification, NotificationKind
from notifications.services.outbox import QUIET_KINDS, notification_enqueue, quiet_hours_end_after


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
) -> Notification | None:
    """Queue one email about a reservation; none for a party without an email address (a
    phone booking or walk-in that gave none: ``booking.addresses``)."""
    if not receives_email(reservation.email):
        return None
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


def notify_promoted(
    reservation: Reservation, *, now: datetime | None = None
) -> Notification | None:
    """Queue "your seat is confirmed" for a party promoted from the waiting list."""
    return _enqueue_for(reservation, NotificationKind.PROMOTED, now=now)


def notify_win_confirmed(
    reservation: Reservation, *, now: datetime | None = None
) -> Notification | None:
    """Queue the confirmation (with the invite) after a lottery winner confirmed the seat."""
    return _enqueue_for(reservation, NotificationKind.CONFIRMED, now=now)


def notify_party_changed(
    reservation: Reservation,
    *,
    before: dict[str, int],
    by_staff: bool = False,
    now: datetime | None = None,
) -> Notification | None:
    """Queue "your party is now ..." with what it was; a seat holder gets the updated invite
    (same UID, higher SEQUENCE). Each change is its own email."""
    return _enqueue_for(
        reservation,
        NotificationKind.PARTY_CHANGED,
        now=now,
        payload={"before": before, "by_staff": by_staff},
        dedupe_key=f"{NotificationKind.PARTY_CHANGED}:{reservation.pk}:{reservation.party_changes}",
    )


def notify_moved(
    reservation: Reservation,
    *,
    from_session: Session,
    by_staff: bool = False,
    from_waiting: bool = False,
    now=None,
) -> Notification | None:
    """Queue "your reservation is now on another date": the date and place it left and the new
    ones, the old date's invite cancelled (``from_waiting``: the party only waited there, and
    was sent none) and the new date's sent (calendars.invites)."""
    before, after = session_snapshot(from_session), session_snapshot(reservation.session)
    changed = snapshot_changes(before, after, ("start", "end", "facility"))
    payload = {
        "session_id": reservation.session_id,
        "from_session_id": from_session.pk,
        "changed": changed,
        "before": before,
        "after": after,
        "by_staff": by_staff,
        "from_waiting": from_waiting,
    }
    return _enqueue_for(
        reservation,
        NotificationKind.MOVED,
        now=now,
        payload=payload,
        dedupe_key=f"{NotificationKind.MOVED}:{reservation.pk}:{reservation.moves}",
    )


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
) -> Notification | None:
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
) -> Notification | None:
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
        "facility_name": text_in(session.facility, "name", "ja"),
        "facility_name_en": text_in(session.facility, "name", "en"),
        # The name in every language, so the change email reads in the reservation's one.
        "facility_names": {
            code: text_in(session.facility, "name", code) for code in language_codes()
        },
        "address": text_in(session.facility, "address", "ja"),
        "title": session.title,
        "display_title": session.display_title,
    }


def snapshot_changes(before: dict[str, Any], after: dict[str, Any], names: tuple) -> list[str]:
    """Which of ``names`` differ between two ``session_snapshot``s: the change email's lines."""
    return [name for name in names if before.get(name) != after.get(name)]


def notify_session_changed(
    session: Session, *, before: dict[str, Any], reason: str = "", now: datetime | None = None
) -> list[Notification]:
    """Tell every live party of a session what changed (time, place or title), and why when
    staff gave a reason.

    ``before`` is ``session_snapshot`` taken before the change. Seat holders get the updated
    invite (same UID, higher SEQUENCE); waitlisted and applicants get the text only.
    """
    after = session_snapshot(session)
    changed = snapshot_changes(before, after, ("start", "end", "facility", "title"))
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
    queued = (
        _enqueue_for(
            reservation,
            NotificationKind.SESSION_CHANGED,
            now=now,
            payload=payload,
            dedupe_key=f"session_changed:{reservation.pk}:{session.pk}:{session.sequence}",
        )
        for reservation in reservations.order_by("id")
    )
    return [notification for notification in queued if notification is not None]


# Who a notice from the facility reaches: the parties with a seat (those who came included,
# for what comes after a session: a thing left behind), and on request those still waiting.
NOTICE_SEAT_STATUSES = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.ATTENDED,
)
NOTICE_WAITING_STATUSES = (ReservationStatus.WAITLISTED, ReservationStatus.APPLIED)
NOTICE_STATUSES = NOTICE_SEAT_STATUSES + NOTICE_WAITING_STATUSES


def notify_session_notice(
    reservations: list[Reservation],
    *,
    session: Session,
    message: str,
    notice_id: int,
    now: datetime | None = None,
) -> list[Notification]:
    """Queue staff's notice about ``session`` (``message``, as typed) to each party, once per
    notice (``notice_id``: the audit log's row); a party without an email address gets none.
    For a course the email is about that session of it (its date in the subject)."""
    queued = (
        _enqueue_for(
            reservation,
            NotificationKind.SESSION_NOTICE,
            now=now,
            payload={"message": message, "notice": notice_id, "session_id": session.pk},
            dedupe_key=f"{NotificationKind.SESSION_NOTICE}:{reservation.pk}:{notice_id}",
        )
        for reservation in reservations
    )
    return [notification for notification in queued if notification is not None]
