"""The reservation form and its result page, through Django's test client."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from booking.selectors import reservation_by_code_and_token
from events.models import Course
from tests.factories import ProgramFactory, SessionFactory, book, later_in_course
from tests.pages.conftest import fill, form_key

pytestmark = pytest.mark.django_db

RESULT_URL = re.compile(r"^/reservations/(?P<code>[A-Z0-9-]+)/\?token=(?P<token>[\w-]+)$")


def field_names(html: str) -> set[str]:
    form = html[html.index('<form method="post" action="/sessions/') :]
    return set(re.findall(r'name="([a-z_0-9]+)"', form)) - {"csrfmiddlewaretoken"}


def test_the_form_asks_only_what_the_programme_needs(ja_client, play, maternity, ikuboss, lottery):
    contact = {
        "form_key",
        "name",
        "name_kana",
        "email",
        "phone",
        "needs",
        "needs_detail",
        "consent",
    }
    cases = {
        play: {"adults", "child_age_1", "child_age_2", "childcare"},
        maternity: {"adults", "due_date"},
        ikuboss: {"company", "resident"},
        lottery: {"children", "priority_group"},
    }
    for session, party in cases.items():
        html = ja_client.get(f"/sessions/{session.pk}/reserve/", follow=True).content.decode()
        assert field_names(html) == contact | party, session.program.slug


def test_the_form_explains_eligibility_before_the_fields(ja_client, play, ikuboss):
    html = ja_client.get(f"/sessions/{play.pk}/reserve/", follow=True).content.decode()
    assert html.index("参加できる方") < html.index('<form method="post"')
    assert html.index("0〜1歳のお子さんと保護者が対象です。") < html.index('name="child_age_1"')
    assert "0か月〜1歳のお子さんと一緒に参加できる保護者の方" in html
    # The age band says exactly what "parents of children of the target age" would say vaguely.
    assert "対象年齢のお子さんの保護者" not in html
    html = ja_client.get(f"/sessions/{ikuboss.pk}/reserve/", follow=True).content.decode()
    assert "加盟企業の管理職の方" in html  # an audience no age band says more exactly
    assert "鹿児島市にお住まいの方" in html
    assert "会社名をお聞きします。" in html
    assert "鹿児島市に住んでいます" in html  # the residency checkbox's label


def test_the_form_helps_phones_fill_it(ja_client, play):
    html = ja_client.get(f"/sessions/{play.pk}/reserve/", follow=True).content.decode()
    email = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'type="email"' in email and 'autocomplete="email"' in email
    assert 'inputmode="email"' in email and 'aria-describedby="id_email_helptext"' in email
    phone = re.search(r"<input[^>]*name=\"phone\"[^>]*>", html).group(0)
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone and 'inputmode="tel"' in phone
    assert 'autocomplete="name"' in html
    assert '<label for="id_consent">個人情報の取り扱いに同意する' in html
    assert 'href="/privacy/"' in html
    assert '<option value="7">7か月</option>' in html
    assert '<option value="12">1歳</option>' in html


def test_missing_answers_are_shown_next_to_each_field_in_japanese(ja_client, play):
    page = ja_client.get(f"/sessions/{play.pk}/reserve/", follow=True).content.decode()
    response = ja_client.post(
        f"/sessions/{play.pk}/reserve/",
        {"form_key": form_key(page), "adults": "1", "childcare": "0"},
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert Reservation.objects.count() == 0
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert 'role="alert"' in summary and 'id="error-summary"' in summary
    assert "4件の入力内容を確認してください" in summary
    assert 'href="#id_name"' in summary and 'href="#id_consent"' in summary
    # A text field's line names the field; a checkbox's message says it all without the
    # label's sentence before it (個人情報の取り扱いに同意する：…).
    assert '<a href="#id_name">氏名：氏名を入力してください。</a>' in summary
    assert (
        '<a href="#id_consent">予約するには、個人情報の取り扱いへの同意が必要です。</a>' in summary
    )
    for name, message in [
        ("name", "氏名を入力してください。"),
        ("email", "メールアドレスを入力してください。"),
        ("child_age_1", "お子さんの月齢を選んでください。"),
        ("consent", "予約するには、個人情報の取り扱いへの同意が必要です。"),
    ]:
        error = f'<ul class="errorlist" id="id_{name}_error"><li>{message}</li></ul>'
        assert error in html, name
        widget = re.search(rf"<(input|select)[^>]*name=\"{name}\"[^>]*>", html).group(0)
        assert 'aria-invalid="true"' in widget, name
        assert f"id_{name}_error" in widget, name
    assert "<title>エラー：" in html


def test_a_wrong_email_is_explained(ja_client, play):
    response, _ = fill(ja_client, play, child_age_1="6", email="hanako@")
    assert "メールアドレスを正しく入力してください（例：name@example.jp）。" in (
        response.content.decode()
    )


def test_the_programme_rules_come_back_next_to_their_field(ja_client, maternity):
    yesterday = timezone.localdate() - timedelta(days=1)
    response, _ = fill(ja_client, maternity, due_date=yesterday.isoformat())
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_due_date_error"><li>出産前の方が対象です。'
        "出産予定日をご確認ください。</li></ul>"
    ) in html
    assert Reservation.objects.count() == 0


def test_a_reservation_is_confirmed_and_shown_with_its_code(ja_client, play):
    response, data = fill(
        ja_client, play, adults="2", child_age_1="6", child_age_2="", childcare="1", phone=""
    )
    assert response.status_code == 303
    match = RESULT_URL.match(response["Location"])
    assert match, response["Location"]
    reservation = Reservation.objects.get()
    assert reservation.code == match["code"]
    assert reservation.status == ReservationStatus.CONFIRMED
    assert (reservation.adults, reservation.children, reservation.children_ages) == (2, 1, [6])
    assert reservation.childcare == 1
    assert reservation.email == "hanako@example.jp" and reservation.language == "ja"
    play.refresh_from_db()
    assert play.seats_taken == 3 and play.childcare_taken == 1

    result = ja_client.get(response["Location"], follow=True)
    html = result.content.decode()
    # The token came in the URL once: traded for a cookie, the page's address holds none.
    assert result.redirect_chain[-1][0] == f"/reservations/{reservation.code}/"
    assert match["token"] not in html
    assert result["Cache-Control"] == "no-store"
    assert result["Referrer-Policy"] == "same-origin"
    assert "予約が確定しました" in html
    assert f'<p class="code">{reservation.code}</p>' in html
    assert f'href="/calendar/sessions/{play.pk}.ics"' in html
    assert f'href="/manage/{reservation.code}/"' in html
    assert "山田" in ja_client.get(f"/manage/{reservation.code}/").content.decode()
    assert "大人2人、子ども1人（6か月）" in re.sub(r"<[^>]+>", "", html) and "託児1人" in html


def test_submitting_the_same_form_twice_reserves_once(ja_client, play):
    first, data = fill(ja_client, play, child_age_1="3")
    again = ja_client.post(f"/sessions/{play.pk}/reserve/", data)
    edited = ja_client.post(f"/sessions/{play.pk}/reserve/", {**data, "adults": "2"})

    assert first.status_code == again.status_code == edited.status_code == 303
    assert first["Location"] == again["Location"] == edited["Location"]
    assert Reservation.objects.count() == 1
    play.refresh_from_db()
    assert play.seats_taken == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_at_the_same_moment_reserves_once(play):
    """Two requests with the same form, sent together from two threads (two connections)."""
    client = Client()
    page = client.get(f"/sessions/{play.pk}/reserve/", follow=True).content.decode()
    data = {
        "form_key": form_key(page),
        "adults": "1",
        "childcare": "0",
        "child_age_1": "4",
        "name": "山田 花子",
        "email": "tap@example.jp",
        "consent": "on",
    }
    barrier = threading.Barrier(2)
    answers: list = []

    def tap() -> None:
        barrier.wait()
        try:
            answers.append(Client().post(f"/sessions/{play.pk}/reserve/", data))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Reservation.objects.filter(email="tap@example.jp").count() == 1
    play.refresh_from_db()
    assert play.seats_taken == 2


def test_a_fresh_copy_of_the_form_from_the_same_browser_leads_to_the_same_reservation(
    ja_client, play
):
    """The back button may reload the form with a new key: the browser remembers its booking."""
    first, _ = fill(ja_client, play, child_age_1="3")
    again, _ = fill(ja_client, play, child_age_1="3")
    assert first.status_code == again.status_code == 303
    assert first["Location"] == again["Location"]
    assert Reservation.objects.count() == 1


def test_a_second_form_with_the_same_email_is_refused_with_a_pointer(ja_client, play):
    fill(Client(), play, child_age_1="3")  # another phone, the same address
    response, _ = fill(ja_client, play, child_age_1="3")
    html = response.content.decode()
    assert response.status_code == 400
    assert "このメールアドレスでは、すでにこの回を予約しています。" in html
    assert Reservation.objects.count() == 1


def test_a_full_session_takes_the_waiting_list(ja_client, tiny):
    book(tiny, email="first@example.jp")
    page = ja_client.get(f"/sessions/{tiny.pk}/reserve/", follow=True).content.decode()
    assert "この回は満席です。キャンセル待ちに登録できます。" in page
    assert ">キャンセル待ちに登録する</button>" in page

    response, _ = fill(ja_client, tiny)
    html = ja_client.get(response["Location"], follow=True).content.decode()
    assert Reservation.objects.get(email="hanako@example.jp").status == "waitlisted"
    assert "キャンセル待ちに登録しました" in html
    assert "キャンセル待ちの1番目です。" in html


def test_a_lottery_session_takes_applications(ja_client, lottery):
    page = ja_client.get(f"/sessions/{lottery.pk}/reserve/", follow=True).content.decode()
    assert "参加者は抽選で決まります。" in page
    assert 'value="first_time"' in page and "初めての参加" in page

    response, _ = fill(ja_client, lottery, children="1", priority_group="first_time")
    reservation = Reservation.objects.get()
    assert reservation.status == ReservationStatus.APPLIED
    assert reservation.priority_group == "first_time" and reservation.children == 1
    html = ja_client.get(response["Location"], follow=True).content.decode()
    assert "抽選の申し込みを受け付けました" in html


def test_the_member_company_and_residency_are_recorded(ja_client, ikuboss):
    response, _ = fill(ja_client, ikuboss, company="鹿児島商事株式会社", resident="on")
    assert response.status_code == 303
    reservation = Reservation.objects.get()
    assert (reservation.company, reservation.resident, reservation.adults) == (
        "鹿児島商事株式会社",
        True,
        1,
    )


def test_a_session_outside_its_registration_window_shows_no_form(ja_client, hub):
    session = SessionFactory(facility=hub, registration_opens=timezone.now() + timedelta(days=2))
    html = ja_client.get(f"/sessions/{session.pk}/reserve/", follow=True).content.decode()
    assert "申し込みの受付は" in html and "に始まります。" in html
    assert 'name="form_key"' not in html

    page = ja_client.get(f"/sessions/{session.pk}/reserve/", follow=True)
    response = ja_client.post(
        f"/sessions/{session.pk}/reserve/",
        {"form_key": "x" * 32, "name": "a", "email": "a@example.jp", "consent": "on"},
    )
    assert page.status_code == 200 and response.status_code == 409
    assert "に始まります。" in response.content.decode()
    assert Reservation.objects.count() == 0


def test_a_session_of_a_course_books_the_whole_course(ja_client, hub):
    program = ProgramFactory(title="ペアレントトレーニング", max_children=0)
    course = Course.objects.create(program=program, facility=hub, title="春", slug="spring")
    first = SessionFactory(program=program, facility=hub, course=course)
    later_in_course(first, 1)
    response, _ = fill(ja_client, first)
    reservation = Reservation.objects.get()
    assert reservation.course == course and reservation.session is None
    html = ja_client.get(response["Location"], follow=True).content.decode()
    assert html.count("カレンダーに追加（.ics）") == 2


def test_the_result_page_needs_the_token(ja_client, play):
    response, _ = fill(ja_client, play, child_age_1="3")
    code = RESULT_URL.match(response["Location"])["code"]
    wrong = ja_client.get(f"/reservations/{code}/?token=not-the-token", follow=True)
    assert wrong.status_code == 404
    assert "このリンクは無効です。" in wrong.content.decode()
    token = RESULT_URL.match(response["Location"])["token"]
    assert reservation_by_code_and_token(code, token) is not None
