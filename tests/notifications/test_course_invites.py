"""A course's emails carry one iTIP object per session (each with one UID, read the same by
icalendar and vobject), and the cancellation names the same UIDs."""

from __future__ import annotations

import pytest

from booking.services import reservation_cancel
from notifications import tasks
from tests.factories import course_of_three
from tests.notifications import fixtures
from tests.notifications.icalcheck import parse_both, uid_of
from tests.notifications.mailparse import parse_outbox

facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox

pytestmark = pytest.mark.django_db


def invites_of(mail) -> list[tuple[str, list[str]]]:
    """(method, UIDs) of each calendar part, after both parsers agree on it."""
    found = []
    for params, _calendar in mail.calendars:
        part = next(p for p in mail.message.walk() if p.get_filename() == params["filename"])
        _ical, _vobj, events = parse_both(part.get_payload(decode=True))
        found.append((params["method"], list(events)))
    return found


def test_a_course_confirmation_and_its_cancellation_carry_one_uid_per_invite(
    facility, program, outbox
):
    sessions, reservation = course_of_three(facility, program)
    tasks.deliver_due.apply()
    [confirmation] = parse_outbox(outbox)

    uids = [uid_of(s) for s in sessions]
    assert invites_of(confirmation) == [("REQUEST", [uid]) for uid in uids]
    names = [params["filename"] for params, _ in confirmation.calendars]
    assert names == ["invite-1.ics", "invite-2.ics", "invite-3.ics"]

    outbox.clear()
    reservation_cancel(reservation=reservation)
    tasks.deliver_due.apply()
    [cancellation] = parse_outbox(outbox)
    assert invites_of(cancellation) == [("CANCEL", [uid]) for uid in uids]
