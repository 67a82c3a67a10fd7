"""The 受付票: what a party is told of its booking, on paper or read out over the phone."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from booking.services import waitlist_position
from events.models import Facility, Session
from events.templatetags.parent_pages import when
from staffdesk.services import reservation_in_session
from staffdesk.terms import RESERVATION_STATUS, term


@dataclass
class Slip:
    reservation: Reservation
    sessions: list[Session]  # one, or every session of a course, in time order
    facility: Facility
    position: int | None  # the place on the waiting list

    @property
    def first(self) -> Session:
        return self.sessions[0]

    @property
    def title(self) -> str:
        r = self.reservation
        return r.course.title if r.course_id else self.first.display_title

    @property
    def status_label(self) -> str:
        return term(RESERVATION_STATUS, self.reservation.status)

    @property
    def holds_seats(self) -> bool:
        return self.reservation.holds_seats

    @property
    def waiting(self) -> bool:
        return self.reservation.status == ReservationStatus.WAITLISTED

    @property
    def applied(self) -> bool:
        return self.reservation.status == ReservationStatus.APPLIED

    @property
    def has_email(self) -> bool:
        return receives_email(self.reservation.email)

    @property
    def needs_text(self) -> str:
        return self.reservation.needs_text()

    @property
    def deadline_passed(self) -> bool:
        return timezone.now() > self.first.cancellation_deadline

    @property
    def cancel_note(self) -> str:
        """How to cancel or change, as the caller is told: by the deadline while it is ahead,
        by phone to the facility once it has passed (a booking made outside the rules), and
        what the caller hears next for an application or a place on the waiting list; one
        paragraph, its sentences joined as the language joins them (no space after 。)."""
        facility, phone = self.facility.name, self.facility.phone
        if self.deadline_passed:
            first = (
                _(
                    "To cancel or change, call %(facility)s (%(phone)s) and give the "
                    "reservation code."
                )
                if phone
                else _("To cancel or change, call %(facility)s and give the reservation code.")
            )
            first = first % {"facility": facility, "phone": phone}
        else:
            deadline = when(self.first.cancellation_deadline)
            values = {"facility": facility, "phone": phone, "deadline": deadline}
            first = (
                _(
                    "To cancel or change, call %(facility)s (%(phone)s) by %(deadline)s and give "
                    "the reservation code."
                )
                if phone
                else _(
                    "To cancel or change, call %(facility)s by %(deadline)s and give the "
                    "reservation code."
                )
            ) % values
        if not (self.applied or self.waiting):
            return first
        if self.has_email:
            second = _("News (the draw's result, a seat come free) is sent by email.")
        elif self.applied:
            second = _(
                "This is a lottery application: call the centre for the result after the draw."
            )
        else:
            second = _(
                "This is a place on the waiting list: call the centre to hear whether a seat "
                "has come free."
            )
        return pgettext("sentences", "%(first)s %(second)s") % {"first": first, "second": second}


def reservation_slip(session: Session, code: str) -> Slip:
    """The slip of the reservation with ``code`` on ``session``'s roster (AppError 404 for any
    other code)."""
    reservation = reservation_in_session(session, code)
    if reservation.course_id:
        sessions = list(
            Session.objects.filter(course_id=reservation.course_id)
            .select_related("program", "facility")
            .order_by("start", "id")
        )
    else:
        sessions = [session]  # the roster's own session, with its programme and place
    return Slip(
        reservation=reservation,
        sessions=sessions,
        facility=session.facility,
        position=waitlist_position(reservation),
    )
