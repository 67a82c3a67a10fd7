"""A phone booking (電話予約) outside the booking period says so on the empty form and asks for
the reason at the form's top, and a refusal the reason would lift is shown on that field; the
受付票 tells a caller booked after the cancellation deadline what is true (call the facility),
and joins its sentences as Japanese does (no space after 。). Staff messages about a parent
write 様.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from booking.models import Reservation, ReservationStatus
from booking.services import lottery_draw
from events.models import Session
from staffdesk import selectors
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
NOTICE = "この回は申込期間外です。予約の条件の例外として予約できます。"
REASON_LABEL = "予約の条件の例外として予約する理由"


@pytest.fixture
def centre(db):
    return FacilityFactory(name="すこやか子育て交流館", slug="phone-words", phone="0598-00-1234")


@pytest.fixture
def desk(centre):
    return staff_user(centre, username="phone-words-desk")


@pytest.fixture
def closed(centre):
    """A session in three days whose registration and cancellation deadline have passed."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return SessionFactory(
        facility=centre,
        program=ProgramFactory(title="離乳食のおはなし"),
        start=start,
        end=start + timedelta(hours=1),
        registration_opens=start - timedelta(days=30),
        registration_closes=timezone.now() - timedelta(hours=1),
        cancellation_deadline=timezone.now() - timedelta(hours=1),
        capacity=4,
    )


def caller(**fields) -> dict:
    data = {"name": "山田 花子", "name_kana": "やまだ はなこ", "phone": "090-1234-5678"}
    data.update({"adults": "1", "children": "0"})
    data.update(fields)
    return data


def field_block(html: str, name: str) -> str:
    """The markup of one field's block (label, input, help, errors)."""
    at = html.index(f'name="{name}"')
    start = html.rindex('<div class="field', 0, at)
    return html[start : html.index("</div>", at)]


def test_the_empty_form_says_the_period_is_over_and_asks_for_the_reason_first(closed, desk):
    html = page_client(desk).get(f"/staff/sessions/{closed.pk}/phone/", **JA).content.decode()
    assert NOTICE in html
    reason = field_block(html, "override_reason")
    assert REASON_LABEL in reason and "required-mark" in reason
    # At the form's top: before the caller's name.
    assert html.index('name="override_reason"') < html.index('name="name"')


def test_a_session_in_its_period_asks_for_no_reason(centre, desk):
    session = SessionFactory(facility=centre)
    html = page_client(desk).get(f"/staff/sessions/{session.pk}/phone/", **JA).content.decode()
    assert NOTICE not in html and "required-mark" not in field_block(html, "override_reason")
    assert html.index('name="override_reason"') > html.index('name="name"')


