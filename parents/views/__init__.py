"""The parents' pages, one module per concern: sessions (the list and a session), reserve,
manage (and "my reservations"), calendar links.
"""

from parents.views.calendar_links import (
    calendar_links_stop,
    calendar_links_stopped,
)
from parents.views.common import (
    OPEN_STATUSES,
    language,
    private,
    see_other,
)
from parents.views.manage import (
    find,
    my_reservations,
    my_reservations_list,
    my_reservations_sent,
    privacy_notice,
    reservation_manage,
    sessions_of,
)
from parents.views.reserve import (
    RECENT_COOKIE,
    RECENT_MAX,
    RECENT_SALT,
    reservation_form,
    reservation_result,
)
from parents.views.sessions import (
    FILTER_KEYS,
    PAGE_SIZE,
    not_found,
    session_detail,
    session_list,
    sessions_for_pages,
    webcal,
)

__all__ = [
    "FILTER_KEYS",
    "OPEN_STATUSES",
    "PAGE_SIZE",
    "RECENT_COOKIE",
    "RECENT_MAX",
    "RECENT_SALT",
    "calendar_links_stop",
    "calendar_links_stopped",
    "find",
    "language",
    "my_reservations",
    "my_reservations_list",
    "my_reservations_sent",
    "not_found",
    "privacy_notice",
    "private",
    "reservation_form",
    "reservation_manage",
    "reservation_result",
    "see_other",
    "session_detail",
    "session_list",
    "sessions_for_pages",
    "sessions_of",
    "webcal",
]
