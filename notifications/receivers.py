"""The emails booking's and calendars' changes call for: receivers of ``booking.signals``
and ``calendars.signals``.

Booking sends each signal inside the transaction that made the change, so the outbox row
written here commits with it. Connected once, in ``NotificationsConfig.ready``.
"""

from booking import signals
from booking.models import Reservation
from calendars import signals as calendar_signals
from calendars.models import CalendarFeedToken
from notifications import services as notify
from notifications.models import NotificationKind


def on_reservation_created(sender, *, reservation, token, now, **kwargs):
    notify.notify_reservation_created(reservation, token=token, now=now)


def on_reservation_promoted(sender, *, reservation, now, **kwargs):
    notify.notify_promoted(reservation, now=now)


def on_lottery_result(sender, *, reservation, now, **kwargs):
    notify.notify_lottery_result(reservation, now=now)


def on_win_confirmed(sender, *, reservation, now, **kwargs):
    notify.notify_win_confirmed(reservation, now=now)


def on_reservation_cancelled(sender, *, reservation, had_seat, by_staff, reason, now, **kwargs):
    notify.notify_cancelled(
        reservation, had_seat=had_seat, by_staff=by_staff, reason=reason, now=now
    )


def on_session_reservation_cancelled(sender, *, reservation, session, had_seat, reason, **kwargs):
    notify.notify_session_cancelled(reservation, session=session, had_seat=had_seat, reason=reason)


def on_reservation_party_changed(sender, *, reservation, before, by_staff, now, **kwargs):
    notify.notify_party_changed(reservation, before=before, by_staff=by_staff, now=now)


def on_reservation_moved(
    sender, *, reservation, from_session, by_staff, now, from_waiting=False, **kwargs
):
    notify.notify_moved(
        reservation,
        from_session=from_session,
        by_staff=by_staff,
        from_waiting=from_waiting,
        now=now,
    )


def on_my_reservations_link_issued(sender, *, email, language, link_url, valid_hours, **kwargs):
    notify.notification_enqueue(
        kind=NotificationKind.MY_RESERVATIONS,
        to_email=email,
        language=language,
        payload={"link_url": link_url, "valid_hours": valid_hours},
    )


def on_feed_link_issued(sender, *, email, language, links, **kwargs):
    notify.notification_enqueue(
        kind=NotificationKind.FEED_LINK, to_email=email, language=language, payload=links
    )


RECEIVERS = {
    signals.reservation_created: on_reservation_created,
    signals.reservation_promoted: on_reservation_promoted,
    signals.lottery_result: on_lottery_result,
    signals.reservation_party_changed: on_reservation_party_changed,
    signals.reservation_moved: on_reservation_moved,
    signals.win_confirmed: on_win_confirmed,
    signals.reservation_cancelled: on_reservation_cancelled,
    signals.session_reservation_cancelled: on_session_reservation_cancelled,
    signals.my_reservations_link_issued: on_my_reservations_link_issued,
}
CALENDAR_RECEIVERS = {calendar_signals.feed_link_issued: on_feed_link_issued}


def connect() -> None:
    """Connect every receiver (idempotent: a dispatch_uid per signal)."""
    for receivers, sender in ((RECEIVERS, Reservation), (CALENDAR_RECEIVERS, CalendarFeedToken)):
        for signal, receiver in receivers.items():
            uid = f"notifications.{receiver.__name__}"
            signal.connect(receiver, sender=sender, dispatch_uid=uid)
