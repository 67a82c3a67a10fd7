"""Reads: a consultation type's free slots by day in Japan time, who may read the answers."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q
from django.utils import timezone

from booking.services.tokens import hash_token
from consultations.closures import closed_dates
from consultations.models import (
    HOLDING,
    Appointment,
    AvailabilityWindow,
    ConsultationType,
    Counsellor,
    CounsellorLeave,
)
from events.selectors import staff_facility_ids, user_can_manage_facility

TOKYO = ZoneInfo("Asia/Tokyo")
CODE_PATTERN = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{4}")


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    counsellor_id: int
    counsellor_name: str


@lru_cache(maxsize=16)
def public_holidays(year: int) -> frozenset[date]:
    """Return Japan's public holidays (祝日, 振替休日) of a year."""
    return frozenset(holidays.Japan(years=year))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


def booking_window(kind: ConsultationType, now: datetime) -> tuple[date, date]:
    """Return the first and last day a slot of ``kind`` may be booked on, in Japan time."""
    today = now.astimezone(TOKYO).date()
    return (
        today + timedelta(days=kind.opens_days_ahead),
        today + timedelta(weeks=kind.closes_weeks_ahead),
    )


def free_slots(
    kind: ConsultationType,
    *,
    first: date,
    last: date,
    now: datetime | None = None,
    counsellor_ids: list[int] | None = None,
    lead: bool = True,
    ignore_pk: int | None = None,
) -> dict[date, list[Slot]]:
    """Return the free slots of ``kind`` from ``first`` to ``last`` (Japan dates), by day.

    A slot is free when it lies inside a weekly window of one of the type's counsellors, on a
    day that is neither a public holiday, nor a closed day of the facility (``closures``: its
    own closed days and 年末年始), nor the counsellor's day off, and neither it nor its buffer
    overlaps a time held by an appointment or a staff block (``ignore_pk``: but the one being
    moved). Five queries, whatever the range or the number of counsellors.
    """
    now = now or timezone.now()
    if lead:  # staff see every day; parents only the days the type is open for
        opens, closes = booking_window(kind, now)
        first, last = max(first, opens), min(last, closes)
    if first > last:
        return {}
    counsellors = Counsellor.objects.filter(consultation_types=kind, active=True)
    if counsellor_ids is not None:
        counsellors = counsellors.filter(pk__in=counsellor_ids)
    rows = list(counsellors.values_list("pk", "display_name", "facility_id"))
    names = {pk: name for pk, name, _facility in rows}
    facility_of = {pk: facility for pk, _name, facility in rows}
    closed = closed_dates(facility_of.values(), first, last)
    windows = defaultdict(list)
    for window in AvailabilityWindow.objects.filter(counsellor_id__in=names).order_by("start_time"):
        windows[(window.counsellor_id, window.weekday)].append(window)
    leave = set(
        CounsellorLeave.objects.filter(
            counsellor_id__in=names, date__range=(first, last)
        ).values_list("counsellor_id", "date")
    )
    range_start = datetime.combine(first, time.min, TOKYO)
    range_end = datetime.combine(last + timedelta(days=1), time.min, TOKYO)
    held = defaultdict(list)
    holding = Appointment.objects.filter(
        counsellor_id__in=names,
        status__in=HOLDING,
        start__lt=range_end,
        held_until__gt=range_start,
    )
    if ignore_pk is not None:
        holding = holding.exclude(pk=ignore_pk)
    for counsellor_id, start, until in holding.values_list("counsellor_id", "start", "held_until"):
        held[counsellor_id].append((start, until))
    length = timedelta(minutes=kind.minutes)
    step = length + timedelta(minutes=kind.buffer_minutes)
    result: dict[date, list[Slot]] = {}
    day = first
    while day <= last:
        if not is_public_holiday(day):
            found = []
            for counsellor_id, name in names.items():
                if (counsellor_id, day) in leave or (facility_of[counsellor_id], day) in closed:
                    continue
                for window in windows.get((counsellor_id, day.weekday()), []):
                    start = datetime.combine(day, window.start_time, TOKYO)
                    window_end = datetime.combine(day, window.end_time, TOKYO)
                    while start + length <= window_end:
                        if start > now and not _overlaps(held[counsellor_id], start, start + step):
                            found.append(Slot(start, start + length, counsellor_id, name))
                        start += step
            if found:
                result[day] = sorted(found, key=lambda slot: (slot.start, slot.counsellor_id))
        day += timedelta(days=1)
    return result


