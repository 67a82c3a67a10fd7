"""Real components: a Celery worker (prefork) on Redis, PostgreSQL, and an SMTP server.

Parents book through the API in this process; a ``celery worker`` subprocess with an embedded
beat delivers through Django's SMTP backend to an aiosmtpd server started here, and the tests
read what arrived. The fault tests kill the worker mid-batch, stop Redis while parents book,
and make the SMTP server refuse; afterwards every expected email has arrived exactly once.
"""

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from booking.models import Reservation
from calendars.ics import session_uid
from events.models import BookingMode
from notifications.models import Notification
from tests.factories import ProgramFactory, SessionFactory, book
from tests.notifications import fixtures
from tests.notifications.live import (
    RedisServer,
    Worker,
    broker_of_this_test_process,
    database_url,
    publishing_to,
    purge_queue,
    wait_until,
)
from tests.notifications.mailparse import parse
from tests.notifications.smtp_sink import SmtpSink, free_port

facility, program = fixtures.facility, fixtures.program
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.services

# Short clocks for the worker under test: sweep every second, claims stale after 3 s,
# retries after 1-2 s, small batches so that a kill lands in the middle of one.
WORKER_ENV = {
    "NOTIFICATIONS_SWEEP_SECONDS": "1",
    "NOTIFICATIONS_CLAIM_TIMEOUT": "3",
    "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
    "NOTIFICATIONS_RETRY_MAX_SECONDS": "2",
    "NOTIFICATIONS_BATCH_SIZE": "4",
}
# The code as the email states it (a bare pattern would also match inside a manage token).
CODE = re.compile(r"(?:予約番号：|Reservation code: )([A-Z0-9]{3}-[A-Z0-9]{4})")


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server
        server.handler.released.set()


@pytest.fixture
def workers(require_postgres, require_redis, transactional_db, tmp_path, sink):
    """Start workers on a broker; every one is stopped before the test database goes."""
    started: list[Worker] = []

    def start(broker_url: str) -> Worker:
        worker = Worker(
            broker_url=broker_url,
            database_url=database_url(settings.DATABASES["default"]),
            smtp_port=sink.port,
            workdir=tmp_path,
            env=WORKER_ENV,
        )
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def broker(require_redis):
    url = broker_of_this_test_process(settings.REDIS_URL)
    purge_queue(url)
    with publishing_to(url):
        yield url
    purge_queue(url)


