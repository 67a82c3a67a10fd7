"""Writes to the events catalogue: sessions created, changed and cancelled by staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.errors import AppError, AppValidationError
from events.models import LONGEST_SESSION, Session, SessionStatus

# Changing any of these changes what a calendar shows, so SEQUENCE must rise.
CALENDAR_FIELDS = ("start", "end", "facility", "status", "title")
CAPACITY_FIELDS = ("capacity", "children_capacity", "childcare_capacity")


def session_validate(values: dict[str, Any], *, instance: Session | None = None) -> None:
    """Raise AppValidationError with field errors for a session that breaks the rules.

    Every path that sets a session's start or end ends here (the admin, the sessions API, a
    move, a series published or changed), so each refuses what the others refuse.
    """

    def get(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(instance, name, None) if instance else None

    errors: dict[str, list[Any]] = {}
    start, end = get("start"), get("end")
    opens, closes = get("registration_opens"), get("registration_closes")
    deadline = get("cancellation_deadline")
    if start and end and end <= start:
        errors.setdefault("end", []).append(_("The end must be after the start."))
    elif start and end and end - start > LONGEST_SESSION:
        errors.setdefault("end", []).append(
            _("The end must be at most %(hours)d hours after the start.")
            % {"hours": LONGEST_SESSION // timedelta(hours=1)}
        )
    if opens and closes and opens >= closes:
        errors.setdefault("registration_closes", []).append(
            _("Registration must close after it opens.")
        )
    if closes and start and closes > start:
        errors.setdefault("registration_closes", []).append(
            _("Registration must close before the session starts.")
        )
    if deadline and start and deadline > start:
        errors.setdefault("cancellation_deadline", []).append(
            _("The cancellation deadline must not be after the start.")
        )
    program, course = get("program"), get("course")
    if course is not None and program is not None and course.program_id != program.pk:
        errors.setdefault("course", []).append(_("The course belongs to another programme."))
    if (
        course is not None
        and get("facility") is not None
        and course.facility_id != get("facility").pk
    ):
        errors.setdefault("course", []).append(_("The course is held at another facility."))
    if get("childcare_capacity") and program is not None and not program.childcare_offered:
        errors.setdefault("childcare_capacity", []).append(
            _("This programme does not offer childcare.")
        )
    if errors:
        raise AppValidationError(errors)


@transaction.atomic
def session_create(*, by: AbstractBaseUser | None = None, **values: Any) -> Session:
    """Create a session after checking its dates and windows."""
    session_validate(values)
    session = Session(**values)
    session.save()
    return session


def session_lock(session: Session) -> Session:
    """Lock a session's row for a change, and read it with its programme and facility."""
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("program", "facility")
        .get(pk=session.pk)
    )


def session_change(locked: Session, values: dict[str, Any]) -> bool:
    """Change a locked session's fields; return whether its calendar entry changed.

    Capacity never drops below the seats already taken; a change of time, place, status or
    title raises its SEQUENCE (RFC 5545). Telling the parties and promoting the waiting list
    are the callers' (``staffdesk.services.session_update``).
    """
    session_validate(values, instance=locked)
    changed_calendar = any(
        name in values and getattr(locked, name) != values[name] for name in CALENDAR_FIELDS
    )
    for name, value in values.items():
        setattr(locked, name, value)
    _check_capacity_not_below_taken(locked)
    if changed_calendar:
        locked.sequence = F("sequence") + 1
    locked.save()
    locked.refresh_from_db()
    return changed_calendar


def _check_capacity_not_below_taken(session: Session) -> None:
    problems = []
    if session.capacity < session.seats_taken:
        problems.append(("capacity", session.seats_taken))
    if session.children_capacity is not None and session.children_capacity < session.children_taken:
        problems.append(("children_capacity", session.children_taken))
    if session.childcare_taken and (session.childcare_capacity or 0) < session.childcare_taken:
        problems.append(("childcare_capacity", session.childcare_taken))
    if problems:
        field, taken = problems[0]
        raise AppError(
            "capacity_below_taken",
            _("The capacity cannot be lower than the %(taken)d seats already taken.")
            % {"taken": taken},
            fields={f: [_("At least %(n)d.") % {"n": t}] for f, t in problems},
            extra={"seats_taken": session.seats_taken},
        )


def session_mark_cancelled(locked: Session, *, reason: str = "") -> bool:
    """Mark a locked session cancelled; return False when it already was.

    Its reservations are cancelled by the caller (``staffdesk.services.session_cancel_all``).
    """
    if locked.status == SessionStatus.CANCELLED:
        return False
    locked.status = SessionStatus.CANCELLED
    locked.cancel_reason = reason
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    locked.refresh_from_db()
    return True
