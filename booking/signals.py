"""What booking tells the apps above it: the one mechanism by which a lower layer triggers work
in a higher one.

Booking decides and writes; it does not know who must be told. Each signal below is sent
inside the transaction that made the change, so a receiver that writes (the outbox of
``notifications``) commits or rolls back with it: an email is queued exactly when the change
it tells of is committed. Receivers are connected in their app's ``ready()``
(``notifications.receivers``); ``tests/booking/test_signals.py`` checks that each signal has
its receiver.

Every signal is sent with ``sender=Reservation`` and the keyword arguments listed.
"""

from django.dispatch import Signal

# reservation, token (the manage token, shown once), now
reservation_created = Signal()
# reservation, now: a waitlisted party got a seat (by the list's order or by staff)
reservation_promoted = Signal()
# reservation, now: an applicant's draw result (won, confirmed outright, or waitlisted)
lottery_result = Signal()
# reservation, now: a lottery winner confirmed the seat
win_confirmed = Signal()
# reservation, had_seat, by_staff, reason, now: the parent or staff cancelled
reservation_cancelled = Signal()
# reservation, session, had_seat, reason: staff cancelled the session the reservation was for
session_reservation_cancelled = Signal()
# reservation, before (the party's adults, children and childcare before), by_staff, now:
# the party was resized (by the parent on the manage page or the API, or by staff)
reservation_party_changed = Signal()
# reservation, from_session (the date it left), by_staff, from_waiting (it waited there, and
# holds a seat now), now: moved to another date of its programme (by the parent on the manage
# page or the API, or by staff)
reservation_moved = Signal()
# email, language, link_url ("" when the address has no reservations), valid_hours
my_reservations_link_issued = Signal()

ALL = (
    reservation_created,
    reservation_promoted,
    lottery_result,
    win_confirmed,
    reservation_cancelled,
    session_reservation_cancelled,
    reservation_party_changed,
    reservation_moved,
    my_reservations_link_issued,
)
