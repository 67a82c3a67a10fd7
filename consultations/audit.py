"""The consultations' audit log: who booked, cancelled, blocked, closed or noted an appointment
for the facility, and who searched the families' appointments (``ConsultationAction``).

Each entry is written in the transaction of the change it records; a family's own booking,
change or cancellation is the family's and is not logged here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import get_language, pgettext

from booking.models import actor_text
from booking.services import actor_label
from consultations.models import (
    Appointment,
    AppointmentStatus,
    ConsultationAction,
    ConsultationActionKind,
)
from core.dates import format_day_time, json_ready
from events.selectors import only_facility_id


def consultation_action_record(
    *,
    by: AbstractBaseUser,
    kind: str,
    appointment: Appointment | None = None,
    facility_id: int | None = None,
    after: dict[str, Any] | None = None,
) -> ConsultationAction:
    if facility_id is None and appointment is not None:
        facility_id = appointment.counsellor.facility_id
    return ConsultationAction.objects.create(
        actor=by,
        actor_label=actor_label(by),
        kind=kind,
        facility_id=facility_id,
        appointment=appointment,
        after=json_ready(after or {}),
    )


def appointment_action_record(
    by: AbstractBaseUser, kind: str, appointment: Appointment, **after: Any
) -> ConsultationAction:
    """Log a staff member's change of an appointment (in its transaction): the appointment's
    status after it, and the times or the status before where they say more."""
    return consultation_action_record(
        by=by, kind=kind, appointment=appointment, after={"status": appointment.status, **after}
    )


def appointments_search_record(
    *, by: AbstractBaseUser, codes: list[str], facility_ids: set[int] | None
) -> ConsultationAction:
    """Log a search by the appointments it showed (the words searched for are not kept); the
    facility's entry when the user works at one facility."""
    return consultation_action_record(
        by=by,
        kind=ConsultationActionKind.SEARCH,
        facility_id=only_facility_id(facility_ids),
        after={"appointments": codes, "rows": len(codes)},
    )


@dataclass(frozen=True)
class ActionLine:
    """An entry of an appointment's log as its page says it, in the page's language."""

    at: datetime
    when: str
    who: str
    what: str


def appointment_actions(appointment: Appointment) -> list[ActionLine]:
    """The appointment's log, oldest first: when, which staff member, and what they did (with
    the outcome saved: 相談済み or 欠席)."""
    language = get_language()
    lines = []
    for action in ConsultationAction.objects.filter(appointment=appointment).order_by("at", "id"):
        what = action.get_kind_display()
        status = (action.after or {}).get("status")
        if action.kind == ConsultationActionKind.CLOSED and status in AppointmentStatus.values:
            what += pgettext("aside", " (%(note)s)") % {"note": AppointmentStatus(status).label}
        lines.append(
            ActionLine(
                at=action.at,
                when=format_day_time(action.at, language),
                who=actor_text(action.actor_label),
                what=what,
            )
        )
    return lines