def test_without_the_reason_the_refusal_is_on_its_field_with_the_other_mistakes(closed, desk):
    answer = page_client(desk).post(f"/staff/sessions/{closed.pk}/phone/", caller(phone=""), **JA)
    html = answer.content.decode()
    assert answer.status_code == 409
    assert "申込期間外のため、予約するには理由を入力してください。" in field_block(
        html, "override_reason"
    )
    start = html.index('id="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert 'href="#id_override_reason"' in summary and 'href="#id_phone"' in summary
    assert not Reservation.objects.exists()


def test_a_refusal_found_by_the_booking_itself_goes_on_the_reason_too(closed, desk, monkeypatch):
    """The period ended between the page's load and its sending: the service refuses, and the
    page puts that refusal on the reason's field."""
    monkeypatch.setattr("staffdesk.views.phone.booking_window_closed", lambda session: False)
    answer = page_client(desk).post(f"/staff/sessions/{closed.pk}/phone/", caller(), **JA)
    html = answer.content.decode()
    assert answer.status_code == 409
    assert "申込期間外のため" in field_block(html, "override_reason")
    assert 'href="#id_override_reason"' in html


def test_after_the_deadline_the_slip_tells_the_caller_to_phone(closed, desk):
    client = page_client(desk)
    answer = client.post(
        f"/staff/sessions/{closed.pk}/phone/", caller(override_reason="所長了承済み"), **JA
    )
    assert answer.status_code == 302
    r = Reservation.objects.get(source="phone")
    with translation.override("ja"):
        note = selectors.reservation_slip(closed, r.code).cancel_note
    assert note == (
        "キャンセル・変更は、すこやか子育て交流館へお電話（0598-00-1234）のうえ、"
        "予約番号をお伝えください。"
    )
    assert "まで" not in note


def test_before_the_deadline_the_slip_gives_it(centre, desk):
    session = SessionFactory(facility=centre)
    r = book(session, email="p@example.jp").reservation
    with translation.override("ja"):
        note = selectors.reservation_slip(session, r.code).cancel_note
    assert re.fullmatch(
        r"キャンセル・変更は、\d{4}年\d+月\d+日（.）\d\d:\d\dまでにすこやか子育て交流館"
        r"へお電話（0598-00-1234）のうえ、予約番号をお伝えください。",
        note,
    )


def test_a_waiting_callers_slip_joins_its_sentences_without_a_space(centre, desk):
    session = SessionFactory(facility=centre, capacity=1)
    book(session, email="first@example.jp")
    answer = page_client(desk).post(f"/staff/sessions/{session.pk}/phone/", caller(), **JA)
    assert answer.status_code == 302
    r = Reservation.objects.get(source="phone")
    assert r.status == ReservationStatus.WAITLISTED
    with translation.override("ja"):
        note = selectors.reservation_slip(session, r.code).cancel_note
    assert "お伝えください。キャンセル待ちです。" in note and "。 " not in note
    with translation.override("en"):
        english = selectors.reservation_slip(session, r.code).cancel_note
    assert "reservation code. This is a place on the waiting list" in english


def test_the_slip_page_prints_the_note(closed, desk):
    client = page_client(desk)
    client.post(f"/staff/sessions/{closed.pk}/phone/", caller(override_reason="所長了承済み"))
    r = Reservation.objects.get(source="phone")
    slip = client.get(f"/staff/sessions/{closed.pk}/slips/{r.code}/", **JA).content.decode()
    assert "のうえ、予約番号をお伝えください。" in slip
    assert "までに" not in slip


def test_staff_messages_about_a_parent_write_sama(centre, desk):
    from tests.factories import lottery_session

    lottery = lottery_session(centre, 4)
    won = book(lottery, email="w@example.jp", name="鈴木 美咲").reservation
    lottery_draw(session=lottery, seed="sama")
    client = page_client(desk)
    page = client.post(
        f"/staff/sessions/{lottery.pk}/confirm-win/", {"code": won.code}, follow=True, **JA
    ).content.decode()
    assert "鈴木 美咲様の当選を確定しました。" in page and "さん" not in page
    session = SessionFactory(facility=centre, capacity=1)
    book(session, email="a@example.jp")
    waiting = book(session, email="b@example.jp", name="佐藤 花").reservation
    Session.objects.filter(pk=session.pk).update(capacity=2)
    page = client.post(
        f"/staff/sessions/{session.pk}/waiting-list/",
        {"action": "promote", "code": waiting.code, "reason": "保健師の依頼"},
        follow=True,
        **JA,
    ).content.decode()
    assert "佐藤 花様を繰り上げました。" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 768])
def test_the_closed_form_in_a_browser(browser, live_server, width):
    from pathlib import Path

    from tests.browser import axe_violations
    from tests.staff.browser_pages import log_in, tablet

    centre = FacilityFactory(
        name="すこやか子育て交流館", slug=f"phone-{width}", phone="0598-00-1234"
    )
    staff = staff_user(centre, username=f"phone-desk-{width}")
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    session = SessionFactory(
        facility=centre,
        start=start,
        end=start + timedelta(hours=1),
        registration_closes=timezone.now() - timedelta(hours=1),
        cancellation_deadline=timezone.now() - timedelta(hours=1),
    )
    page = tablet(browser, viewport={"width": width, "height": 900})
    log_in(page, live_server.url, staff.username, f"/staff/sessions/{session.pk}/phone/")
    assert page.locator("#outside-period").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    Path("/tmp/words").mkdir(exist_ok=True)
    page.screenshot(path=f"/tmp/words/phone-closed-{width}.png", full_page=True)
    page.fill("input[name=name]", "山田 花子")
    page.fill("input[name=name_kana]", "やまだ はなこ")
    page.fill("input[name=phone]", "090-1234-5678")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert "申込期間外のため" in page.locator(".field.has-error").first.inner_text()
    page.screenshot(path=f"/tmp/words/phone-closed-error-{width}.png", full_page=True)
    page.fill("input[name=override_reason]", "所長了承済み")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/phone/[A-Z0-9-]+/$"))
    page.screenshot(path=f"/tmp/words/phone-booked-{width}.png", full_page=True)
