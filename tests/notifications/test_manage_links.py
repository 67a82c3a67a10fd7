"""Every email about a reservation links to its manage page, though only a hash is stored.

The first email quotes the manage token; every later one carries the link token derived from
the token's hash (``booking.manage_links``). A link opens its own reservation only, on the
manage page and in the API, and dies when the manage token is replaced.
"""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services as booking
from booking.models import Reservation
from booking.services import generate_token, hash_token
from events.models import BookingMode
from notifications import tasks
from notifications.models import Notification
from notifications.services import reminders_schedule
from staffdesk import services as staff_services
from tests.factories import ProgramFactory, SessionFactory, book, staff_user
from tests.notifications import fixtures
from tests.notifications.mailparse import Mail, parse_outbox

facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r"https?://[^\s\"<>]+?(?P<path>/manage/(?P<code>[A-Z0-9-]+)/)\?token=(?P<token>[\w-]+)"
    r"&lang=(?P<lang>[\w-]+)(?:#(?P<fragment>[\w-]+))?"
)


def deliver_now():
    Notification.objects.filter(status="pending").update(due_at=timezone.now())
    tasks.deliver_due.apply()


def manage_links(mail: Mail) -> list[re.Match]:
    """The manage links of an email, from both bodies (the HTML one unescaped)."""
    found = list(LINK.finditer(mail.text)) + list(LINK.finditer(html.unescape(mail.html)))
    assert found, f"no manage link in {mail.subject!r}"
    return found


def opens(client, api, code: str, token: str) -> bool:
    """Whether a code and token open the reservation, on the page and in the API."""
    page = client.get(f"/manage/{code}/", {"token": token}, follow=True)
    answer = api.get(f"/api/v1/reservations/{code}/", {"token": token})
    assert page.status_code in (200, 404) and answer.status_code in (200, 404)
    assert (page.status_code == 200) == (answer.status_code == 200)
    if answer.status_code == 200:
        assert answer.json()["code"] == code and code in page.content.decode()
    return answer.status_code == 200


def kind(mail: Mail) -> str:
    return mail.header("X-Notification-Kind")


def code_of(mail: Mail) -> str:
    return Notification.objects.get(message_id=mail.header("Message-ID")).reservation.code


def test_every_email_about_a_reservation_links_to_its_manage_page(client, api, facility, outbox):
    session = SessionFactory(
        facility=facility,
        program=ProgramFactory(reminder_offsets=[24]),
        capacity=1,
        start=timezone.now().replace(microsecond=0) + timedelta(days=3),
    )
    holder = book(session, email="holder@example.jp")
    waiting = book(session, email="waiting@example.jp", language="en")
    tokens = {holder.reservation.code: holder.token, waiting.reservation.code: waiting.token}
    manager = staff_user(facility)
    new_start = session.start + timedelta(hours=2)
    staff_services.session_move(
        session=session,
        by=manager,
        start=new_start,
        end=new_start + timedelta(hours=1),
        reason="講師の都合のため",
    )
    session.refresh_from_db()
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    assert reminders_schedule(now=session.start - timedelta(hours=24)) == 1
    deliver_now()
    booking.reservation_cancel(reservation=Reservation.objects.get(email="holder@example.jp"))
    deliver_now()
    staff_services.session_cancel(session=session, by=manager, reason="台風接近のため")
    deliver_now()

    mails = parse_outbox(outbox)
    kinds = sorted(m.header("X-Notification-Kind") for m in mails)
    assert kinds == sorted(
        [
            "confirmed",
            "waitlisted",
            "session_changed",
            "session_changed",
            "reminder",
            "cancelled",
            "promoted",
            "session_cancelled",
        ]
    )
    for mail in mails:
        code = code_of(mail)
        first = mail.header("X-Notification-Kind") in ("confirmed", "waitlisted")
        for link in manage_links(mail):
            assert link["code"] == code
            assert opens(client, api, code, link["token"]), mail.subject
            # Only the first email quotes the manage token; it is stored nowhere.
            assert (link["token"] == tokens[code]) == first
        if not first:
            assert tokens[code] not in mail.text + mail.html
    for row in Notification.objects.all():
        assert "token=" not in str(row.payload)


def test_a_lottery_win_links_to_the_confirm_button_which_confirms(client, api, facility, outbox):
    session = SessionFactory(
        facility=facility, program=ProgramFactory(booking_mode=BookingMode.LOTTERY), capacity=1
    )
    applicant = book(session, email="a@example.jp")
    deliver_now()
    outbox.clear()
    booking.lottery_draw(session=session, seed="fixed")
    deliver_now()
    [won] = parse_outbox(outbox)
    assert won.header("X-Notification-Kind") == "lottery_won"
    links = manage_links(won)
    confirm = [link for link in links if link["fragment"] == "confirm"]
    assert confirm and {link["token"] for link in links} != {applicant.token}
    path, token = confirm[0]["path"], confirm[0]["token"]
    assert 'id="confirm"' in client.get(path, {"token": token}, follow=True).content.decode()
    response = client.post(path, {"token": token, "action": "confirm"})
    assert response.status_code == 302
    assert Reservation.objects.get(pk=applicant.reservation.pk).status == "confirmed"


def test_a_link_opens_its_own_reservation_only(client, api, session, outbox):
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    booking.reservation_cancel(reservation=a.reservation)
    booking.reservation_cancel(reservation=b.reservation)
    deliver_now()
    link = {}
    for mail in parse_outbox(outbox):
        if mail.header("X-Notification-Kind") == "cancelled":
            [first, *_] = manage_links(mail)
            link[first["code"]] = first["token"]
    code_a, code_b = a.reservation.code, b.reservation.code
    assert opens(client, api, code_a, link[code_a]) and opens(client, api, code_b, link[code_b])
    assert not opens(client, api, code_b, link[code_a])
    assert not opens(client, api, code_a, link[code_b])
    assert not opens(client, api, code_a, link[code_a][:-1])


def test_replacing_the_manage_token_kills_the_links_of_earlier_emails(client, api, session, outbox):
    result = book(session, email="a@example.jp")
    booking.reservation_cancel(reservation=result.reservation)
    deliver_now()
    [cancelled] = [m for m in parse_outbox(outbox) if kind(m) == "cancelled"]
    old = manage_links(cancelled)[0]
    code = result.reservation.code
    assert opens(client, api, code, old["token"])
    Reservation.objects.filter(pk=result.reservation.pk).update(
        token_hash=hash_token(generate_token())
    )
    assert not opens(client, api, code, old["token"])
    assert not opens(client, api, code, result.token)


def test_links_made_under_an_old_secret_key_work_while_it_is_a_fallback(
    client, api, session, outbox, settings
):
    result = book(session, email="a@example.jp")
    booking.reservation_cancel(reservation=result.reservation)
    deliver_now()
    [cancelled] = [m for m in parse_outbox(outbox) if kind(m) == "cancelled"]
    token = manage_links(cancelled)[0]["token"]
    code = result.reservation.code
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert opens(client, api, code, token)
    settings.SECRET_KEY_FALLBACKS = []
    assert not opens(client, api, code, token)
    assert opens(client, api, code, result.token)  # the manage token itself does not depend on it
