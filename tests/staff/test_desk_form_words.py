"""The desk's forms say what went wrong in the desk's words and lead to it: a wrong password
names the field the login form shows (the email address), a form with mistakes moves the focus
to its list of mistakes as the parents' forms do, the series form asks for times (開始時刻 /
終了時刻) and says a time is wrong as a time, its weeks read in the staff's language, and the
forms the server checks are not stopped first by the browser's own bubbles."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from booking.models import Reservation
from events.models import Session, StaffRole
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user
from tests.schedule.series_setup import series_page_form

pytestmark = pytest.mark.django_db

FOCUS = 'document.getElementById("error-summary").focus()'


@pytest.fixture
def facility(db):
    return FacilityFactory(slug="ribbon", name="りぼんかん")


def series_form(**changes) -> dict:
    return series_page_form(action="preview") | changes


def test_a_wrong_password_names_the_email_address(facility):
    staff_user(facility, StaffRole.MANAGER, username="desk@example.jp")
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").post(
        "/staff/accounts/login/", {"username": "desk@example.jp", "password": "wrong"}
    )
    html = page.content.decode()
    assert "メールアドレスまたはパスワードが正しくありません。" in html
    assert "ユーザー名" not in html


def test_a_form_with_mistakes_moves_the_focus_to_them(facility):
    session = SessionFactory(facility=facility)
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    path = f"/staff/sessions/{session.pk}/phone/"
    assert FOCUS not in desk.get(path).content.decode()
    refused = desk.post(path, {"name": "", "adults": "0"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="error-summary"' in html and FOCUS in html


def test_the_series_form_asks_for_times_and_says_a_wrong_one_as_a_time(facility):
    ProgramFactory(title="親子ふれあい遊び", slug="fureai")
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    page = desk.get("/staff/schedule/series/new/").content.decode()
    assert "開始時刻" in page and "終了時刻" in page and "第1週" in page
    assert "選択してください" in page and "---------" not in page
    assert "<form" in page and "novalidate" in page.split("series-form", 1)[1].split(">", 1)[0]
    answer = desk.post("/staff/schedule/series/new/", series_form(end_time="12:00"))
    assert answer.context["form"].errors["end_time"] == ["終了時刻は開始時刻より後にしてください。"]
    assert FOCUS in answer.content.decode()
    assert not Session.objects.exists()


def test_the_series_forms_weeks_follow_the_staffs_language(facility):
    desk = Client()
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    english = desk.get("/staff/schedule/series/new/", HTTP_ACCEPT_LANGUAGE="en")
    japanese = desk.get("/staff/schedule/series/new/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "Week 1" in english.content.decode() and "第1週" not in english.content.decode()
    assert "第5週" in japanese.content.decode() and "Week 5" not in japanese.content.decode()


def test_the_phone_booking_asks_for_what_is_missing_in_the_desks_words(facility):
    session = SessionFactory(facility=facility)
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    form = desk.post(f"/staff/sessions/{session.pk}/phone/", {"adults": "0"}).context["form"]
    assert form.errors["name"] == ["氏名を入力してください。"]
    assert form.errors["phone"] == ["電話番号を入力してください。"]
    assert form.errors["adults"] == ["大人は1人以上にしてください。"]


def test_a_walk_ins_phone_is_a_number_on_the_page_and_the_api(facility):
    session = SessionFactory(facility=facility)
    manager = staff_user(facility, StaffRole.MANAGER)
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(manager)
    page = desk.post(
        f"/staff/sessions/{session.pk}/walk-in/",
        {"name": "山田 花子", "adults": "1", "phone": "abc"},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["phone"] == [
        "電話番号を正しく入力してください（例：090-1234-5678）。"
    ]
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(manager)
    refused = api.post(
        f"/api/v1/sessions/{session.pk}/walk-ins/",
        {"name": "Hanako", "adults": 1, "phone": "12"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["phone"] == ["Enter a phone number such as 090-1234-5678."]
    assert not Reservation.objects.exists()


def test_every_form_asking_for_an_email_says_a_mistake_with_an_example(facility):
    """One message for one mistake, from the field itself (core.text.EmailFormField): the
    walk-in's and the phone booking's, as the parents' forms say it."""
    session = SessionFactory(facility=facility)
    desk = Client(HTTP_ACCEPT_LANGUAGE="ja")
    desk.force_login(staff_user(facility, StaffRole.MANAGER))
    for page in ("walk-in", "phone"):
        form = desk.post(
            f"/staff/sessions/{session.pk}/{page}/", {"name": "山田", "email": "yamada"}
        ).context["form"]
        assert form.errors["email"] == [
            "メールアドレスを正しく入力してください（例：name@example.jp）。"
        ], page
