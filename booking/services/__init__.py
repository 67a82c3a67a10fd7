"""Writes with business rules for reservations, one module per concern.

- ``tokens``: reservation codes and secret tokens
- ``status``: a reservation's status changes and their history
- ``seats``: the seat counters on the session row (capacity is never exceeded)
- ``phases``: when a session may be booked (window, lottery phases, waiting list)
- ``create``: booking a party
- ``cancel``: cancelling a reservation or all of a cancelled session's
- ``party``: changing a party
- ``move``: moving a reservation to another date of its programme
- ``waitlist``: the waiting list's order and promotion
- ``lottery``: drawing, confirming a win, lapsed wins

The names below are the app's public service API; other apps import them from here.
What must be told above booking (emails) is sent as ``booking.signals``.
"""

from booking.services.cancel import reservation_cancel, reservations_cancel_for_session
from booking.services.create import ReservationResult, member_party, reservation_create
from booking.services.lottery import (
    drawn_order,
    lottery_draw,
    lottery_draw_due,
    lottery_lapse_expired,
    reservation_confirm_win,
)
from booking.services.move import move_choice, move_choices, move_refusal, reservation_move
from booking.services.party import reservation_change_party
from booking.services.phases import (
    booking_phase,
    lottery_phase,
    refusal_for_any_party,
    waitlist_open,
)
from booking.services.seats import (
    first_session,
    reservation_seats,
    reservation_sessions,
    seats_release,
    seats_take,
    seats_take_one,
    target_sessions,
)
from booking.services.status import (
    CHANGEABLE,
    actor_label,
    history_record,
    reservation_transition,
)
from booking.services.tokens import CODE_ALPHABET, generate_code, generate_token, hash_token
from booking.services.waitlist import (
    waitlist_position,
    waitlist_promote,
    waitlist_promote_one,
    waitlist_queryset,
)

__all__ = [
    "member_party",
    "CHANGEABLE",
    "CODE_ALPHABET",
    "ReservationResult",
    "actor_label",
    "booking_phase",
    "drawn_order",
    "generate_code",
    "generate_token",
    "hash_token",
    "history_record",
    "lottery_draw",
    "lottery_draw_due",
    "lottery_lapse_expired",
    "lottery_phase",
    "refusal_for_any_party",
    "reservation_cancel",
    "reservation_change_party",
    "reservation_confirm_win",
    "move_choice",
    "move_choices",
    "move_refusal",
    "reservation_move",
    "reservation_create",
    "reservation_seats",
    "reservation_sessions",
    "reservation_transition",
    "reservations_cancel_for_session",
    "seats_release",
    "seats_take",
    "seats_take_one",
    "first_session",
    "target_sessions",
    "waitlist_open",
    "waitlist_position",
    "waitlist_promote",
    "waitlist_promote_one",
    "waitlist_queryset",
]
