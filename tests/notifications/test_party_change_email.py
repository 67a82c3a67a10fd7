"""A party change sends its own email with the updated invite (same UID, higher SEQUENCE), and
the SEQUENCE keeps rising through cancel and a new booking (issue 25, item 3)."""

from __future__ import annotations

import pytest
from django.core import mail

from booking.rules import Party
from booking.services import reservation_cancel, reservation_change_party
from calendars import tokens
from notifications import tasks
from notifications.models import Notification, NotificationKind
from tests.factories import SessionFactory, book
from tests.notifications import fixtures
from tests.notifications.icalcheck import parse_both, uid_of
from tests.notifications.mailparse import parse_outbox

facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox

pytestmark = pytest.mark.django_db


def invite(mail) -> tuple[str, str, int]:
    """(method, UID, SEQUENCE) of an email's one invite, both parsers agreeing."""
    [(params, _cal)] = mail.calendars
    part = next(p for p in mail.message.walk() if p.get_content_type() == "text/calendar")
    _ical, _vobj, events = parse_both(part.get_payload(decode=True))
    [(uid, seen)] = events.items()
    return params["method"], uid, seen.sequence


def sent() -> list:
    """The emails delivered since the last call."""
    tasks.deliver_due.apply()
    mails = parse_outbox(mail.outbox)
    mail.outbox.clear()
    return mails


def test_a_party_change_by_api_emails_the_new_party_with_a_newer_invite(api, program, outbox):
    session = SessionFactory(program=program, capacity=10)
    booked = book(session, adults=1, children=1, children_ages=[12])
    [confirmation] = sent()
    method, uid, first_sequence = invite(confirmation)
    assert (method, uid) == ("REQUEST", uid_of(session))

    url = f"/api/v1/reservations/{booked.reservation.code}/?token={booked.token}"
    response = api.patch(url, {"adults": 2}, format="json")
    assert response.status_code == 200, response.json()
    [change] = sent()

    assert "参加人数の変更" in change.subject
    assert "変更前の参加人数" in change.text and "大人1人、子ども1人" in change.text
    assert "大人2人、子ども1人" in change.text
    method, same_uid, sequence = invite(change)
    assert (method, same_uid) == ("REQUEST", uid)
    assert sequence > first_sequence

    # The private feed shows what the last invite said.
    token = tokens.feed_token_issue(email=booked.reservation.email)
    feed = api.get(f"/calendar/private/{token}.ics")
    _ical, _vobj, events = parse_both(feed.content)
    assert events[uid].sequence == sequence

    # The same party again changes nothing and sends nothing.
    response = api.patch(url, {"adults": 2}, format="json")
    assert response.status_code == 200
    assert sent() == []
    assert Notification.objects.filter(kind=NotificationKind.PARTY_CHANGED).count() == 1


def test_the_sequence_keeps_rising_through_change_cancel_and_a_new_booking(program, outbox):
    session = SessionFactory(program=program, capacity=10)
    booked = book(session, adults=1, children=1, children_ages=[12])
    sequences = [invite(m)[2] for m in sent()]
    for adults in (2, 1):
        reservation_change_party(
            reservation=booked.reservation,
            party=Party(adults=adults, children=1, children_ages=[12]),
        )
        sequences += [invite(m)[2] for m in sent()]
    booked.reservation.refresh_from_db()
    reservation_cancel(reservation=booked.reservation)
    sequences += [invite(m)[2] for m in sent()]
    again = book(session, adults=1, children=1, children_ages=[12])
    sequences += [invite(m)[2] for m in sent()]

    assert len(sequences) == 5
    assert sequences == sorted(set(sequences)), sequences
    assert again.reservation.party_changes == 0


def test_a_party_change_on_the_manage_page_emails_a_newer_invite_too(client, program, outbox):
    session = SessionFactory(program=program, capacity=10)
    booked = book(session, adults=1, children=1, children_ages=[12])
    [confirmation] = sent()
    _method, uid, first_sequence = invite(confirmation)

    page = client.get(f"/manage/{booked.reservation.code}/?token={booked.token}", follow=True)
    assert page.status_code == 200
    form = {"action": "party", "party-adults": "2"}
    html = page.content.decode()
    for name in ("party-children", "party-childcare"):
        if f'name="{name}"' in html:
            form[name] = "1" if name == "party-children" else "0"
    if 'name="party-child_age_1"' in html:
        form["party-child_age_1"] = "12"
    response = client.post(f"/manage/{booked.reservation.code}/", form)
    assert response.status_code == 302 and response["Location"].startswith("/manage/")
    [change] = sent()
    assert "参加人数の変更" in change.subject and "大人2人" in change.text
    method, same_uid, sequence = invite(change)
    assert (method, same_uid) == ("REQUEST", uid) and sequence > first_sequence