def free_slots_to_move(
    appointment: Appointment, *, first: date, last: date
) -> dict[date, list[Slot]]:
    """The free slots an appointment may move to: its type's, counting its own time as free
    (another counsellor may take it) but not offering that very slot, which would move nothing.
    A day left without a slot is dropped, so that no day is shown with nothing to choose."""
    found = free_slots(
        appointment.consultation_type, first=first, last=last, ignore_pk=appointment.pk
    )
    own = (appointment.start, appointment.counsellor_id)
    days = {
        day: [slot for slot in slots if (slot.start, slot.counsellor_id) != own]
        for day, slots in found.items()
    }
    return {day: slots for day, slots in days.items() if slots}


def _overlaps(held: list[tuple[datetime, datetime]], start: datetime, until: datetime) -> bool:
    return any(h_start < until and start < h_until for h_start, h_until in held)


def slot_is_offered(
    kind: ConsultationType,
    *,
    start: datetime,
    counsellor_id: int | None = None,
    now: datetime | None = None,
    lead: bool = True,
    ignore_pk: int | None = None,
) -> Slot | None:
    """Return the free slot of ``kind`` starting at ``start`` (of that counsellor), or None."""
    day = start.astimezone(TOKYO).date()
    ids = [counsellor_id] if counsellor_id is not None else None
    found = free_slots(
        kind, first=day, last=day, now=now, counsellor_ids=ids, lead=lead, ignore_pk=ignore_pk
    )
    for slot in found.get(day, []):
        if slot.start == start:
            return slot
    return None


def appointment_by_code_and_token(code: str, token: str | None) -> Appointment | None:
    """The appointment a code and its manage token open; None for any other pair."""
    if not token or not CODE_PATTERN.fullmatch(code):
        return None
    return (
        Appointment.objects.select_related("consultation_type", "counsellor__facility")
        .filter(code=code, token_hash=hash_token(token))
        .first()
    )


def held_by_family(email: str, *, now: datetime) -> Q:
    """Return the filter of a family's appointments still to come."""
    return Q(email__iexact=email, status="booked", start__gt=now)


def can_read_answers(user, appointment: Appointment) -> bool:
    """Return whether ``user`` may read an appointment's questionnaire and note: its
    counsellor, or a manager of its facility."""
    if not getattr(user, "is_authenticated", False):
        return False
    counsellor = appointment.counsellor
    if counsellor.user_id is not None and counsellor.user_id == user.pk:
        return True
    return user_can_manage_facility(user, counsellor.facility_id)


def counsellor_day_plan(counsellor: Counsellor, *, first: date, last: date) -> dict:
    """Return a counsellor's appointments and blocks, and the free slots of each of its
    consultation types, from ``first`` to ``last`` (Japan dates)."""
    range_start = datetime.combine(first, time.min, TOKYO)
    range_end = datetime.combine(last + timedelta(days=1), time.min, TOKYO)
    held = list(
        Appointment.objects.filter(
            counsellor=counsellor, start__gte=range_start, start__lt=range_end
        )
        .exclude(status="cancelled")
        .select_related("consultation_type")
    )
    free = []
    for kind in ConsultationType.objects.filter(counsellors=counsellor):
        by_day = free_slots(
            kind, first=first, last=last, counsellor_ids=[counsellor.pk], lead=False
        )
        free.extend((kind, slot) for day in sorted(by_day) for slot in by_day[day])
    return {"held": held, "free": free}


def staff_counsellors(user) -> list[Counsellor]:
    """The counsellors of the facilities a staff member works at (all for a superuser)."""
    ids = staff_facility_ids(user)
    # By a relation, Django orders by the related model's own ordering (FACILITY_ORDER).
    counsellors = Counsellor.objects.select_related("facility").order_by("facility", "pk")
    if ids is not None:
        counsellors = counsellors.filter(facility_id__in=ids)
    return list(counsellors)


def plan_by_day(counsellor: Counsellor, *, first: date, last: date) -> list[tuple[date, list]]:
    """A counsellor's days from ``first`` to ``last``: each day's appointments and blocks
    (``("held", appointment)``) and free slots (``("free", (kind, slot))``) in time order."""
    plan = counsellor_day_plan(counsellor, first=first, last=last)
    days: dict[date, list] = {}
    day = first
    while day <= last:
        days[day] = []
        day += timedelta(days=1)
    for appointment in plan["held"]:
        days[appointment.start.astimezone(TOKYO).date()].append(
            (appointment.start, 0, "held", appointment)
        )
    for kind, slot in plan["free"]:
        days[slot.start.astimezone(TOKYO).date()].append((slot.start, 1, "free", (kind, slot)))
    return [
        (day, [(what, item) for _start, _order, what, item in sorted(entries, key=_entry_key)])
        for day, entries in days.items()
    ]


def _entry_key(entry: tuple) -> tuple:
    return entry[0], entry[1]


def change_deadline(appointment: Appointment) -> datetime:
    """Return the last moment a parent may cancel or change an appointment."""
    hours = (
        appointment.consultation_type.cancel_hours_before if appointment.consultation_type else 0
    )
    return appointment.start - timedelta(hours=hours)