def reserve(api, session, email, **extra):
    body = {"session": session.pk, "name": "山田 花子", "email": email, "adults": 1, **extra}
    response = api.post("/api/v1/reservations/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def codes_in(mails) -> Counter:
    return Counter(code for mail in mails for code in set(CODE.findall(mail.text)))


def all_sent(expected: int):
    def check():
        return (
            Notification.objects.filter(status="sent").count() >= expected
            and not Notification.objects.exclude(status__in=["sent", "skipped"]).exists()
        )

    return check


def test_worker_sends_every_kind_of_email_through_redis_to_a_real_smtp_server(
    api, manager_api, session, sink, workers, broker
):
    workers(broker)

    def settle(count):
        """Wait until the worker has sent ``count`` emails, as a parent would between steps."""
        done = wait_until(lambda: sink.count >= count and all_sent(count)(), 20)
        assert done, (sink.count, list(Notification.objects.values_list("kind", "status")))

    session.capacity = 1
    session.save()
    a = reserve(api, session, "a@example.jp")
    b = reserve(api, session, "b@example.jp", language="en")
    assert (a["status"], b["status"]) == ("confirmed", "waitlisted")
    settle(2)
    cancel = api.post(
        f"/api/v1/reservations/{a['code']}/cancel/?token={a['token']}", {}, format="json"
    )
    assert cancel.status_code == 200
    settle(4)
    moved = session.start + timedelta(days=1)
    patch = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"start": moved.isoformat(), "end": (moved + timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert patch.status_code == 200, patch.json()
    settle(5)
    lottery = SessionFactory(
        facility=session.facility,
        program=ProgramFactory(booking_mode=BookingMode.LOTTERY),
        capacity=1,
    )
    reserve(api, lottery, "c@example.jp")
    reserve(api, lottery, "d@example.jp")
    assert manager_api.post(f"/api/v1/sessions/{lottery.pk}/draw/").status_code == 200
    settle(9)
    # Tomorrow's session: the worker's beat writes the day-before reminder and sends it.
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=24, seconds=-30)
    tomorrow = SessionFactory(
        facility=session.facility,
        program=session.program,
        start=soon,
        registration_closes=soon - timedelta(hours=1),
        cancellation_deadline=soon - timedelta(hours=1),
    )
    e = book(tomorrow, email="e@example.jp")
    Reservation.objects.filter(pk=e.reservation.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    settle(11)
    cancelled = manager_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "台風接近のため"}, format="json"
    )
    assert cancelled.status_code == 200
    settle(12)

    expected = {
        "a@example.jp": ["confirmed", "cancelled"],
        "b@example.jp": ["waitlisted", "promoted", "session_changed", "session_cancelled"],
        "c@example.jp": ["applied", "lottery_won|lottery_not_drawn"],
        "d@example.jp": ["applied", "lottery_won|lottery_not_drawn"],
        "e@example.jp": ["confirmed", "reminder"],
    }
    total = sum(len(kinds) for kinds in expected.values())
    time.sleep(1.5)  # a duplicate would arrive now
    mails = [parse(m) for m in sink.parsed()]
    rows = list(Notification.objects.order_by("id"))
    assert len(mails) == len(rows) == total
    assert sorted(m.header("Message-ID") for m in mails) == sorted(r.message_id for r in rows)
    for to, kinds in expected.items():
        got = [r.kind for r in rows if r.to_email == to]
        assert len(got) == len(kinds) and all(
            kind in options.split("|") for kind, options in zip(got, kinds, strict=True)
        ), (to, got)
    assert {r.kind for r in rows if r.to_email in ("c@example.jp", "d@example.jp")} >= {
        "lottery_won",
        "lottery_not_drawn",
    }

    by_id = {m.header("Message-ID"): m for m in mails}
    kind_of = {r.message_id: (r.to_email, r.kind) for r in rows}
    mail = {kind_of[mid]: m for mid, m in by_id.items()}

    confirmation = mail[("a@example.jp", "confirmed")]
    assert confirmation.to == "a@example.jp"
    assert session.facility.name in confirmation.sender
    assert confirmation.subject.startswith("【予約確定】") and confirmation.header("Date")
    assert a["manage_url"] in confirmation.text and a["code"] in confirmation.html
    assert confirmation.message.get_content_type() == "multipart/mixed"
    parts = {p.get_content_type(): p for p in confirmation.message.walk()}
    assert {"multipart/alternative", "text/plain", "text/html", "text/calendar"} <= set(parts)
    ics = parts["text/calendar"]
    assert ics.get_param("method") == "REQUEST" and ics.get_content_charset() == "utf-8"
    [(params, cal)] = confirmation.calendars
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal.walk("VEVENT")[0]["UID"]) == session_uid(session)

    assert mail[("a@example.jp", "cancelled")].methods == ["CANCEL"]
    assert mail[("b@example.jp", "waitlisted")].subject.startswith("On the waiting list")
    assert mail[("b@example.jp", "waitlisted")].calendars == []
    assert mail[("b@example.jp", "promoted")].methods == ["REQUEST"]
    changed = mail[("b@example.jp", "session_changed")]
    assert changed.methods == ["REQUEST"]
    assert int(changed.calendars[0][1].walk("VEVENT")[0]["SEQUENCE"]) == 1
    gone = mail[("b@example.jp", "session_cancelled")]
    assert gone.methods == ["CANCEL"] and "台風接近のため" in gone.text
    assert str(gone.calendars[0][1].walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    reminder = mail[("e@example.jp", "reminder")]
    assert reminder.subject.startswith("【明日開催】") and reminder.calendars == []


def test_worker_killed_mid_batch_then_restarted_sends_each_email_once(
    session, sink, workers, broker
):
    session.capacity = 100
    session.save()
    expected = {book(session, email=f"p{i}@example.jp").reservation.code for i in range(24)}
    sink.handler.hold_after = 7
    first = workers(broker)

    def every_sender_held():
        # Once the number of senders held in DATA stops growing (one per pool process), no
        # message is between "accepted" and "marked sent": the kill leaves only unsent rows.
        seen = sink.handler.waiting
        time.sleep(1.0)
        return seen >= 2 and sink.handler.waiting == seen

    # Every sender is in the middle of an SMTP transaction: kill everything now.
    assert wait_until(every_sender_held, 30), first.log()
    in_flight = set(
        Notification.objects.filter(status="sending")
        .exclude(claimed_by__startswith="queued:")
        .values_list("pk", flat=True)
    )
    first.kill()
    time.sleep(0.5)  # the server notices the dropped connections
    sink.handler.released.set()
    delivered_before = sink.count
    assert 7 <= delivered_before < 24 and len(in_flight) >= 2
    second = workers(broker)
    assert wait_until(all_sent(24), 45), second.log()
    time.sleep(1.5)
    mails = [parse(m) for m in sink.parsed()]
    assert codes_in(mails) == Counter({code: 1 for code in expected})
    assert len(mails) == 24 and len({m.header("Message-ID") for m in mails}) == 24
    retried = Notification.objects.filter(pk__in=in_flight)
    assert all(row.status == "sent" and row.attempts == 2 for row in retried)


def test_parents_book_while_redis_is_down_and_get_their_email_once_it_is_back(
    api, session, sink, workers, require_redis
):
    redis_server = RedisServer(free_port()).start()
    try:
        with publishing_to(redis_server.url):
            workers(redis_server.url)
            before = reserve(api, session, "before@example.jp")
            assert wait_until(lambda: sink.count == 1, 20)
            redis_server.stop()
            started = time.monotonic()
            during = [reserve(api, session, f"down{i}@example.jp") for i in range(3)]
            assert time.monotonic() - started < 10  # booking does not wait for the broker
            assert Notification.objects.filter(status="pending").count() == 3
            redis_server.start()
            assert wait_until(all_sent(4), 60)
            time.sleep(1.5)
    finally:
        redis_server.stop()
    mails = [parse(m) for m in sink.parsed()]
    expected = {before["code"], *(d["code"] for d in during)}
    assert codes_in(mails) == Counter({code: 1 for code in expected})
    assert len(mails) == 4


def test_smtp_server_refusing_then_accepting_delivers_each_email_once(
    api, session, sink, workers, broker
):
    sink.handler.refuse_data.extend(["421 4.3.2 Service not available, try again later"] * 3)
    workers(broker)
    booked = [reserve(api, session, f"p{i}@example.jp") for i in range(3)]
    assert wait_until(all_sent(3), 30)
    time.sleep(1.5)
    mails = [parse(m) for m in sink.parsed()]
    assert codes_in(mails) == Counter({b["code"]: 1 for b in booked})
    rows = Notification.objects.all()
    assert sum(row.attempts for row in rows) == 6  # three refusals, three deliveries
    assert all(row.status == "sent" for row in rows)
