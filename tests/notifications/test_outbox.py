"""Which rows the outbox gets for each event, and what the parent reads (eager tasks, locmem)."""

from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from booking import services as booking
from booking.models import Reservation
from calendars.ics import session_uid
from events.models import BookingMode, Session
from notifications import emails, tasks
from notifications.models import Notification
from notifications.services import (
    notification_enqueue,
    quiet_hours_end_after,
    reminders_schedule,
)
from staffdesk import services as staff_services
from staffdesk.services import session_update
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.notifications import fixtures
from tests.notifications.mailparse import parse_outbox

# This folder's other tests keep the project's fixtures; these modules use their own.
facility, program, outbox = fixtures.facility, fixtures.program, fixtures.outbox
no_rate_limits = fixtures.no_rate_limits

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"


def tokyo(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def ja_when(session: Session) -> str:
    """The session's time as emails write it; a session past midnight names both dates."""
    s, e = session.start.astimezone(TOKYO), session.end.astimezone(TOKYO)

    def day(d):
        return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS_JA[d.weekday()]}）"

    if s.date() == e.date():
        return f"{day(s)}{s:%H:%M}〜{e:%H:%M}"
    return f"{day(s)}{s:%H:%M}〜{day(e)}{e:%H:%M}"


def deliver_now():
    """Let time pass until every pending row is due, then run the sweep as beat would."""
    Notification.objects.filter(status="pending").update(due_at=timezone.now())
    return tasks.deliver_due.apply().get()


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("id"))


