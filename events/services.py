"""Writes to the events catalogue: sessions created, changed and cancelled by staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.errors import AppError, AppValidationError
from events.models import Session, SessionStatus

# Changing any of these changes what a calendar shows, so SEQUENCE must rise.
CALENDAR_FIELDS = ("start", "end", "facility", "status", "title")
CAPACITY_FIELDS = ("capacity", "children_capacity", "childcare_capacity")


def session_validate(values: dict[str, Any], *, instance: Session | None = None) -> None:
    """Raise AppValidationError with field errors for a session that breaks the rules."""

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


@transaction.atomic
def session_update(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = "", **values: Any
) -> Session:
    """Change a session; capacity never drops below the seats already taken.

    ``reason`` (staff's, when they give one) goes into the emails about a change of time or
    place.
    """
    locked = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
    session_validate(values, instance=locked)
    # Late import: notifications depend on events. What parents were told, to compare.
    from notifications import services as notify

    before = notify.session_snapshot(locked)
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
    if changed_calendar:
        notify.notify_session_changed(locked, before=before, reason=reason)
    if any(name in values for name in CAPACITY_FIELDS):
        # Late import: booking depends on events, not the other way round.
        from booking.services import waitlist_promote

        waitlist_promote(session=locked, reason="capacity_increased")
        locked.refresh_from_db()
    return locked


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


@transaction.atomic
def session_cancel(
    *, session: Session, by: AbstractBaseUser | None = None, reason: str = ""
) -> Session:
    """Cancel a session; its reservations are cancelled with it."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.CANCELLED:
        return locked
    locked.status = SessionStatus.CANCELLED
    locked.cancel_reason = reason
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    locked.refresh_from_db()
    from booking.services import reservations_cancel_for_session

    reservations_cancel_for_session(session=locked, by=by, reason=reason)
    return locked
