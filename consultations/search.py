"""Finding a family's consultation appointments at the staff member's facilities (相談予約の
検索): a parent on the phone without the confirmation email, found by name, appointment code,
phone number or email address, as the staff desk finds a reservation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from consultations.models import Appointment, AppointmentStatus
from core.search import (
    SEARCH_LIMIT,
    SearchPages,
    either_side_of,
    phone_search_column,
    phone_search_match,
    search_column,
    search_key,
)
from events.selectors import staff_facility_ids


@dataclass
class AppointmentSearch:
    query: str
    upcoming: list[Appointment]  # not over yet, the soonest first
    past: list[Appointment]  # over, the latest first
    pages: SearchPages
    facility_ids: set[int] | None  # the facilities searched (None: every one, an operator's)

    @property
    def codes(self) -> list[str]:
        """The appointments shown, by code, in the order shown."""
        return [appointment.code for appointment in self.upcoming + self.past]

    @property
    def more(self) -> bool:
        return self.pages.more


def appointments_search(
    *,
    user,
    query: str,
    now: datetime | None = None,
    limit: int = SEARCH_LIMIT,
    upcoming_from: int = 0,
    past_from: int = 0,
) -> AppointmentSearch:
    """Appointments of families (booked, done, no-show or cancelled; never a counsellor's
    blocked time) at the user's facilities matching ``query``, spaces and hyphens ignored,
    ``limit`` on each side of now from the row each side's page starts at."""
    now = now or timezone.now()
    key = search_key(query)
    ids = staff_facility_ids(user)
    if not key:
        return AppointmentSearch(query, [], [], SearchPages.first(limit), ids)
    found = (
        Appointment.objects.exclude(status=AppointmentStatus.BLOCKED)
        .select_related("counsellor__facility", "consultation_type")
        .annotate(
            search_name=search_column("name"),
            search_code=search_column("code"),
            search_phone=phone_search_column(),
        )
        .filter(
            Q(search_name__icontains=key)
            | Q(search_code__icontains=key)
            | Q(email__icontains=unicodedata.normalize("NFKC", query.strip()))
            | phone_search_match(query)
        )
    )
    if ids is not None:
        found = found.filter(counsellor__facility_id__in=ids)
    upcoming, past, pages = either_side_of(
        found,
        now,
        starts="start",
        ends="end",
        limit=limit,
        upcoming_from=upcoming_from,
        past_from=past_from,
    )
    return AppointmentSearch(query, upcoming, past, pages, ids)