def reserve(api, session, email, **extra):
    body = {"session": session.pk, "name": "山田 花子", "email": email, "adults": 1, **extra}
    response = api.post("/api/v1/reservations/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# --- the outbox itself ---------------------------------------------------------------------


def test_same_dedupe_key_returns_the_first_row(db):
    first = notification_enqueue(kind="feed_link", to_email="a@example.jp", dedupe_key="k1")
    again = notification_enqueue(kind="feed_link", to_email="b@example.jp", dedupe_key="k1")
    assert again.pk == first.pk
    assert Notification.objects.count() == 1


def test_a_row_due_now_is_sent_once_the_transaction_commits(
    db, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = notification_enqueue(
            kind="feed_link",
            to_email="parent@example.jp",
            language="en",
            payload={"feed_url": "https://x/c/secret", "webcal_url": "webcal://x/c/secret"},
        )
        assert outbox == []  # nothing leaves before the commit
    assert [m.to for m in outbox] == [["parent@example.jp"]]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert "webcal://x/c/secret" in outbox[0].body
    assert "feed_url" not in row.payload and "webcal_url" not in row.payload  # scrubbed


def test_a_row_due_later_waits_for_the_sweep(db, outbox, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = notification_enqueue(kind="feed_link", to_email="p@example.jp", due_at=later)
    assert callbacks == [] and outbox == []
    tasks.deliver_due.apply()
    assert outbox == []
    row.refresh_from_db()
    assert row.status == "pending"


# --- one row per event, with the right attachment ------------------------------------------


def test_confirmed_booking_sends_the_confirmation_with_a_request_invite(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = reserve(api, session, "Hanako@Example.jp", children=1)
    [mail] = parse_outbox(outbox)
    facility = session.facility
    assert mail.to == "hanako@example.jp"
    assert mail.subject.startswith("【予約確定】") and session.display_title in mail.subject
    assert facility.name in mail.sender and "noreply@centre.example.jp" in mail.sender
    assert mail.header("Reply-To") == facility.email
    for expected in (
        body["code"],
        ja_when(session),
        facility.name,
        facility.address,
        facility.phone,
        facility.access,
        "バスタオル、飲み物",
        "大人1人、子ども1人",
        body["manage_url"],
    ):
        assert expected in mail.text, expected
    # The page opens in the email's language (``?lang=``) whatever the browser asks for.
    assert body["code"] in mail.html and f'href="{body["manage_url"]}&amp;lang=ja"' in mail.html
    # The footer names the facility's number and address with the same words in both parts.
    assert f"電話番号：{facility.phone}" in mail.text
    assert f'電話番号：<a href="tel:{facility.phone}">' in mail.html
    assert f"メールアドレス：{facility.email}" in mail.text
    [(params, cal)] = mail.calendars
    assert params["method"] == "REQUEST" and params["filename"] == "invite.ics"
    assert mail.methods == ["REQUEST"]
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == session_uid(session)
    assert "hanako@example.jp" in str(event["ATTENDEE"])
    [row] = rows()
    assert (row.kind, row.language, row.status) == ("confirmed", "ja", "sent")
    assert row.message_id == mail.header("Message-ID")
    assert "manage_url" not in row.payload  # the token leaves the outbox once sent


def test_the_confirmation_reads_back_what_the_family_asked_to_prepare(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reserve(
            api, session, "a@example.jp", children=1, needs=["allergy"], needs_detail="卵アレルギー"
        )
    [mail] = parse_outbox(outbox)
    assert "配慮事項：アレルギー（卵アレルギー）" in mail.text
    assert "卵アレルギー" in mail.html


def test_english_reservation_gets_an_english_email(
    api, session, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reserve(api, session, "en@example.jp", language="en")
    [mail] = parse_outbox(outbox)
    s = session.start.astimezone(TOKYO)
    assert mail.subject.startswith("Reservation confirmed: ")
    assert session.program.title_en in mail.subject
    # (a session past midnight is written "..., 23:30 - Thu 10 December 2026, 01:00")
    assert f"{s:%a} {s.day} {s:%B} {s.year}, {s:%H:%M}" in mail.text
    assert "Dear 山田 花子," in mail.text and 'lang="en"' in mail.html
    assert "予約" not in mail.text  # no Japanese boilerplate left in an English email
    assert mail.methods == ["REQUEST"]


def test_waitlisted_booking_gets_its_position_and_no_invite(api, session, outbox):
    session.capacity = 1
    session.save()
    reserve(api, session, "first@example.jp")
    second = reserve(api, session, "second@example.jp")
    assert second["status"] == "waitlisted"
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    waiting = mails["second@example.jp"]
    assert waiting.subject.startswith("【キャンセル待ち受付】")
    assert "1番目" in waiting.text and second["manage_url"] in waiting.text
    assert waiting.calendars == []
    assert [r.kind for r in rows()] == ["confirmed", "waitlisted"]


def test_lottery_application_gets_the_draw_date_and_no_invite(api, db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    session = SessionFactory(program=lottery, facility=facility)
    body = reserve(api, session, "apply@example.jp")
    assert body["status"] == "applied"
    deliver_now()
    [mail] = parse_outbox(outbox)
    closes = session.registration_closes.astimezone(TOKYO)
    assert mail.subject.startswith("【抽選申込受付】")
    assert f"{closes.month}月{closes.day}日" in mail.text and body["manage_url"] in mail.text
    assert mail.calendars == []


def test_cancel_by_parent_withdraws_the_invite_and_promotes_the_next_with_an_invite(
    api, session, outbox
):
    session.capacity = 1
    session.save()
    holder = reserve(api, session, "holder@example.jp")
    waiting = reserve(api, session, "waiting@example.jp")
    deliver_now()
    outbox.clear()
    response = api.post(
        f"/api/v1/reservations/{holder['code']}/cancel/?token={holder['token']}", {}, format="json"
    )
    assert response.status_code == 200
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    assert set(mails) == {"holder@example.jp", "waiting@example.jp"}
    cancelled, promoted = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert cancelled.subject.startswith("【キャンセル完了】") and cancelled.methods == ["CANCEL"]
    assert cancelled.calendars[0][0]["filename"] == "cancel.ics"
    assert promoted.subject.startswith("【予約確定（キャンセル待ちから繰り上げ）】")
    assert promoted.methods == ["REQUEST"]
    # Later emails never quote the manage token: their link carries a token derived from it.
    assert waiting["token"] not in promoted.text and waiting["code"] in promoted.text
    assert f"/manage/{waiting['code']}/?token=" in promoted.text
    kinds = [(r.to_email, r.kind) for r in rows(kind__in=["cancelled", "promoted"])]
    assert kinds == [("holder@example.jp", "cancelled"), ("waiting@example.jp", "promoted")]


def test_cancelling_a_waiting_list_place_sends_no_calendar_cancel(session, outbox):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    waiting = book(session, email="waiting@example.jp")
    booking.reservation_cancel(reservation=waiting.reservation)
    deliver_now()
    cancelled = [m for m in parse_outbox(outbox) if m.subject.startswith("【キャンセル完了】")]
    assert [m.to for m in cancelled] == ["waiting@example.jp"]
    assert cancelled[0].calendars == []


def test_lottery_results_won_not_drawn_and_confirmed(db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    session = SessionFactory(program=lottery, facility=facility, capacity=1)
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    deliver_now()
    outbox.clear()
    booking.lottery_draw(session=session, seed="fixed")
    deliver_now()
    results = {m.to: m for m in parse_outbox(outbox)}
    winner_email = next(
        r.email
        for r in Reservation.objects.filter(pk__in=[a.reservation.pk, b.reservation.pk])
        if r.status == "won"
    )
    loser_email = ({"a@example.jp", "b@example.jp"} - {winner_email}).pop()
    won, lost = results[winner_email], results[loser_email]
    winner = Reservation.objects.get(email=winner_email)
    deadline = winner.confirm_by.astimezone(TOKYO)
    assert won.subject.startswith("【当選のお知らせ】") and won.calendars == []
    assert f"{deadline.month}月{deadline.day}日" in won.text and f"{deadline:%H:%M}" in won.text
    assert (
        lost.subject.startswith("【抽選結果のお知らせ】") and "キャンセル待ちの1番目" in lost.text
    )
    assert lost.calendars == []
    outbox.clear()
    booking.reservation_confirm_win(reservation=winner)
    deliver_now()
    [confirmed] = parse_outbox(outbox)
    assert confirmed.to == winner_email and confirmed.subject.startswith("【予約確定】")
    assert confirmed.methods == ["REQUEST"]


def test_lottery_without_confirmation_sends_the_confirmation_at_once(db, facility, outbox):
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY, lottery_confirmation_required=False)
    session = SessionFactory(program=lottery, facility=facility, capacity=5)
    book(session, email="a@example.jp")
    deliver_now()
    outbox.clear()
    booking.lottery_draw(session=session, seed="fixed")
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert mail.subject.startswith("【予約確定】") and mail.methods == ["REQUEST"]
    assert rows(kind="confirmed")[0].to_email == "a@example.jp"


def test_session_moved_by_staff_sends_an_updated_invite_with_a_higher_sequence(
    manager_api, session, outbox
):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    book(session, email="waiting@example.jp")
    deliver_now()
    [first_invite] = [m for m in parse_outbox(outbox) if m.to == "holder@example.jp"]
    old_when = ja_when(session)
    outbox.clear()
    new_start = session.start + timedelta(days=1, hours=1)
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"start": new_start.isoformat(), "end": (new_start + timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    session.refresh_from_db()
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    holder, waiting = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert holder.subject.startswith("【日時・会場の変更】")
    assert old_when in holder.text and ja_when(session) in holder.text
    assert holder.methods == ["REQUEST"]
    before = first_invite.calendars[0][1].walk("VEVENT")[0]
    after = holder.calendars[0][1].walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == new_start
    assert waiting.calendars == [] and ja_when(session) in waiting.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "変更の理由：講師の体調不良のため"),
        ("en", "Reason for the change: 講師の体調不良のため"),
    ],
)
def test_session_moved_by_staff_tells_parents_the_message_staff_gave(
    session, facility, outbox, language, expected
):
    """The message to parents is emailed; the internal note stays in the audit log."""
    book(session, email="holder@example.jp", language=language)
    deliver_now()
    outbox.clear()
    new_start = session.start + timedelta(hours=3)
    staff_services.session_move(
        session=session,
        by=staff_user(facility),
        start=new_start,
        end=new_start + timedelta(hours=1),
        reason="内部メモ：代替講師を手配中",
        message="講師の体調不良のため",
    )
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert mail.header("X-Notification-Kind") == "session_changed"
    assert expected in mail.text and expected in mail.html
    assert "内部メモ" not in mail.text and "内部メモ" not in mail.html
    assert rows(kind="session_changed")[0].payload["reason"] == "講師の体調不良のため"


def test_a_change_without_a_reason_says_none(manager_api, session, outbox):
    book(session, email="holder@example.jp")
    deliver_now()
    outbox.clear()
    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/",
        {"start": (session.start + timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    deliver_now()
    [mail] = parse_outbox(outbox)
    assert "理由" not in mail.text and "理由" not in mail.html


def test_capacity_change_alone_sends_no_change_email(session, outbox):
    book(session, email="holder@example.jp")
    deliver_now()
    session_update(session=session, capacity=20)
    assert rows(kind="session_changed") == []


def test_session_cancelled_by_staff_apologises_with_the_reason_and_a_cancel(
    manager_api, session, outbox
):
    session.capacity = 1
    session.save()
    book(session, email="holder@example.jp")
    book(session, email="waiting@example.jp")
    deliver_now()
    outbox.clear()
    response = manager_api.post(
        f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "台風接近のため"}, format="json"
    )
    assert response.status_code == 200, response.json()
    deliver_now()
    mails = {m.to: m for m in parse_outbox(outbox)}
    holder, waiting = mails["holder@example.jp"], mails["waiting@example.jp"]
    assert holder.subject.startswith("【中止のお知らせ】")
    assert "中止の理由：台風接近のため" in holder.text and "台風接近のため" in holder.html
    assert holder.methods == ["CANCEL"]
    [event] = holder.calendars[0][1].walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert waiting.calendars == [] and "台風接近のため" in waiting.text
    assert len(outbox) == 2


# --- quiet hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "at", "expected"),
    [
        ((21, 0), (7, 0), (22, 30), (1, 7, 0)),
        ((21, 0), (7, 0), (3, 0), (0, 7, 0)),
        ((21, 0), (7, 0), (12, 0), (0, 12, 0)),
        ((21, 0), (7, 0), (7, 0), (0, 7, 0)),
        ((21, 0), (7, 0), (21, 0), (1, 7, 0)),
        ((12, 0), (13, 0), (12, 30), (0, 13, 0)),
        ((0, 0), (0, 0), (23, 0), (0, 23, 0)),
    ],
)
def test_quiet_hours_push_news_to_their_end(db, start, end, at, expected):
    facility = FacilityFactory(quiet_hours_start=time(*start), quiet_hours_end=time(*end))
    day = datetime(2026, 12, 4).date()
    result = quiet_hours_end_after(tokyo(day, *at), facility)
    assert result == tokyo(day + timedelta(days=expected[0]), expected[1], expected[2])


def night_setup(*, start_hour=10, cutoff=timedelta(hours=2)):
    facility = FacilityFactory()  # default quiet hours 21:00-07:00
    program = ProgramFactory(waitlist_cutoff=cutoff)
    day = timezone.localtime().date() + timedelta(days=3)
    start = tokyo(day, start_hour, 30)
    session = SessionFactory(
        facility=facility,
        program=program,
        start=start,
        capacity=1,
        cancellation_deadline=start,
        registration_closes=start,
    )
    return session, tokyo(day - timedelta(days=1), 22, 30)


def test_promotion_at_night_is_due_when_quiet_hours_end(db):
    session, night = night_setup()
    holder = book(session, email="holder@example.jp", now=night - timedelta(hours=1))
    book(session, email="waiting@example.jp", now=night - timedelta(hours=1))
    booking.reservation_cancel(reservation=holder.reservation, now=night)
    [cancelled] = rows(kind="cancelled")
    [promoted] = rows(kind="promoted")
    assert cancelled.due_at == night  # the parent's own action: answered at once
    morning = tokyo(night.date() + timedelta(days=1), 7, 0)
    assert promoted.due_at == morning


def test_waitlisting_at_night_waits_but_a_lottery_application_does_not(db):
    session, night = night_setup()
    book(session, email="holder@example.jp", now=night)
    book(session, email="waiting@example.jp", now=night)
    [waitlisted] = rows(kind="waitlisted")
    assert waitlisted.due_at == tokyo(night.date() + timedelta(days=1), 7, 0)
    lottery = SessionFactory(
        facility=session.facility, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    book(lottery, email="apply@example.jp", now=night)
    [applied] = rows(kind="applied")
    assert applied.due_at == night


def test_promotion_for_a_session_started_by_morning_is_skipped(db, outbox):
    session, night = night_setup(start_hour=6, cutoff=timedelta(0))  # starts 06:30
    holder = book(session, email="holder@example.jp", now=night - timedelta(hours=1))
    book(session, email="waiting@example.jp", now=night - timedelta(hours=1))
    booking.reservation_cancel(reservation=holder.reservation, now=night)
    [promoted] = rows(kind="promoted")
    assert promoted.due_at > session.start
    # Time passes: it is now after the start of the session.
    shift = session.start - timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        start=session.start - shift,
        end=session.end - shift,
        registration_opens=session.registration_opens - shift,
        registration_closes=session.registration_closes - shift,
        cancellation_deadline=session.cancellation_deadline - shift,
    )
    deliver_now()
    promoted.refresh_from_db()
    assert promoted.status == "skipped" and promoted.last_error == "session already started"
    assert all(m.to == ["holder@example.jp"] for m in outbox)  # nothing for the late news


# --- reminders -------------------------------------------------------------------------------


def reminder_setup(offsets, *, hour=10, quiet=False):
    facility = FacilityFactory(no_quiet_hours=not quiet)
    program = ProgramFactory(reminder_offsets=offsets, what_to_bring="母子手帳")
    day = timezone.localtime().date() + timedelta(days=3)
    start = tokyo(day, hour, 0)
    return SessionFactory(facility=facility, program=program, start=start)


def test_reminders_are_written_once_per_reservation_and_offset(db):
    session = reminder_setup([24, 3])
    a = book(session, email="a@example.jp")
    b = book(session, email="b@example.jp")
    day_before = session.start - timedelta(hours=25)
    assert reminders_schedule(now=day_before) == 2
    assert reminders_schedule(now=day_before) == 0
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 2
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 0
    reminders = rows(kind="reminder")
    assert sorted((r.reservation_id, r.payload["offset_hours"]) for r in reminders) == sorted(
        [
            (a.reservation.pk, 24),
            (b.reservation.pk, 24),
            (a.reservation.pk, 3),
            (b.reservation.pk, 3),
        ]
    )
    assert {r.due_at for r in reminders} == {
        session.start - timedelta(hours=24),
        session.start - timedelta(hours=3),
    }


def test_a_late_booking_gets_no_reminder_for_an_offset_already_past(db):
    session = reminder_setup([24, 3])
    early = book(session, email="early@example.jp")
    late = book(session, email="late@example.jp")
    Reservation.objects.filter(pk=early.reservation.pk).update(
        created_at=session.start - timedelta(days=2)
    )
    Reservation.objects.filter(pk=late.reservation.pk).update(
        created_at=session.start - timedelta(hours=10)  # same day: no "tomorrow" mail
    )
    reminders_schedule(now=session.start - timedelta(hours=2))
    got = sorted((r.to_email, r.payload["offset_hours"]) for r in rows(kind="reminder"))
    assert got == [("early@example.jp", 3), ("early@example.jp", 24), ("late@example.jp", 3)]


def test_only_confirmed_parties_get_reminders(db):
    session = reminder_setup([24])
    session.capacity = 1
    session.save()
    kept = book(session, email="kept@example.jp")
    book(session, email="waiting@example.jp")
    gone = book(session, email="gone@example.jp", now=timezone.now())  # waitlisted too
    booking.reservation_cancel(reservation=gone.reservation)
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=23))
    assert [r.reservation_id for r in rows(kind="reminder")] == [kept.reservation.pk]


def test_a_reminder_at_night_is_due_when_quiet_hours_end(db):
    session = reminder_setup([3], hour=8, quiet=True)  # 05:00 falls in 21:00-07:00
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=4))
    [reminder] = rows(kind="reminder")
    assert reminder.due_at == tokyo(timezone.localtime(session.start).date(), 7, 0)


def test_a_reminder_pushed_past_the_start_by_quiet_hours_is_not_written(db):
    session = reminder_setup([3], hour=7, quiet=True)  # 04:00 -> 07:00, the start itself
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    assert reminders_schedule(now=session.start - timedelta(hours=4)) == 0


def test_the_day_before_reminder_reads_tomorrow(db):
    session = reminder_setup([24])
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=24))
    [row] = rows(kind="reminder")
    rendered = emails.render(row, now=session.start - timedelta(hours=24))
    assert rendered.subject.startswith("【明日開催】")
    assert f"明日、{ja_when(session)}に「" in rendered.text and "母子手帳" in rendered.text
    assert rendered.invites == []


