"""Emails built a batch at a time are exactly the emails built one by one.

``emails.Renderer`` renders each body once per distinct context and fills in each party's
name, code and links; ``emails.OutboxEmail`` writes the MIME form itself instead of the email
package. What a parent receives must not change: every kind, both languages, parties of
every shape, values that need escaping, a course, and the shapes left to Django.
"""

import re
from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from booking.models import Reservation
from booking.rules import Contact, Party
from booking.services import reservation_create
from events.models import Course
from notifications import email_parts, emails, renderer, wording
from notifications.claims import with_related
from notifications.models import Notification, NotificationKind
from notifications.services import session_snapshot
from tests.factories import SessionFactory, book
from tests.notifications import fixtures
from tests.notifications.mailparse import parse_bytes

facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db

BOUNDARY = re.compile(rb"===============\d{19}==")
DATE = re.compile(rb"^Date: .*$", re.MULTILINE)

PARTIES = [
    {"name": "山田 花子", "adults": 1, "children": 0, "language": "ja"},
    {"name": 'O\'Brien <&> "Tom"', "adults": 2, "children": 1, "language": "en"},
    {"name": "佐藤 & 鈴木 <b>", "adults": 1, "children": 3, "language": "ja", "childcare": 1},
    {"name": "Ann", "adults": 2, "children": 2, "language": "en", "childcare": 2},
    {"name": "", "adults": 1, "children": 2, "language": "ja"},
    {"name": "末尾に空白\u3000 ", "adults": 1, "children": 2, "language": "ja"},
    {"name": "名前\ue000に私用文字\ue001", "adults": 1, "children": 0, "language": "en"},
]


def payloads(session, reservation) -> dict[str, dict]:
    before = session_snapshot(session)
    after = {**before, "start": (session.start + timedelta(hours=1)).isoformat()}
    return {
        NotificationKind.CONFIRMED: {"manage_url": f"https://x.jp/m/{reservation.code}/?t=a&b=1"},
        NotificationKind.WAITLISTED: {},
        NotificationKind.APPLIED: {"manage_url": "https://x.jp/m/?token=<x>"},
        NotificationKind.PROMOTED: {},
        NotificationKind.LOTTERY_WON: {},
        NotificationKind.LOTTERY_NOT_DRAWN: {},
        NotificationKind.CANCELLED: {"had_seat": True, "by_staff": True, "reason": "台風<接近>"},
        NotificationKind.SESSION_CHANGED: {
            "session_id": session.pk,
            "sequence": 1,
            "changed": ["start"],
            "before": before,
            "after": after,
            "reason": "講師の都合 & 会場 <変更>",
        },
        NotificationKind.SESSION_CANCELLED: {
            "session_id": session.pk,
            "reason": "",
            "had_seat": False,
        },
        NotificationKind.REMINDER: {
            "session_id": session.pk,
            "offset_hours": 24,
            "start": session.start.isoformat(),
        },
    }


@pytest.fixture
def rows(facility, program):
    """One row of every kind for parties of every shape, a course and link-only emails."""
    session = SessionFactory(facility=facility, program=program, capacity=30)
    course = Course.objects.create(program=program, facility=facility, title="全2回", slug="c2")
    for days in (7, 14):
        SessionFactory(
            facility=facility,
            program=program,
            course=course,
            start=timezone.now().replace(microsecond=0) + timedelta(days=days),
        )
    reservations = []
    for index, party in enumerate(PARTIES):
        result = book(
            session,
            email=f"p{index}@example.jp",
            adults=party["adults"],
            children=party["children"],
            language=party["language"],
        )
        Reservation.objects.filter(pk=result.reservation.pk).update(
            name=party["name"],
            childcare=party.get("childcare", 0),
            confirm_by=timezone.now() + timedelta(days=2),
        )
        reservations.append(result.reservation)
    on_course = reservation_create(
        course=course,
        party=Party(adults=1),
        contact=Contact(name="鈴木 一郎", email="c@example.jp"),
    ).reservation
    Notification.objects.all().delete()
    made = []
    for reservation in [*reservations, on_course]:
        reservation.refresh_from_db()
        target = reservation.session or course.sessions.order_by("start").first()
        for kind, payload in payloads(target, reservation).items():
            made.append(
                Notification.objects.create(
                    kind=kind,
                    reservation=reservation,
                    to_email=reservation.email,
                    language=reservation.language,
                    payload=payload,
                    due_at=timezone.now(),
                )
            )
    for language in ("ja", "en"):
        made.append(
            Notification.objects.create(
                kind=NotificationKind.FEED_LINK,
                to_email="feed@example.jp",
                language=language,
                payload={"feed_url": "https://x.jp/c/a.ics", "webcal_url": "webcal://x.jp/c/a"},
                due_at=timezone.now(),
            )
        )
        made.append(
            Notification.objects.create(
                kind=NotificationKind.MY_RESERVATIONS,
                to_email="me@example.jp",
                language=language,
                payload={"link_url": "https://x.jp/my/?k=1&j=2"},
                due_at=timezone.now(),
            )
        )
    return list(with_related(Notification.objects.filter(pk__in=[n.pk for n in made])))


def render_whole(row: Notification, now) -> emails.Rendered:
    """The reference: every body rendered from the row's own context, nothing shared."""
    ctx = emails.Renderer().context(row, now=now)
    subject = wording.subject(
        row.kind,
        ctx["lang"],
        title=ctx.get("title", ""),
        date=ctx.get("start_short", ""),
        relative=ctx.get("relative", ""),
    )
    ctx["subject"] = subject = renderer.plain_text(subject, ctx["lang"])
    text, html = renderer.render_bodies(f"notifications/email/{row.kind}", ctx, ctx["lang"])
    return emails.Rendered(subject=subject, text=email_parts.tidy(text), html=html, invites=[])


