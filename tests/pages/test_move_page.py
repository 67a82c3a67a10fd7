"""日程の変更 on the manage page: another date of the programme, chosen and taken in one step."""

from __future__ import annotations

import pytest

from booking.models import Reservation, ReservationStatus
from events.models import Session
from tests.factories import another_date, book

pytestmark = pytest.mark.django_db


def manage_url(result) -> str:
    return f"/manage/{result.reservation.code}/?token={result.token}"


def book_play(session, email):
    return book(session, email=email, children=1, children_ages=[5])


def test_the_page_offers_the_other_dates_and_moves_the_reservation(ja_client, play):
    later = another_date(play, capacity=5)
    result = book_play(play, "a@example.jp")
    page = ja_client.get(manage_url(result), follow=True).content.decode()
    assert "別の日に変更する" in page
    assert f'name="session" value="{later.pk}"' in page
    assert "残り5席" in page

    response = ja_client.post(manage_url(result), {"action": "move", "session": later.pk})
    assert response.status_code == 302
    page = ja_client.get(manage_url(result), follow=True).content.decode()
    assert "日程を変更しました。" in page
    reservation = Reservation.objects.get()
    assert reservation.session_id == later.pk
    assert reservation.status == ReservationStatus.CONFIRMED


def test_no_other_date_offers_nothing(ja_client, play):
    result = book_play(play, "a@example.jp")
    page = ja_client.get(manage_url(result), follow=True).content.decode()
    assert "別の日に変更する" not in page


def test_a_date_that_filled_meanwhile_says_so_and_keeps_the_reservation(ja_client, play):
    later = another_date(play, capacity=1)
    result = book_play(play, "a@example.jp")
    ja_client.get(manage_url(result), follow=True)
    book_play(later, "b@example.jp")  # the last seat goes before the parent presses
    response = ja_client.post(manage_url(result), {"action": "move", "session": later.pk})
    assert response.status_code == 409
    assert "満席" in response.content.decode()
    assert Reservation.objects.get(email="a@example.jp").session_id == play.pk


@pytest.mark.parametrize("value", ["", "abc", "99999999", "１２", "1" * 30])
def test_a_choice_that_is_no_date_of_the_programme_is_refused(ja_client, play, value):
    result = book_play(play, "a@example.jp")
    ja_client.get(manage_url(result), follow=True)
    response = ja_client.post(manage_url(result), {"action": "move", "session": value})
    assert response.status_code == 400
    assert "同じ事業の別の日を選んでください。" in response.content.decode()
    assert Reservation.objects.get().session_id == play.pk


def test_a_party_waiting_for_a_full_date_takes_seats_on_another_and_leaves_the_list(
    ja_client, play
):
    Session.objects.filter(pk=play.pk).update(capacity=2)
    later = another_date(play, capacity=5)
    book_play(play, "holder@example.jp")
    result = book_play(play, "a@example.jp")
    assert result.reservation.status == ReservationStatus.WAITLISTED
    page = ja_client.get(manage_url(result), follow=True).content.decode()
    assert "別の日に変更する" in page
    assert "この日のキャンセル待ちの登録はなくなります。" in page
    assert "今の日の席は、キャンセル待ちの方に回ります。" not in page

    response = ja_client.post(manage_url(result), {"action": "move", "session": later.pk})
    assert response.status_code == 302
    moved = Reservation.objects.get(email="a@example.jp")
    assert (moved.session_id, moved.status) == (later.pk, ReservationStatus.CONFIRMED)
    play.refresh_from_db()
    assert play.waitlist_taken == 0
