"""The audit log: each staff action, with what it changed before and after."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from booking.models import Reservation
from booking.services import (
    actor_label,
)
from core.dates import json_ready
from core.errors import AppValidationError
from events.models import Session
from events.selectors import only_facility_id
from staffdesk.models import StaffAction, StaffActionKind


def record(
    *,
    by: AbstractBaseUser | None,
    kind: str,
    session: Session | None = None,
    reservation: Reservation | None = None,
    facility_id: int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> StaffAction:
    if facility_id is None and session is not None:
        facility_id = session.facility_id
    return StaffAction.objects.create(
        actor=by,
        actor_label=actor_label(by, "system"),
        kind=kind,
        facility_id=facility_id,
        session=session,
        reservation=reservation,
        reason=reason,
        before=json_ready(before or {}),
        after=json_ready(after or {}),
    )


def staff_action_record(
    *,
    by: AbstractBaseUser | None,
    kind: str,
    session: Session | None = None,
    facility_id: int | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> StaffAction:
    """Record a staff action taken outside this module (API session edits, privacy requests)."""
    return record(
        by=by,
        kind=kind,
        session=session,
        facility_id=facility_id,
        reason=reason,
        before=before,
        after=after,
    )


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AppValidationError({field: [_("Give a reason.")]})
    return reason


def search_record(
    *, by: AbstractBaseUser, codes: list[str], facility_ids: set[int] | None
) -> StaffAction:
    """Log a search for a party (予約の検索) by the reservations it showed, as an export is
    logged: who looked at whose data, and when. The words searched for (a name, an address, a
    number) are not kept, nor the parties' names, so that an erasure leaves nothing of the
    person in the log. The entry is the facility's when the user works at one facility (the
    admin shows a facility's entries to its staff); an operator's, across facilities, is the
    operator's alone. ``facility_ids``: the facilities searched (None: every one)."""
    return record(
        by=by,
        kind=StaffActionKind.SEARCH,
        facility_id=only_facility_id(facility_ids),
        after={"reservations": codes, "rows": len(codes)},
    )


def export_record(
    *,
    by: AbstractBaseUser,
    what: str,
    rows: int,
    session: Session | None = None,
    facility_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> StaffAction:
    """Log a download of personal data (a roster or a date range as CSV)."""
    return record(
        by=by,
        kind=StaffActionKind.EXPORT,
        session=session,
        facility_id=facility_id,
        after={"what": what, "rows": rows, **(params or {})},
    )