def test_a_batch_renders_what_each_email_rendered_alone_would(rows):
    now = timezone.now()
    renderer = emails.Renderer()
    for row in rows:
        batch, whole = renderer.render(row, now=now), render_whole(row, now)
        assert (batch.subject, batch.text, batch.html) == (whole.subject, whole.text, whole.html)


def test_parties_of_the_same_shape_share_one_render(facility, program):
    session = SessionFactory(facility=facility, program=program, capacity=30)
    names = ["山田 花子", "田中 一郎", "Smith & Sons"]
    for index, name in enumerate(names):
        book(session, email=f"s{index}@example.jp", name=name)
    Notification.objects.all().delete()
    reminders = [
        Notification.objects.create(
            kind=NotificationKind.REMINDER,
            reservation=reservation,
            to_email=reservation.email,
            payload=payloads(session, reservation)[NotificationKind.REMINDER],
            due_at=timezone.now(),
        )
        for reservation in Reservation.objects.order_by("id")
    ]
    renderer = emails.Renderer()
    rendered = [renderer.render(row) for row in with_related(Notification.objects.all())]
    assert len(renderer._bodies) == 1
    for row, name, mail in zip(reminders, names, rendered, strict=True):
        assert f"{name} 様" in mail.text and row.reservation.code in mail.text
        # Each party's own code where the reminder says what to show at the desk.
        code = row.reservation.code
        desk = f"受付では予約番号（{code}）をお伝えいただくか、予約管理ページの受付用QRコード"
        assert desk in mail.text and desk in mail.html
        assert mail.text == render_whole(row, timezone.now()).text


def test_names_and_links_are_escaped_in_html_and_plain_in_text(rows):
    renderer = emails.Renderer()
    [row] = [r for r in rows if r.kind == "confirmed" and r.reservation.name.startswith("O'")]
    rendered = renderer.render(row)
    assert 'O\'Brien <&> "Tom"' in rendered.text
    assert "O&#x27;Brien &lt;&amp;&gt; &quot;Tom&quot;" in rendered.html
    link = f"https://x.jp/m/{row.reservation.code}/?t=a&amp;b=1&amp;lang={row.language}"
    assert f'href="{link}"' in rendered.html


def normalised(data: bytes) -> bytes:
    return DATE.sub(b"Date: -", BOUNDARY.sub(b"BOUNDARY", data))


def test_the_mime_form_is_byte_for_byte_what_django_writes(rows):
    renderer = emails.Renderer()
    written_here = 0
    for row in rows:
        message = renderer.message(row)
        ours = message.message()
        theirs = EmailMultiAlternatives.message(message)
        assert normalised(ours.as_bytes(linesep="\r\n")) == normalised(
            theirs.as_bytes(linesep="\r\n")
        )
        assert normalised(ours.as_bytes()) == normalised(theirs.as_bytes())
        written_here += isinstance(ours, emails.RawMessage)
        mail = parse_bytes(ours.as_bytes())
        assert mail.header("Message-ID") == emails.message_id(row)
    assert written_here == len(rows)


def test_an_email_of_another_shape_is_left_to_django(rows, program):
    program.what_to_bring = "お弁当" * 400  # one line of 3,600 bytes: Django quotes it
    program.save()
    [row] = [r for r in rows if r.kind == "reminder" and r.language == "ja"][:1]
    row.reservation.session.program.what_to_bring = program.what_to_bring
    message = emails.Renderer().message(row)
    ours = message.message()
    assert not isinstance(ours, emails.RawMessage)
    assert b"quoted-printable" in ours.as_bytes()
    assert parse_bytes(ours.as_bytes()).text == message.body.replace("\r\n", "\n")


def test_an_ascii_only_email_is_7bit_as_django_writes_it(rows):
    [row] = [r for r in rows if r.kind == "feed_link" and r.language == "en"]
    message = emails.Renderer().message(row)
    assert message.body.isascii()
    data = message.message().as_bytes()
    assert b"Content-Transfer-Encoding: 7bit" in data
    assert normalised(data) == normalised(EmailMultiAlternatives.message(message).as_bytes())


def test_the_emails_of_a_seat_say_what_to_show_at_the_desk(rows):
    """The confirmation, a seat from the waiting list and the reminder each say: the
    reservation code, or the 受付用QRコード of the reservation's page (ja and en)."""
    renderer = emails.Renderer()
    said = {"ja": "受付では予約番号（{}）をお伝えいただくか、予約管理ページの受付用QRコード"}
    said["en"] = "At the desk, give your reservation code, {}, or show the QR code on your"
    seen = set()
    for row in rows:
        if row.kind not in ("confirmed", "promoted", "reminder"):
            continue
        language = row.reservation.language
        if language not in said:
            continue
        mail = renderer.render(row)
        line = said[language].format(row.reservation.code)
        assert line in mail.text and line in mail.html, (row.kind, language)
        seen.add((row.kind, language))
    assert {kind for kind, _language in seen} == {"confirmed", "promoted", "reminder"}
    waitlisted = [r for r in rows if r.kind == "waitlisted"]
    assert waitlisted and all("受付用QRコード" not in renderer.render(r).text for r in waitlisted)
