"""The staff desk's pages (under /staff/), one module per concern."""

from events.staff_pages import error_page, staff_page
from staffdesk.views.common import (
    RateLimitedPasswordResetView,
    form_error,
    keep_query,
    page_session,
    parse_day,
    roster_url,
)
from staffdesk.views.desk import (
    check_in,
    no_shows,
    print_name_cards,
    print_roster,
    roster,
    roster_csv,
    today,
    walk_in,
)
from staffdesk.views.notices import notice
from staffdesk.views.parties import party, party_url
from staffdesk.views.phone import phone_booked, phone_booking, slip
from staffdesk.views.reports import (
    export,
    report,
    report_csv,
)
from staffdesk.views.scan import scanned
from staffdesk.views.search import search
from staffdesk.views.sessions import (
    audit,
    change,
    waiting_list,
)

__all__ = [
    "RateLimitedPasswordResetView",
    "audit",
    "change",
    "check_in",
    "error_page",
    "export",
    "form_error",
    "keep_query",
    "no_shows",
    "notice",
    "page_session",
    "phone_booked",
    "phone_booking",
    "parse_day",
    "party",
    "party_url",
    "print_name_cards",
    "print_roster",
    "report",
    "report_csv",
    "roster",
    "roster_csv",
    "roster_url",
    "scanned",
    "search",
    "slip",
    "staff_page",
    "today",
    "waiting_list",
    "walk_in",
]
