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
from core.search import SEARCH_LIMIT, either_side_of, search_column, search_key
from events.selectors import staff_facility_ids


@dataclass
class AppointmentSearch:
    query: str
    upcoming: list[Appointment]  # not over yet, the soonest first
    past: list[Appointment]  # over, the latest first
    more: bool  # either side found more than SEARCH_LIMIT


def appointments_search(
    *, user, query: str, now: datetime | None = None, limit: int = SEARCH_LIMIT
) -> AppointmentSearch:
    """Appointments of families (booked, done, no-show or cancelled; never a counsellor's
    blocked time) at the user's facilities matching ``query``, spaces and hyphens ignored."""
    now = now or timezone.now()
    key = search_key(query)
    if not key:
        return AppointmentSearch(query=query, upcoming=[], past=[], more=False)
    found = (
        Appointment.objects.exclude(status=AppointmentStatus.BLOCKED)
        .select_related("counsellor__facility", "consultation_type")
        .annotate(
            search_name=search_column("name"),
            search_code=search_column("code"),
            search_phone=search_column("phone"),
        )
        .filter(
            Q(search_name__icontains=key)
            | Q(search_code__icontains=key)
            | Q(search_phone__icontains=key)
            | Q(email__icontains=unicodedata.normalize("NFKC", query.strip()))
        )
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        found = found.filter(counsellor__facility_id__in=ids)
    upcoming, past, more = either_side_of(found, now, starts="start", ends="end", limit=limit)
    return AppointmentSearch(query=query, upcoming=upcoming, past=past, more=more)
