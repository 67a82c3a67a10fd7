"""Phone bookings (電話予約, issue 25 item 7): staff book for a caller within the rules, or with
an override and a reason; a phone number, no email needed; no email is ever written for a
party without an address (nor a reminder, a change or a cancellation); the booking shows on the
roster, the CSV and the API like any other; the 受付票 says code, date, place, what to bring.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from booking.privacy import personal_data_purge
from booking.rules import Contact, Party
from booking.services import reservation_cancel
from events.models import BookingMode
from notifications import tasks
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_enqueue, reminders_schedule
from staffdesk import services
from staffdesk.models import StaffAction, StaffActionKind
from staffdesk.services import PHONE_EMAIL_DOMAIN, phone_booking_create, session_update
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.notifications.mailparse import parse_outbox
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"


def tokyo(day, hour, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def ja_span(start: datetime, end: datetime) -> str:
    """「2026年12月5日（土）15:30〜16:30」, written out here rather than by the code under test."""
    s, e = start.astimezone(TOKYO), end.astimezone(TOKYO)
    return f"{s.year}年{s.month}月{s.day}日（{WEEKDAYS_JA[s.weekday()]}）{s:%H:%M}〜{e:%H:%M}"


@pytest.fixture
def centre(db):
    return FacilityFactory(
        name="すこやか子育て交流館",
        slug="sukoyaka",
        address="松阪市本町1-2-3 3階 多目的室",
        phone="0598-00-1234",
        no_quiet_hours=True,
    )


@pytest.fixture
def desk(centre):
    return staff_user(centre, username="desk")


@pytest.fixture
def talk(centre):
    """A session a fortnight ahead, 15:30 to 16:30 Japan time, with a reminder the day before."""
    day = timezone.localdate() + timedelta(days=14)
    program = ProgramFactory(
        title="離乳食のおはなし", what_to_bring="母子手帳、バスタオル", reminder_offsets=[24]
    )
    return SessionFactory(
        facility=centre,
        program=program,
        start=tokyo(day, 15, 30),
        end=tokyo(day, 16, 30),
        capacity=4,
    )


def caller(**fields) -> dict:
    data = {"name": "山田 花子", "name_kana": "やまだ はなこ", "phone": "090-1234-5678"}
    data.update({"adults": "1", "children": "1", "child_age_1": "14"})
    data.update(fields)
    return data


def by_phone(session, desk, party: Party | None = None, *, name="山田 花子", **contact):
    """Book through the service as the desk would for a caller (one adult unless given)."""
    return phone_booking_create(
        session=session,
        by=desk,
        party=party or Party(adults=1),
        contact=Contact(name=name, **contact),
    )


def state(session) -> dict:
    """What a refused booking must leave as it was."""
    session.refresh_from_db()
    return {
        "reservations": Reservation.objects.count(),
        "notifications": Notification.objects.count(),
        "actions": StaffAction.objects.count(),
        "seats_taken": session.seats_taken,
        "capacity": session.capacity,
    }


# --- the service -----------------------------------------------------------------------------


def test_a_phone_booking_without_email_is_confirmed_and_writes_no_email(talk, desk):
    result = by_phone(talk, desk, Party(adults=1, children=1), phone="090-1234-5678")
    r = result.reservation
    talk.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED and r.source == "phone"
    assert r.phone == "090-1234-5678" and r.email.endswith("@" + PHONE_EMAIL_DOMAIN)
    assert not receives_email(r.email) and talk.seats_taken == 2
    assert not Notification.objects.exists()
    action = StaffAction.objects.get()
    assert action.kind == StaffActionKind.PHONE_BOOKING and action.actor == desk
    assert action.after["code"] == r.code and action.after["override"] is False
    assert r.history.get().actor == desk


def test_two_callers_without_email_book_the_same_session(talk, desk):
    for name in ("山田 花子", "佐藤 太郎"):
        by_phone(talk, desk, name=name, phone="0598-11-2222")
    assert Reservation.objects.filter(session=talk, source="phone").count() == 2


def test_a_phone_number_is_required(talk, desk):
    from core.errors import AppValidationError

    before = state(talk)
    with pytest.raises(AppValidationError) as refused:
        by_phone(talk, desk, phone=" ")
    assert refused.value.code == "invalid" and "phone" in refused.value.fields
    assert state(talk) == before


def test_no_reminder_change_or_cancellation_email_for_a_party_without_address(talk, desk):
    phone = by_phone(talk, desk, name="電話 一郎", phone="0598-11-2222").reservation
    parent = book(talk, email="parent@example.jp", now=talk.start - timedelta(days=7)).reservation
    Reservation.objects.filter(pk__in=[phone.pk, parent.pk]).update(
        created_at=talk.start - timedelta(days=7)
    )
    # The reminder the day before: the parent's only.
    written = reminders_schedule(now=talk.start - timedelta(hours=24, minutes=5))
    assert written == 1
    assert set(Notification.objects.values_list("reservation_id", flat=True)) == {parent.pk}
    # A change of time: the parent is told, the caller is not (staff phone them).
    session_update(
        session=talk, by=desk, reason="部屋の都合",
        start=talk.start + timedelta(hours=1), end=talk.end + timedelta(hours=1),
    )  # fmt: skip
    reservation_cancel(reservation=phone, by=desk, reason="電話で取消")
    assert not Notification.objects.filter(reservation=phone).exists()
    kinds = set(Notification.objects.filter(reservation=parent).values_list("kind", flat=True))
    assert {"confirmed", "reminder", "session_changed"} <= kinds


def test_a_row_already_queued_for_a_placeholder_is_skipped_not_sent(talk, desk, mailoutbox):
    row = notification_enqueue(kind="confirmed", to_email=f"x1@{PHONE_EMAIL_DOMAIN}")
    tasks.deliver_due.apply().get()
    row.refresh_from_db()
    assert row.status == NotificationStatus.SKIPPED and row.last_error == "no email address"
    assert mailoutbox == []


def test_a_caller_who_gives_an_email_gets_the_confirmation(talk, desk, mailoutbox):
    result = by_phone(talk, desk, phone="090-1234-5678", email="Hanako@Example.jp")
    Notification.objects.update(due_at=timezone.now())
    tasks.deliver_due.apply().get()
    (mail,) = parse_outbox(mailoutbox)
    assert mail.to == "hanako@example.jp"
    assert result.reservation.code in mail.text and "離乳食のおはなし" in mail.text
    assert mail.methods == ["REQUEST"]


def test_the_retention_purge_erases_the_phone_number(talk, desk):
    r = by_phone(talk, desk, phone="090-1234-5678").reservation
    personal_data_purge(now=talk.end + timedelta(days=3650))
    r.refresh_from_db()
    assert r.phone == "" and r.name != "山田 花子"


# --- the pages -------------------------------------------------------------------------------


def test_book_for_a_caller_then_read_out_and_print_the_slip(talk, desk):
    client = page_client(desk)
    form = client.get(f"/staff/sessions/{talk.pk}/phone/")
    assert form.status_code == 200 and "電話予約" in form.content.decode()
    answer = client.post(f"/staff/sessions/{talk.pk}/phone/", caller(needs=["allergy"]))
    r = Reservation.objects.get(source="phone")
    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/sessions/{talk.pk}/phone/{r.code}/"
    assert r.needs == ["allergy"] and r.children_ages == [14]
    assert not Notification.objects.exists()

    done = client.get(answer["Location"]).content.decode()
    slip_url = f"/staff/sessions/{talk.pk}/slips/{r.code}/"
    assert r.code in done and slip_url in done and "メールは送られません" in done

    page = client.get(slip_url)
    slip = re.sub(r"<[^>]+>", "", page.content.decode())  # the text, as printed
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    for text in (
        "受付票",
        r.code,
        "離乳食のおはなし",
        ja_span(talk.start, talk.end),
        "すこやか子育て交流館",
        "松阪市本町1-2-3 3階 多目的室",
        "母子手帳、バスタオル",
        "0598-00-1234",
        "アレルギー",
    ):
        assert text in slip, text
    assert "staff/slip.css" in page.content.decode()  # its A5 print sheet


def test_a_full_session_puts_the_caller_on_the_waiting_list(talk, desk):
    for i in range(2):
        book(talk, email=f"p{i}@example.jp", adults=1, children=1)
    client = page_client(desk)
    answer = client.post(f"/staff/sessions/{talk.pk}/phone/", caller())
    r = Reservation.objects.get(source="phone")
    talk.refresh_from_db()
    assert answer.status_code == 302 and r.status == ReservationStatus.WAITLISTED
    assert talk.seats_taken == 4 and talk.capacity == 4 and talk.waitlist_taken == 1
    assert not Notification.objects.filter(reservation=r).exists()
    slip = client.get(f"/staff/sessions/{talk.pk}/slips/{r.code}/").content.decode()
    assert "キャンセル待ち（1番目）" in slip and "施設へお問い合わせください" in slip


def test_a_full_session_needs_a_reason_then_the_capacity_is_raised(talk, desk):
    talk.program.waitlist_enabled = False
    talk.program.save()
    for i in range(2):
        book(talk, email=f"p{i}@example.jp", adults=1, children=1)
    client = page_client(desk)
    before = state(talk)
    refused = client.post(f"/staff/sessions/{talk.pk}/phone/", caller())
    assert refused.status_code == 409
    assert 'class="error-summary"' in refused.content.decode()
    assert "定員" in refused.content.decode()  # the refusal's own message, above the form
    assert state(talk) == before

    booked = client.post(
        f"/staff/sessions/{talk.pk}/phone/", caller(override_reason="所長了承済み")
    )
    assert booked.status_code == 302
    r = Reservation.objects.get(source="phone")
    talk.refresh_from_db()
    assert r.status == ReservationStatus.CONFIRMED and talk.capacity == 6
    assert talk.seats_taken == 6
    action = StaffAction.objects.get(kind=StaffActionKind.PHONE_BOOKING)
    assert action.reason == "所長了承済み" and action.after["override"] is True


def test_outside_the_booking_period_only_with_a_reason(talk, desk):
    talk.registration_opens = timezone.now() + timedelta(days=1)
    talk.save()
    client = page_client(desk)
    before = state(talk)
    refused = client.post(f"/staff/sessions/{talk.pk}/phone/", caller())
    assert refused.status_code == 409 and state(talk) == before
    ok = client.post(f"/staff/sessions/{talk.pk}/phone/", caller(override_reason="窓口で受付"))
    assert ok.status_code == 302
    assert Reservation.objects.get(source="phone").status == ReservationStatus.CONFIRMED


def test_missing_phone_answers_400_with_the_field_error(talk, desk):
    client = page_client(desk)
    before = state(talk)
    answer = client.post(f"/staff/sessions/{talk.pk}/phone/", caller(phone=""))
    body = answer.content.decode()
    assert answer.status_code == 400 and 'href="#id_phone"' in body
    assert state(talk) == before


def test_a_lottery_session_takes_an_application(centre, desk):
    program = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    lottery = SessionFactory(facility=centre, program=program)
    client = page_client(desk)
    answer = client.post(f"/staff/sessions/{lottery.pk}/phone/", caller())
    r = Reservation.objects.get(source="phone")
    assert answer.status_code == 302 and r.status == ReservationStatus.APPLIED
    slip = client.get(f"/staff/sessions/{lottery.pk}/slips/{r.code}/").content.decode()
    assert "抽選" in slip


def test_the_booking_shows_on_the_roster_csv_and_api_like_any_other(talk, desk):
    book(talk, email="parent@example.jp", name="佐藤 花", name_kana="さとう はな")
    client = page_client(desk)
    client.post(f"/staff/sessions/{talk.pk}/phone/", caller())
    r = Reservation.objects.get(source="phone")
    roster = client.get(f"/staff/sessions/{talk.pk}/").content.decode()
    row = roster[roster.index(f'id="r-{r.code}"') :].split("</tr>")[0]
    assert "電話予約" in row and "090-1234-5678" in row and "メールなし" in row
    assert f"/staff/sessions/{talk.pk}/slips/{r.code}/" in row
    assert PHONE_EMAIL_DOMAIN not in roster

    data = client.get(f"/staff/sessions/{talk.pk}/roster.csv").content.decode("utf-8-sig")
    rows = {line[1]: line for line in csv.reader(io.StringIO(data))}
    header = rows["予約番号"]
    mine = dict(zip(header, rows[r.code], strict=True))
    assert mine["電話番号"] == "090-1234-5678" and mine["メールアドレス"] == ""
    assert mine["通知メール"] == "メールなし" and mine["予約状況"] == "予約確定"
    other = [line for code, line in rows.items() if code not in ("予約番号", r.code)][0]
    assert dict(zip(header, other, strict=True))["通知メール"].startswith("予約確定")

    api = token_client(desk).get(f"/api/v1/sessions/{talk.pk}/roster/").json()
    party = next(p for p in api["rows"] if p["code"] == r.code)
    assert party["source"] == "phone" and party["email"] == "" and party["phone"] == "090-1234-5678"


def test_another_facility_sees_not_found_and_a_viewer_may_not_book(talk, desk, centre):
    client = page_client(desk)
    client.post(f"/staff/sessions/{talk.pk}/phone/", caller())
    code = Reservation.objects.get(source="phone").code
    other = FacilityFactory(slug="elsewhere")
    stranger = page_client(staff_user(other, username="stranger"))
    for path in (
        f"/staff/sessions/{talk.pk}/phone/",
        f"/staff/sessions/{talk.pk}/phone/{code}/",
        f"/staff/sessions/{talk.pk}/slips/{code}/",
    ):
        assert stranger.get(path).status_code == 404, path
    before = state(talk)
    assert stranger.post(f"/staff/sessions/{talk.pk}/phone/", caller()).status_code == 404
    viewer = page_client(staff_user(centre, role="viewer", username="viewer"))
    assert viewer.post(f"/staff/sessions/{talk.pk}/phone/", caller()).status_code == 403
    assert viewer.get(f"/staff/sessions/{talk.pk}/slips/{code}/").status_code == 200
    assert state(talk) == before
    # A code of another session is not found on this one.
    second = SessionFactory(facility=centre)
    assert client.get(f"/staff/sessions/{second.pk}/slips/{code}/").status_code == 404


def test_walk_ins_keep_their_placeholder_and_get_no_email(centre, desk):
    session = SessionFactory(facility=centre, start=timezone.now() + timedelta(hours=1))
    result = services.walk_in_add(
        session=session,
        by=desk,
        party=Party(adults=1),
        contact=Contact(name="来館 太郎"),
        check_in_now=False,
    )
    assert not receives_email(result.reservation.email)
    assert not Notification.objects.filter(reservation=result.reservation).exists()