def test_a_reminder_for_a_moved_session_is_skipped_and_written_again(db, outbox):
    session = reminder_setup([24])
    book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    old_start = session.start
    reminders_schedule(now=old_start - timedelta(hours=24))
    session_update(
        session=session, start=old_start + timedelta(hours=1), end=session.end + timedelta(hours=1)
    )
    session.refresh_from_db()
    assert reminders_schedule(now=old_start - timedelta(hours=24)) == 1
    old, new = rows(kind="reminder")
    assert new.payload["start"] == session.start.isoformat()
    deliver_now()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == "skipped" and "moved" in old.last_error
    assert new.status == "sent"


def test_a_reminder_for_a_cancelled_reservation_is_skipped(db, outbox):
    session = reminder_setup([24])
    a = book(session, email="a@example.jp")
    Reservation.objects.update(created_at=session.start - timedelta(days=2))
    reminders_schedule(now=session.start - timedelta(hours=24))
    booking.reservation_cancel(reservation=a.reservation)
    deliver_now()
    [reminder] = rows(kind="reminder")
    assert reminder.status == "skipped" and reminder.last_error == "reservation is cancelled"
    assert all(not m.subject.startswith("【") or "開催" not in m.subject for m in outbox)


# --- embedded mode and the admin -------------------------------------------------------------


