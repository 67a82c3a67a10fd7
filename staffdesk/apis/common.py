"""What every staff API shares: authentication and facility scope, parameters; CSV answers
through ``core.csv_files``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated

from booking.models import Reservation
from core.csv_files import CSVApiView
from core.errors import AppValidationError
from core.fields import bounded_date
from events.models import Session
from events.permissions import facility_manager_required
from staffdesk import selectors, services
from staffdesk.serializers import (
    StaffSessionSerializer,
)


class StaffApi(CSVApiView):
    permission_classes = [IsAuthenticated]

    def session(self, pk: int, *, manage: bool = False, desk: bool = False) -> Session:
        """The session if the user works at its facility (else 404); ``manage`` asks for a
        manager, ``desk`` for desk staff or a manager (else 403)."""
        session = selectors.staff_session(self.request.user, pk)
        if manage:
            facility_manager_required(self.request.user, session.facility_id)
        if desk and not selectors.can_run_desk(self.request.user, session):
            raise PermissionDenied(
                _("Only the desk staff and managers of this facility can do this.")
            )
        return session

    def require_staff(self) -> None:
        if not selectors.is_staff_member(self.request.user):
            raise PermissionDenied(_("You are not staff of any facility."))


def session_after(session: Session) -> Session:
    """The session read again after a change, with what its staff serializer shows."""
    return Session.objects.select_related("program", "facility", "course").get(pk=session.pk)


@dataclass
class StaffParty:
    """A party after a desk's change, in the shape the roster's rows are serialised from."""

    reservation: Reservation
    attendance: str
    session: Session
    position: int | None = None
    slip: str = ""


def staff_party(reservation: Reservation, session: Session, **more) -> StaffParty:
    return StaffParty(
        reservation=reservation,
        attendance=services.attendance_of(reservation, session),
        session=session_after(session),
        **more,
    )


def session_data(session: Session) -> dict:
    return StaffSessionSerializer(session_after(session)).data


def choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    """The query parameter if it is one of the choices, the first choice if it is empty or
    absent; anything else is refused (400) rather than read as the default."""
    value = request.query_params.get(name) or choices[0]
    if value not in choices:
        raise AppValidationError(
            {name: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}]}
        )
    return value


def parse_day(value: str | None, field: str, default: date | None = None) -> date:
    if not value:
        if default is not None:
            return default
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD).")]})
    parsed = bounded_date(value)
    if parsed is None:
        raise AppValidationError({field: [_("Give a date (YYYY-MM-DD) between 2000 and 2100.")]})
    return parsed
