"""The desk's API for parties on the phone: ``POST /api/v1/sessions/{id}/phone-bookings/`` books a
caller's party as the 電話予約 page does (phone required, email not, the rules or an override),
and ``POST /api/v1/sessions/{id}/confirm-win/`` confirms a won party's place as the roster's
当選を確定する does. Each answer is checked against what it leaves: reservations, seats, the
outbox, the audit log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from booking.addresses import receives_email
from booking.models import Reservation, ReservationStatus
from booking.services import lottery_draw, reservation_confirm_win
from events.models import BookingMode, Session
from notifications.models import Notification
from staffdesk.models import StaffAction, StaffActionKind
from tests.factories import (
    ProgramFactory,
    SessionFactory,
    book,
    course_of_three,
    lottery_session,
    staff_user,
)
from tests.staff.conftest import PHONE_CALLER, page_client, token_client

pytestmark = pytest.mark.django_db

CALLER = PHONE_CALLER


def url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/phone-bookings/"


def state(session) -> tuple:
    """What a refused request must leave as it was."""
    session.refresh_from_db()
    return (
        sorted(Reservation.objects.values_list("code", "status")),
        Notification.objects.count(),
        StaffAction.objects.count(),
        session.capacity,
        session.seats_taken,
        session.waitlist_taken,
    )


@pytest.fixture
def talk(facility_a):
    return SessionFactory(facility=facility_a, capacity=4, program=ProgramFactory(title="離乳食"))


# --- phone bookings --------------------------------------------------------------------------


def test_a_caller_without_email_is_confirmed_with_no_email_written(api_a, talk, manager_a):
    answer = api_a.post(url(talk), {**CALLER, "needs": ["allergy"], "notes": "卵"}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    r = Reservation.objects.get(code=body["code"])
    assert (body["status"], body["position"], body["source"]) == ("confirmed", None, "phone")
    assert (body["phone"], body["email"], body["name_kana"]) == (
        "090-1234-5678",
        "",
        "でんわ はなこ",
    )
    assert body["needs"] == ["allergy"] and body["children_ages"] == [14]
    assert body["session"]["seats_taken"] == 2 and body["attendance"] == ""
    assert r.source == "phone" and r.session == talk and not receives_email(r.email)
    assert not Notification.objects.exists()
    action = StaffAction.objects.get()
    assert action.kind == StaffActionKind.PHONE_BOOKING and action.actor == manager_a
    assert action.reservation == r and action.after["override"] is False
    assert r.history.get().actor == manager_a
    # The 受付票 it links to is the desk's page for this party.
    assert body["slip"] == f"/staff/sessions/{talk.pk}/slips/{r.code}/"
    assert r.code in page_client(manager_a).get(body["slip"]).content.decode()
    # The roster API shows the party as any other, without the placeholder.
    roster = api_a.get(f"/api/v1/sessions/{talk.pk}/roster/").json()
    row = next(p for p in roster["rows"] if p["code"] == r.code)
    assert row["source"] == "phone" and row["email"] == ""


def test_a_caller_who_gives_an_email_gets_the_confirmation(api_a, talk):
    answer = api_a.post(url(talk), {**CALLER, "email": "Hanako@Example.jp"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["email"] == "hanako@example.jp"
    (mail,) = Notification.objects.all()
    assert (mail.kind, mail.to_email) == ("confirmed", "hanako@example.jp")


def test_a_full_session_puts_callers_on_the_waiting_list_in_order(api_a, talk):
    book(talk, email="p@example.jp", adults=2, children=2)
    first = api_a.post(url(talk), CALLER, format="json").json()
    second = api_a.post(url(talk), {**CALLER, "name": "電話 次郎"}, format="json").json()
    assert (first["status"], first["position"]) == ("waitlisted", 1)
    assert (second["status"], second["position"]) == ("waitlisted", 2)
    talk.refresh_from_db()
    assert (talk.seats_taken, talk.capacity, talk.waitlist_taken) == (4, 4, 2)
    assert not Notification.objects.filter(reservation__source="phone").exists()


def test_a_lottery_session_takes_an_application(api_a, facility_a):
    lottery = SessionFactory(
        facility=facility_a, program=ProgramFactory(booking_mode=BookingMode.LOTTERY)
    )
    body = api_a.post(url(lottery), CALLER, format="json").json()
    assert (body["status"], body["position"]) == ("applied", None)
    assert Reservation.objects.get(code=body["code"]).status == ReservationStatus.APPLIED
    lottery.refresh_from_db()
    assert lottery.seats_taken == 0


def test_a_course_session_books_the_whole_course(api_a, facility_a):
    sessions, other = course_of_three(facility_a, ProgramFactory())  # one adult booked it
    body = api_a.post(url(sessions[1]), CALLER, format="json").json()
    r = Reservation.objects.get(code=body["code"])
    assert r.course == other.course and r.session is None and body["course_reservation"] is True
    taken = Session.objects.filter(course=other.course).values_list("seats_taken", flat=True)
    assert list(taken) == [3, 3, 3]


def test_a_full_session_without_a_list_needs_a_reason_then_the_capacity_is_raised(api_a, talk):
    talk.program.waitlist_enabled = False
    talk.program.save()
    book(talk, email="p@example.jp", adults=2, children=2)
    before = state(talk)
    refused = api_a.post(url(talk), CALLER, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "session_full"
    assert state(talk) == before
    booked = api_a.post(url(talk), {**CALLER, "override_reason": "所長了承済み"}, format="json")
    assert booked.status_code == 201, booked.json()
    body = booked.json()
    assert body["status"] == "confirmed"
    assert (body["session"]["capacity"], body["session"]["seats_taken"]) == (6, 6)
    action = StaffAction.objects.get(kind=StaffActionKind.PHONE_BOOKING)
    assert action.reason == "所長了承済み" and action.after["override"] is True
    assert action.before["capacity"] == 4 and action.after["capacity"] == 6


def test_a_full_waiting_list_is_refused(api_a, talk):
    Session.objects.filter(pk=talk.pk).update(waitlist_limit=1)
    talk.refresh_from_db()
    book(talk, email="p@example.jp", adults=2, children=2)
    assert api_a.post(url(talk), CALLER, format="json").status_code == 201
    before = state(talk)
    refused = api_a.post(url(talk), CALLER, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "waitlist_full"
    assert state(talk) == before


def test_outside_the_booking_period_only_with_a_reason(api_a, talk):
    Session.objects.filter(pk=talk.pk).update(registration_opens=timezone.now() + timedelta(days=1))
    before = state(talk)
    refused = api_a.post(url(talk), CALLER, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "registration_closed",
        "message": "Registration for this session is not open.",
    }
    assert state(talk) == before
    ok = api_a.post(url(talk), {**CALLER, "override_reason": "窓口で受付"}, format="json")
    assert ok.status_code == 201 and ok.json()["status"] == "confirmed"


def test_an_email_already_booked_here_is_refused(api_a, talk):
    book(talk, email="hanako@example.jp", adults=1)
    before = state(talk)
    answer = api_a.post(url(talk), {**CALLER, "email": "hanako@example.jp"}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "duplicate_reservation"
    assert state(talk) == before


@pytest.mark.parametrize(
    "language, required, invalid",
    [
        ("ja", "この項目は必須です。", "入力内容に誤りがあります。"),
        ("en", "This field is required.", "The request has invalid fields."),
    ],
)
def test_a_missing_phone_is_a_field_error_in_the_request_language(
    api_a, talk, language, required, invalid
):
    before = state(talk)
    body = {k: v for k, v in CALLER.items() if k != "phone"}
    answer = api_a.post(url(talk), body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 400
    assert answer.json() == {"code": "invalid", "message": invalid, "fields": {"phone": [required]}}
    assert state(talk) == before


@pytest.mark.parametrize(
    "language, message",
    [
        ("ja", "電話番号を正しく入力してください（例：090-1234-5678）。"),
        ("en", "Enter a phone number such as 090-1234-5678."),
    ],
)
@pytest.mark.parametrize("phone", ["090", "abc-defg-hijk", 9012345678, ""])
def test_a_phone_number_that_is_no_number_is_refused(api_a, talk, phone, language, message):
    before = state(talk)
    answer = api_a.post(
        url(talk), {**CALLER, "phone": phone}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["phone"]
    if phone != "":  # blank is DRF's own "may not be blank"
        assert answer.json()["fields"]["phone"] == [message]
    assert state(talk) == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name_kana": "Yamada"}, "name_kana"),
        ({"adults": 0}, "adults"),
        ({"adults": "1"}, "adults"),
        ({"childcare": 2}, "childcare"),
        ({"email": "not-an-address"}, "email"),
        ({"needs": ["spaceship"]}, "needs"),
        ({"override_reason": 1}, "override_reason"),
        ({"session": 1, "language": "en"}, None),  # not fields of this body: ignored
    ],
)
def test_bad_fields_are_400_and_book_nothing(api_a, talk, change, field):
    before = state(talk)
    answer = api_a.post(url(talk), {**CALLER, **change}, format="json")
    if field is None:
        assert answer.status_code == 201
        return
    assert answer.status_code == 400 and list(answer.json()["fields"]) == [field]
    assert state(talk) == before


def test_the_kana_rule_speaks_the_request_language(api_a, talk):
    body = {**CALLER, "name_kana": "Yamada"}
    ja = api_a.post(url(talk), body, format="json", HTTP_ACCEPT_LANGUAGE="ja").json()
    en = api_a.post(url(talk), body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert ja["fields"]["name_kana"] == ["ふりがなは、ひらがなかカタカナで入力してください。"]
    assert en["fields"]["name_kana"] == ["Write the name in hiragana or katakana."]


def test_who_may_book_for_a_caller(talk, facility_a, manager_b, session_b, viewer_a):
    before = state(talk)
    cases = {
        None: (401, "not_authenticated"),
        viewer_a: (403, "permission_denied"),
        manager_b: (404, "not_found"),  # another facility's session does not exist for them
    }
    for user, (status, code) in cases.items():
        answer = token_client(user).post(url(talk), CALLER, format="json")
        assert (answer.status_code, answer.json()["code"]) == (status, code), user
    assert state(talk) == before
    manager_a = staff_user(facility_a, username="second-manager")
    missing = token_client(manager_a).post("/api/v1/sessions/999999/phone-bookings/", CALLER)
    assert missing.status_code == 404
    # Manager B books on B's own session.
    assert token_client(manager_b).post(url(session_b), CALLER, format="json").status_code == 201


# --- lottery wins confirmed by staff ---------------------------------------------------------


@pytest.fixture
def lottery(facility_a):
    return lottery_session(facility_a, 6)


@pytest.fixture
def winners(api_a, lottery):
    """A caller without email (applied through the API) and a parent with one: both won."""
    applied = api_a.post(
        url(lottery), {**CALLER, "children": 0, "children_ages": []}, format="json"
    )
    code = applied.json()["code"]
    parent = book(lottery, email="parent@example.jp", name="佐藤 花").reservation
    lottery_draw(session=lottery, seed="s")
    caller = Reservation.objects.get(code=code)
    parent.refresh_from_db()
    assert caller.status == parent.status == ReservationStatus.WON
    return caller, parent


def confirm(client, session, code, note=None, **headers):
    body = {"code": code} if note is None else {"code": code, "note": note}
    return client.post(
        f"/api/v1/sessions/{session.pk}/confirm-win/", body, format="json", **headers
    )


def test_staff_confirm_a_callers_win_with_a_note(api_a, lottery, winners, manager_a):
    caller, _parent = winners
    answer = confirm(api_a, lottery, caller.code.lower(), note="12/1 10時 本人に電話で連絡")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["code"], body["status"], body["source"]) == (caller.code, "confirmed", "phone")
    assert body["session"]["seats_taken"] == 2
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.CONFIRMED
    change = caller.history.order_by("-id").first()
    assert (change.from_status, change.to_status, change.actor) == ("won", "confirmed", manager_a)
    action = StaffAction.objects.get(kind=StaffActionKind.WIN_CONFIRM)
    assert action.actor == manager_a and action.reservation == caller
    assert action.reason == "12/1 10時 本人に電話で連絡" and action.before["status"] == "won"
    assert not Notification.objects.filter(reservation=caller).exists()
    log = api_a.get(f"/api/v1/sessions/{lottery.pk}/audit-log/").json()
    assert [(a["what"], a["reservation"]) for a in log][:2] == [
        ("win_confirm", caller.code),
        ("phone_booking", caller.code),
    ]


def test_a_parent_who_phones_in_gets_the_confirmation_email(api_a, lottery, winners):
    _caller, parent = winners
    assert confirm(api_a, lottery, parent.code).status_code == 200
    assert Notification.objects.filter(reservation=parent, kind="confirmed").count() == 1
    assert StaffAction.objects.get(kind=StaffActionKind.WIN_CONFIRM).reason == ""


def test_after_the_deadline_the_win_is_refused(api_a, lottery, winners):
    caller, _parent = winners
    Reservation.objects.filter(pk=caller.pk).update(
        confirm_by=timezone.now() - timedelta(minutes=1)
    )
    answer = confirm(api_a, lottery, caller.code, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "confirmation_closed",
        "message": "The confirmation deadline has passed.",
    }
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.WON
    assert not StaffAction.objects.filter(kind=StaffActionKind.WIN_CONFIRM).exists()


@pytest.mark.parametrize("status", ["confirmed", "applied", "lapsed", "cancelled"])
def test_a_party_that_has_not_won_is_refused(api_a, lottery, winners, status):
    caller, _parent = winners
    if status == "confirmed":
        reservation_confirm_win(reservation=caller)
    else:
        Reservation.objects.filter(pk=caller.pk).update(status=status)
    history = caller.history.count()
    answer = confirm(api_a, lottery, caller.code, HTTP_ACCEPT_LANGUAGE="ja")
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_state" and answer.json()["status"] == status
    assert "当選して確定していない組だけ" in answer.json()["message"]
    caller.refresh_from_db()
    assert caller.status == status and caller.history.count() == history
    assert not StaffAction.objects.filter(kind=StaffActionKind.WIN_CONFIRM).exists()


def test_who_may_confirm_a_win_and_which_codes(lottery, winners, viewer_a, manager_b, api_a):
    caller, _parent = winners
    for user, status in ((None, 401), (viewer_a, 403), (manager_b, 404)):
        assert confirm(token_client(user), lottery, caller.code).status_code == status, user
    assert confirm(api_a, lottery, "NOPE1234").status_code == 404
    other = SessionFactory(facility=lottery.facility)  # a code of another session: not here
    assert confirm(api_a, other, caller.code).status_code == 404
    too_long = confirm(api_a, lottery, caller.code, note="あ" * 201)
    assert too_long.status_code == 400 and list(too_long.json()["fields"]) == ["note"]
    no_code = api_a.post(f"/api/v1/sessions/{lottery.pk}/confirm-win/", {}, format="json")
    assert no_code.status_code == 400 and list(no_code.json()["fields"]) == ["code"]
    caller.refresh_from_db()
    assert caller.status == ReservationStatus.WON
    assert not StaffAction.objects.filter(kind=StaffActionKind.WIN_CONFIRM).exists()


# --- the schema ------------------------------------------------------------------------------


def test_both_operations_are_documented_with_their_refusals(api):
    paths = yaml.safe_load(api.get("/api/schema/").content)["paths"]
    booking = paths["/api/v1/sessions/{id}/phone-bookings/"]["post"]
    win = paths["/api/v1/sessions/{id}/confirm-win/"]["post"]
    assert booking["operationId"] == "staff_phone_booking" and "201" in booking["responses"]
    assert win["operationId"] == "staff_confirm_win" and "200" in win["responses"]
    for operation in (booking, win):
        for status in ("400", "401", "403", "404", "409"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"]["$ref"] == "#/components/schemas/Error"
    for code in ("registration_closed", "session_full", "waitlist_full"):
        assert code in booking["responses"]["409"]["description"]
    for code in ("invalid_state", "confirmation_closed"):
        assert code in win["responses"]["409"]["description"]
