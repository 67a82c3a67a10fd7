"""The 受付票: what a party is told of its booking, on paper or read out over the phone."""

from __future__ import annotations

from dataclasses import dataclass

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from booking.services import waitlist_position
from events.models import Facility, Session
from events.templatetags.parent_pages import months_list
from staffdesk.services import reservation_in_session
from staffdesk.terms import RESERVATION_STATUS, needs_text, term


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
    def ages_text(self) -> str:
        return months_list(self.reservation.children_ages)

    @property
    def needs_text(self) -> str:
        return needs_text(self.reservation.needs, self.reservation.needs_detail)


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
