"""The staff API for one party on a session's roster, as its page at the desk: read it with its
history and emails; a manager changes its size, moves it to another date or cancels its
booking (a caller on the phone), through the desk's services and their audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from booking.rules import party_patched
from booking.serializers import PartySerializer, ReservationMoveSerializer
from core.errors import AppError
from core.schema import ERROR_RESPONSES, ErrorSerializer
from events.models import Session
from staffdesk.apis.common import StaffApi, StaffParty, staff_party
from staffdesk.party_serializers import (
    PartyCancelSerializer,
    PartyChangedSerializer,
    StaffPartyDetailSerializer,
)
from staffdesk.selectors.parties import EmailRow, HistoryRow, PartyPage, moved_already, party_page
from staffdesk.serializers import StaffSessionSerializer
from staffdesk.services.party_changes import (
    PartyResult,
    move_choices_for_staff,
    party_change_by_staff,
    party_move_by_staff,
    reservation_cancel_by_staff,
)

NOT_OPEN = OpenApiResponse(
    response=ErrorSerializer,
    description="invalid_state: the booking is over or cancelled, or its session is cancelled; "
    "party_too_large: a larger party does not fit in the seats left; session_full: the seats "
    "the party needs are not left on the new date; "
    "duplicate_reservation: the address is booked on the new date already.",
)


@dataclass
class ChangedParty(StaffParty):
    promoted: list[str] = field(default_factory=list)


def changed(result: PartyResult, session: Session) -> dict:
    party = ChangedParty(
        **vars(staff_party(result.reservation, session)),
        promoted=[r.code for r in result.promoted],
    )
    return PartyChangedSerializer(party).data


@dataclass
class StaffPartyDetail(StaffParty):
    changeable: bool = False
    history: list[HistoryRow] = field(default_factory=list)
    emails: list[EmailRow] = field(default_factory=list)


def open_party(session: Session, code: str) -> PartyPage:
    """The party on the session's roster (404 otherwise) that can still be changed (409)."""
    page = party_page(session, code)
    if not page.open:
        raise AppError("invalid_state", extra={"status": page.reservation.status})
    return page


class PartyStaffApi(StaffApi):
    def party(self, pk: int, code: str, *, manage: bool = False) -> PartyPage:
        """The party on the session's roster (404 otherwise); for a change (managers), one
        still open."""
        session = self.session(pk, manage=manage)
        return open_party(session, code) if manage else party_page(session, code)


class PartyApi(PartyStaffApi):
    @extend_schema(
        operation_id="staff_party",
        responses={200: StaffPartyDetailSerializer, **ERROR_RESPONSES},
        description="One party on the session's roster (any staff of its facility), as its "
        "page at the desk: the booking, contact, history and emails, and whether it can still "
        "be changed. A code not on this session's roster is 404.",
    )
    def get(self, request, pk: int, code: str):
        page = self.party(pk, code)
        party = StaffPartyDetail(
            **vars(staff_party(page.reservation, page.session, position=page.slip.position)),
            changeable=page.open,
            history=page.history,
            emails=page.emails,
        )
        return Response(
            StaffPartyDetailSerializer(party).data, headers={"Cache-Control": "no-store"}
        )

    @extend_schema(
        operation_id="staff_party_change",
        request=PartySerializer,
        responses={200: PartyChangedSerializer, **ERROR_RESPONSES, 409: NOT_OPEN},
        description="Change the party's size (managers), as the party's page does for a "
        "caller: only what the body names changes, and the whole party is checked against the "
        "programme's rules again (400 invalid on the field). A larger party takes only seats "
        "that are left (409 party_too_large); seats given back go to the waiting list "
        "(`promoted`). Past the parents' cancellation deadline too. The parent is emailed; "
        "the audit log keeps the entry (party_change). A body that changes nothing changes "
        "nothing and logs nothing.",
    )
    def patch(self, request, pk: int, code: str):
        page = self.party(pk, code, manage=True)
        serializer = PartySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        result = party_change_by_staff(
            session=page.session,
            reservation=page.reservation,
            by=request.user,
            party=party_patched(page.reservation, serializer.validated_data),
        )
        return Response(changed(result, page.session))


class PartyCancelApi(PartyStaffApi):
    @extend_schema(
        operation_id="staff_party_cancel",
        request=PartyCancelSerializer,
        responses={200: PartyChangedSerializer, **ERROR_RESPONSES, 409: NOT_OPEN},
        description="Cancel the party's booking with a reason (managers), which the parent's "
        "email carries; its seats go to the waiting list (`promoted`). Kept in the history "
        "and the audit log (reservation_cancel). Sent again, 409 invalid_state: it is "
        "cancelled already.",
    )
    def post(self, request, pk: int, code: str):
        page = self.party(pk, code, manage=True)
        serializer = PartyCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = reservation_cancel_by_staff(
            session=page.session,
            reservation=page.reservation,
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(changed(result, page.session))


class PartyMoveApi(PartyStaffApi):
    @extend_schema(
        operation_id="staff_party_move_choices",
        responses={200: StaffSessionSerializer(many=True), **ERROR_RESPONSES, 409: NOT_OPEN},
        description="The dates a manager may move the party to, soonest first: the "
        "programme's other sessions at the facilities the manager manages, with the seats the "
        "party needs left (as read; the move decides), also past the parents' deadline and "
        "booking period. A party on the waiting list may move too, and leaves the list. Empty "
        "for a course's party or a lottery application.",
    )
    def get(self, request, pk: int, code: str):
        page = self.party(pk, code, manage=True)
        choices = move_choices_for_staff(page.reservation, request.user)
        return Response(
            StaffSessionSerializer(choices, many=True).data,
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(
        operation_id="staff_party_move",
        request=ReservationMoveSerializer,
        responses={200: PartyChangedSerializer, **ERROR_RESPONSES, 409: NOT_OPEN},
        description="Move the party's booking to another date of its programme (managers of "
        "both facilities), as the party's page does for a caller: the seats are taken on the "
        "new date and given back on this one in one step, this date's waiting list promoted "
        "(`promoted`); the code stays. The answer is the party on its new date. The parent is "
        "emailed (日程の変更) and both sessions' audit logs keep the entry (party_move). 400 "
        "invalid on `session` for a date of another programme, 403 for a facility the user "
        "does not manage, 409 session_full when the seats are not left. Sent again after it "
        "moved, the same answer, nothing changed.",
    )
    def post(self, request, pk: int, code: str):
        session = self.session(pk, manage=True)
        serializer = ReservationMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to = serializer.validated_data["session"]
        again = moved_already(session, code, to)
        if again is not None:
            return Response(changed(PartyResult(reservation=again), to))
        page = open_party(session, code)
        result = party_move_by_staff(
            session=page.session, reservation=page.reservation, by=request.user, to=to
        )
        return Response(changed(result, to))