def test_run_notifications_delivers_due_rows_and_reminders_in_process(db, facility, outbox):
    start = timezone.now().replace(microsecond=0) + timedelta(hours=23)
    session = SessionFactory(
        facility=facility,
        program=ProgramFactory(reminder_offsets=[24]),
        start=start,
        registration_closes=start - timedelta(hours=1),
        cancellation_deadline=start - timedelta(hours=1),
    )
    book(session, email="early@example.jp")
    Reservation.objects.update(created_at=timezone.now() - timedelta(days=2))
    call_command("run_notifications", "--once", stdout=StringIO())
    assert sorted((r.kind, r.status) for r in rows()) == [
        ("confirmed", "sent"),
        ("reminder", "sent"),
    ]
    assert [m.to for m in outbox] == [["early@example.jp"]] * 2


def test_staff_see_their_facility_emails_and_errors_in_the_admin(client, session, facility):
    mine = book(session, email="mine@example.jp").reservation
    book(SessionFactory(), email="theirs@example.jp")  # another facility
    Notification.objects.filter(to_email="mine@example.jp").update(
        status="failed", last_error="recipient refused: 550 5.1.1 No such user here"
    )
    user = staff_user(facility)
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notification", "view_reservation"])
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    listing = client.get("/admin/notifications/notification/?status__exact=failed")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "mine@example.jp" in text and "550 5.1.1 No such user here" in text
    assert (
        "theirs@example.jp" not in client.get("/admin/notifications/notification/").content.decode()
    )
    page = client.get(f"/admin/booking/reservation/{mine.pk}/change/").content.decode()
    assert "550 5.1.1 No such user here" in page and "Reservation confirmed" in page
    row = Notification.objects.get(to_email="mine@example.jp")
    detail = client.get(f"/admin/notifications/notification/{row.pk}/change/").content.decode()
    assert "token=" not in detail  # the manage link is never shown to staff
