"""Issue 21 (parents), items 2, 4 and 5: a course's every date, the manage page's calendar
buttons and way back, plain words for a leaked link, and a lottery application's own words."""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation, ReservationStatus
from booking.services import reservation_cancel
from events.models import Course
from tests.factories import ProgramFactory, SessionFactory, book, later_in_course
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db

ICS = "カレンダーに追加（.ics）"


def manage_url(result) -> str:
    return f"/manage/{result.reservation.code}/?token={result.token}"


@pytest.fixture
def course_sessions(hub):
    program = ProgramFactory(title="ペアレントトレーニング", max_children=0)
    course = Course.objects.create(program=program, facility=hub, title="春", slug="spring")
    first = SessionFactory(program=program, facility=hub, course=course)
    return [first] + [later_in_course(first, week) for week in (1, 2, 3)]


def test_a_course_form_opened_from_a_later_date_lists_every_date(ja_client, course_sessions):
    from events.templatetags.parent_pages import span

    html = ja_client.get(f"/sessions/{course_sessions[2].pk}/reserve/").content.decode()
    when = html[html.index("<dt>日時</dt>") : html.index("<dt>会場</dt>")]
    assert when.count("<li>") == 4
    for s in course_sessions:
        assert span(s) in when
    detail = ja_client.get(f"/sessions/{course_sessions[2].pk}/").content.decode()
    assert all(span(s) in detail for s in course_sessions)
    response, _ = fill(ja_client, course_sessions[2])
    result = ja_client.get(response["Location"], follow=True).content.decode()
    assert all(span(s) in result for s in course_sessions)


def test_the_manage_page_links_back_to_the_event(ja_client, play):
    result = book(play, children=1, children_ages=[6])
    html = ja_client.get(manage_url(result), follow=True).content.decode()
    assert f'<p class="back"><a href="/sessions/{play.pk}/">イベントの詳細へ戻る</a></p>' in html
    assert ICS in html


def test_no_calendar_file_for_a_reservation_that_holds_no_seat(ja_client, tiny, lottery):
    book(tiny, email="first@example.jp")
    waiting = book(tiny, email="second@example.jp")
    assert waiting.reservation.status == ReservationStatus.WAITLISTED
    assert ICS not in ja_client.get(manage_url(waiting), follow=True).content.decode()

    cancelled = book(tiny, email="third@example.jp")
    reservation_cancel(reservation=cancelled.reservation)
    assert ICS not in ja_client.get(manage_url(cancelled), follow=True).content.decode()

    applied = book(lottery, children=1)
    assert applied.reservation.status == ReservationStatus.APPLIED
    assert ICS not in ja_client.get(manage_url(applied), follow=True).content.decode()
    result = f"/reservations/{applied.reservation.code}/?token={applied.token}"
    assert ICS not in ja_client.get(result, follow=True).content.decode()


def test_the_leaked_link_box_reads_as_plain_japanese(ja_client, play):
    html = ja_client.get(
        manage_url(book(play, children=1, children_ages=[6])), follow=True
    ).content.decode()
    assert "<h2>このページのリンク</h2>" in html
    assert "メールを転送した場合や、スマートフォンを家族などと共用している場合" in html
    assert "このページのリンクを無効にして、新しいリンクをメールで受け取る" in html
    assert "新しい入り口" not in html and "リンクを止めて" not in html


def test_a_lottery_application_is_called_an_application_until_a_place_is_won(ja_client, lottery):
    response, _ = fill(ja_client, lottery, children="1")
    assert response.status_code == 303
    html = ja_client.get(response["Location"], follow=True).content.decode()
    assert "申込番号" in html and "予約番号" not in html
    assert re.search(r"<title>申し込み [A-Z0-9-]+ \|", html)
    assert "<h2>申込内容</h2>" in html
    code, token = re.search(
        r"/reservations/([A-Z0-9-]+)/\?token=([\w-]+)", response["Location"]
    ).groups()
    manage = ja_client.get(f"/manage/{code}/?token={token}", follow=True).content.decode()
    assert "<h1>申込内容</h1>" in manage and "申込番号" in manage and "予約番号" not in manage


def test_the_application_email_says_application_number(ja_client, lottery):
    from django.core import mail

    from notifications.delivery import deliver_batch, dispatch_due

    fill(ja_client, lottery, children="1")
    dispatch_due(send_batch=lambda ids, token: deliver_batch(ids, token=token))
    message = mail.outbox[-1]
    assert "申込番号" in message.body and "予約番号" not in message.body


def test_a_course_whose_fullest_session_has_one_seat_asks_before_waitlisting(
    ja_client, course_sessions
):
    from events.models import Program

    Program.objects.filter(pk=course_sessions[0].program_id).update(max_adults=2)
    course_sessions[3].capacity = 1
    course_sessions[3].save(update_fields=["capacity"])
    html = ja_client.get(f"/sessions/{course_sessions[0].pk}/reserve/").content.decode()
    assert "残り1席です。2人以上では満席のため、キャンセル待ちになります。" in html
    response, _ = fill(ja_client, course_sessions[0], adults="2")
    assert response.status_code == 400
    assert not Reservation.objects.exists()
    response, _ = fill(ja_client, course_sessions[0], adults="2", join_waitlist="on")
    assert response.status_code == 303
    assert Reservation.objects.get().status == ReservationStatus.WAITLISTED


def test_the_result_and_manage_pages_show_the_phone_number_typed(ja_client, play):
    """A parent sees the number they typed beside their name and address, to catch a typo."""
    response, _ = fill(ja_client, play, child_age_1="6", phone="090-1234-5687")
    assert response.status_code == 303
    result = ja_client.get(response["Location"], follow=True).content.decode()
    facts = result[result.index('<dl class="facts">') :].split("</dl>")[0]
    assert "<dt>電話番号</dt><dd>090-1234-5687</dd>" in facts
    assert "<dd>hanako@example.jp</dd>" in facts
    code, token = re.search(
        r"/reservations/([A-Z0-9-]+)/\?token=([\w-]+)", response["Location"]
    ).groups()
    manage = ja_client.get(f"/manage/{code}/?token={token}", follow=True).content.decode()
    assert "<dt>電話番号</dt><dd>090-1234-5687</dd>" in manage


def test_no_phone_line_when_no_number_was_given(ja_client, play):
    html = ja_client.get(
        manage_url(book(play, children=1, children_ages=[6])), follow=True
    ).content.decode()
    facts = html[html.index('<dl class="facts">') :].split("</dl>")[0]
    assert "<dt>氏名</dt>" in facts and "電話番号" not in facts
