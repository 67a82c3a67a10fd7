"""The staff desk's writes, one module per concern; the names below are its public API.

- ``attendance``: check-in, course attendance, no-shows
- ``walk_ins``: parties added at the door
- ``phone_bookings``: parties booked for a caller (電話予約), with no email needed
- ``party_details``: the details of a party staff enter (name, ふりがな, childcare), checked
  by both of these
- ``lottery_wins``: a party's lottery win confirmed by staff (who phoned the party)
- ``sessions``: moving, cancelling, resizing a session; promoting by hand; drawing early
- ``session_changes``: a session's change carried through booking and notifications
- ``session_notices``: a notice emailed to the parties of a session (お知らせ)
- ``audit``: the audit log of every staff action
"""

from staffdesk.services.attendance import (
    ATTENDABLE,
    ATTENDED,
    EXPECTED,
    NO_SHOW,
    CheckInResult,
    attendance_of,
    check_in,
    check_in_is_open,
    check_in_open,
    check_in_opens_on,
    lock_session,
    no_shows_mark,
    reservation_in_session,
    roster_filter,
    single_attendance,
)
from staffdesk.services.audit import (
    export_record,
    record,
    require_reason,
    search_record,
    staff_action_record,
)
from staffdesk.services.lottery_wins import lottery_win_confirm
from staffdesk.services.move_preview import MovePreview, session_move_preview, trial_change
from staffdesk.services.party_details import party_details_check, party_details_errors
from staffdesk.services.phone_bookings import (
    PHONE_EMAIL_DOMAIN,
    PHONE_SOURCE,
    phone_booking_create,
)
from staffdesk.services.session_changes import (
    session_cancel_all,
    session_update,
)
from staffdesk.services.session_notices import (
    NOTICE_MAX_LENGTH,
    NoticeResult,
    notice_parties,
    session_notice_send,
)
from staffdesk.services.sessions import (
    CapacityResult,
    capacity_change,
    lottery_draw_now,
    session_cancel,
    session_move,
    waitlist_promote_by_hand,
)
from staffdesk.services.walk_ins import (
    WALK_IN_EMAIL_DOMAIN,
    is_walk_in_placeholder,
    walk_in_add,
)

__all__ = [
    "ATTENDABLE",
    "ATTENDED",
    "CapacityResult",
    "CheckInResult",
    "EXPECTED",
    "NOTICE_MAX_LENGTH",
    "NO_SHOW",
    "NoticeResult",
    "PHONE_EMAIL_DOMAIN",
    "PHONE_SOURCE",
    "WALK_IN_EMAIL_DOMAIN",
    "attendance_of",
    "capacity_change",
    "check_in",
    "check_in_is_open",
    "check_in_open",
    "check_in_opens_on",
    "export_record",
    "search_record",
    "is_walk_in_placeholder",
    "lock_session",
    "lottery_win_confirm",
    "lottery_draw_now",
    "no_shows_mark",
    "notice_parties",
    "party_details_check",
    "party_details_errors",
    "phone_booking_create",
    "record",
    "require_reason",
    "reservation_in_session",
    "roster_filter",
    "session_cancel",
    "session_cancel_all",
    "session_move",
    "session_move_preview",
    "session_notice_send",
    "trial_change",
    "MovePreview",
    "session_update",
    "single_attendance",
    "staff_action_record",
    "waitlist_promote_by_hand",
    "walk_in_add",
]
