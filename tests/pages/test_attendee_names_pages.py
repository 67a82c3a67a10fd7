"""The parents' form and the manage page of a programme that asks the name of everyone who
comes (イクボスセミナー: a company books for its managers)."""

from __future__ import annotations

import re

import pytest

from booking.models import Reservation
from tests.factories import book, named_seminar
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar(hub):
    return named_seminar(hub)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_form_asks_a_name_for_each_adult_who_may_come(ja_client, seminar):
    html = ja_client.get(f"/sessions/{seminar.pk}/reserve/").content.decode()
    for n in (1, 2, 3):
        assert f'name="attendee_{n}"' in html
        assert f"参加者のお名前（{n}人目）" in html
    assert 'name="attendee_4"' not in html
    assert "申し込む方のお名前は不要です" in html


def test_a_company_books_two_managers_by_name(ja_client, seminar):
    response, _ = fill(ja_client, seminar, adults="2", attendee_1="西郷 隆", attendee_3=" 島津 斉 ")

    assert response.status_code == 303, text_of(response.content.decode())[:2000]
    reservation = Reservation.objects.get()
    assert reservation.attendee_names == ["西郷 隆", "島津 斉"]
    page = ja_client.get(response["Location"], follow=True).content.decode()
    assert "西郷 隆、島津 斉" in page


def test_a_name_missing_is_said_at_the_first_name_field(ja_client, seminar):
    response, _ = fill(ja_client, seminar, adults="3", attendee_1="西郷 隆", attendee_2="大久保 利")

    html = response.content.decode()
    assert response.status_code in (400, 422)
    assert "参加する大人の人数分、お名前をご記入ください。" in html
    assert 'href="#id_attendee_1"' in html  # the error summary leads to the field
    assert not Reservation.objects.exists()


def test_a_name_missing_is_said_with_the_forms_own_mistakes(ja_client, seminar):
    """The booking is not tried while the form has a mistake of its own (the email here), so
    the names' rule spoke only after the parent fixed it: both come in one answer."""
    response, _ = fill(
        ja_client, seminar, email="", adults="3", attendee_1="西郷 隆", attendee_2="大久保 利"
    )

    html = response.content.decode()
    assert response.status_code in (400, 422)
    assert "参加する大人の人数分、お名前をご記入ください。" in html
    assert 'href="#id_attendee_1"' in html and 'href="#id_email"' in html
    assert not Reservation.objects.exists()


def test_the_manage_page_changes_who_comes(ja_client, seminar):
    result = book(seminar, adults=2, attendee_names=("西郷 隆", "大久保 利"))
    url = f"/manage/{result.reservation.code}/?token={result.token}"
    page = ja_client.get(url, follow=True).content.decode()
    assert 'value="西郷 隆"' in page and 'value="大久保 利"' in page
    assert "西郷 隆、大久保 利" in page

    changed = ja_client.post(
        url,
        {
            "action": "party",
            "party-adults": "2",
            "party-attendee_1": "西郷 隆",
            "party-attendee_2": "小松 帯",
        },
    )
    assert changed.status_code == 302
    result.reservation.refresh_from_db()
    assert result.reservation.attendee_names == ["西郷 隆", "小松 帯"]
    after = ja_client.get(url, follow=True).content.decode()
    assert "人数・参加者を変更しました。" in after and "人数・参加者を変更する" in after

    refused = ja_client.post(
        url, {"action": "party", "party-adults": "3", "party-attendee_1": "西郷 隆"}
    )
    assert "参加する大人の人数分、お名前をご記入ください。" in refused.content.decode()
    result.reservation.refresh_from_db()
    assert result.reservation.adults == 2


def test_a_programme_that_does_not_ask_has_no_such_fields(ja_client, play):
    html = ja_client.get(f"/sessions/{play.pk}/reserve/").content.decode()
    assert "attendee_" not in html and "参加者のお名前" not in html
