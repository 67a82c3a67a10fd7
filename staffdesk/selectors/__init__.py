"""The staff desk's reads, one module per concern; the names below are its public API.

- ``desk``: a staff member's facilities and sessions, the sessions of a day
- ``roster``: a session's roster, waiting list and audit log
- ``lottery``: where a lottery session stands (applications, draw, results) and the roster's
  default list for it
- ``export``: a facility's reservations over a period
- ``report``: the yearly attendance report
- ``slips``: a reservation's 受付票 (phone bookings and any other)
- ``name_cards``: a session's 名札, one per person expected
- ``search``: a party found across the sessions of the user's facilities
- ``scan``: the party a 受付用QRコード names, and the session it comes to today
"""

from core.fiscal_years import fiscal_months, fiscal_year_of
from events.selectors import staff_facilities, staff_facility
from staffdesk.selectors.desk import (
    can_manage,
    can_run_desk,
    is_staff_member,
    sessions_on_day,
    staff_powers,
    staff_session,
)
from staffdesk.selectors.export import (
    ExportRow,
    export_rows,
)
from staffdesk.selectors.lottery import (
    LotteryStatus,
    default_roster_scope,
    lottery_status,
)
from staffdesk.selectors.name_cards import NameCard, name_cards
from staffdesk.selectors.report import (
    Report,
    ReportRow,
    attendance_report,
)
from staffdesk.selectors.roster import (
    ROSTER_SCOPES,
    SORTS,
    Roster,
    RosterRow,
    WaitingList,
    attended_count,
    audit_log,
    roster,
    to_hiragana,
    to_katakana,
    waiting_list,
)
from staffdesk.selectors.scan import ScannedParty, party_at, party_scanned
from staffdesk.selectors.search import (
    FoundParty,
    ReservationSearch,
    reservations_search,
)
from staffdesk.selectors.slips import Slip, reservation_slip

__all__ = [
    "ExportRow",
    "FoundParty",
    "ReservationSearch",
    "LotteryStatus",
    "NameCard",
    "ROSTER_SCOPES",
    "Report",
    "ReportRow",
    "Roster",
    "RosterRow",
    "SORTS",
    "Slip",
    "WaitingList",
    "attendance_report",
    "attended_count",
    "audit_log",
    "can_manage",
    "can_run_desk",
    "default_roster_scope",
    "export_rows",
    "fiscal_months",
    "fiscal_year_of",
    "is_staff_member",
    "lottery_status",
    "name_cards",
    "reservation_slip",
    "reservations_search",
    "party_at",
    "party_scanned",
    "ScannedParty",
    "roster",
    "sessions_on_day",
    "staff_facilities",
    "staff_facility",
    "staff_powers",
    "staff_session",
    "to_hiragana",
    "to_katakana",
    "waiting_list",
]
