"""Issue 21 (parents): a party larger than the seats left, dates, names, the port and the icon."""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_seat_left(maternity):
    """マタニティ交流会 with 1 seat left: 2 adults would not fit, the waiting list is open."""
    maternity.capacity = 1
    maternity.save(update_fields=["capacity"])
    return maternity


def due() -> str:
    return (timezone.localdate() + timedelta(days=90)).isoformat()


def test_the_form_says_before_sending_that_a_larger_party_goes_on_the_waiting_list(
    ja_client, one_seat_left
):
    html = ja_client.get(f"/sessions/{one_seat_left.pk}/reserve/").content.decode()
    assert "残り1席です。2人以上では満席のため、キャンセル待ちになります。" in html
    assert 'name="join_waitlist"' in html
    assert "人数分の席がない場合は、キャンセル待ちに登録する" in html


def test_a_larger_party_is_not_waitlisted_without_the_parent_choosing_it(ja_client, one_seat_left):
    response, _ = fill(ja_client, one_seat_left, adults="2", due_date=due())
    html = response.content.decode()
    assert response.status_code == 400
    assert "残り1席です。2人では満席のため、キャンセル待ちになります。人数を減らすか" in html
    # The summary gives the checkbox's message alone: its label is a sentence of its own, and
    # 「…キャンセル待ちに登録する：残り1席です。」 read as one.
    assert '<a href="#id_join_waitlist">残り1席です。2人では満席のため' in html
    assert "キャンセル待ちに登録する：" not in html
    assert Reservation.objects.count() == 0


def test_a_party_too_large_and_a_wrong_due_date_are_said_in_one_answer(ja_client, one_seat_left):
    # The due date was only judged once the parent had fixed the party and sent again.
    past = (timezone.localdate() - timedelta(days=30)).isoformat()
    response, _ = fill(ja_client, one_seat_left, adults="2", due_date=past)
    html = response.content.decode()
    assert response.status_code == 400
    assert "残り1席です。2人では満席のため" in html
    assert "出産前の方が対象です。出産予定日をご確認ください。" in html
    assert Reservation.objects.count() == 0


def test_punctuation_around_japanese_is_full_width(ja_client, one_seat_left):
    """Half-width ( ) and : inside Japanese text look like a typo to a parent."""
    one_seat_left.program.party_counting = "adults_only"
    one_seat_left.program.save(update_fields=["party_counting"])
    html = ja_client.get(f"/sessions/{one_seat_left.pk}/").content.decode()
    assert "1人（大人の人数で数えます）" in html
    assert " (大人" not in html


def test_a_parent_who_reduces_the_party_is_confirmed(ja_client, one_seat_left):
    response, _ = fill(ja_client, one_seat_left, adults="1", due_date=due())
    assert response.status_code == 303
    assert Reservation.objects.get().status == ReservationStatus.CONFIRMED


def test_a_parent_who_ticks_the_box_joins_the_waiting_list_knowingly(ja_client, one_seat_left):
    response, _ = fill(ja_client, one_seat_left, adults="2", due_date=due(), join_waitlist="on")
    assert response.status_code == 303
    assert Reservation.objects.get().status == ReservationStatus.WAITLISTED


def test_a_session_with_room_for_any_party_asks_nothing_more(ja_client, maternity):
    html = ja_client.get(f"/sessions/{maternity.pk}/reserve/").content.decode()
    assert 'name="join_waitlist"' not in html


def test_the_api_keeps_waitlisting_a_party_too_large_for_the_seats_left(one_seat_left):
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/reservations/",
        {
            "session": one_seat_left.pk,
            "adults": 2,
            "due_date": due(),
            "name": "山田 花子",
            "email": "hanako@example.jp",
            "consent": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "waitlisted"


def test_pages_write_times_with_a_wave_dash_that_never_wraps(ja_client, play):
    html = ja_client.get(f"/sessions/{play.pk}/").content.decode()
    start = timezone.localtime(play.start)
    end = timezone.localtime(play.end)
    assert f'<span class="nowrap">{start:%H:%M}〜{end:%H:%M}</span>' in html


def test_the_emails_write_dates_parties_and_the_site_name_as_the_pages_do(ja_client, play):
    from django.core import mail

    from notifications.delivery import deliver_batch, dispatch_due

    page = ja_client.get("/").content.decode()
    response, _ = fill(ja_client, play, child_age_1="6")
    assert response.status_code == 303
    dispatch_due(send_batch=lambda ids, token: deliver_batch(ids, token=token))
    message = mail.outbox[-1]
    start, end = timezone.localtime(play.start), timezone.localtime(play.end)
    assert f"{start:%H:%M}〜{end:%H:%M}" in message.body
    assert "大人1人" in message.body and "名" not in message.body.split("参加人数")[1][:20]
    [(html, _type)] = [a for a in message.alternatives if a[1] == "text/html"]
    times = f'<span style="white-space:nowrap">{start:%H:%M}〜{end:%H:%M}</span>'
    assert times in html  # a phone's mail app never breaks 15:30〜/16:30
    assert "子育てイベント予約" in page


def test_emails_without_a_facility_sign_with_the_name_the_pages_carry():
    from notifications.wording import site_name

    # The pages' header name ("Child-care events" in the catalogues), in the email's language.
    assert site_name("ja") == "子育てイベント予約"
    assert site_name("en") == "Child-care events"
    assert site_name("ko") not in ("子育てイベント予約", "Child-care events")


def test_make_run_points_email_links_at_the_port_it_serves(tmp_path):
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    # A virtualenv of its own, marked installed, so the real .venv is never touched.
    (tmp_path / ".installed").touch()
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "MAKEFLAGS", "MFLAGS"}}
    run = [
        "make", "-s", "--no-print-directory", "-C", str(settings.BASE_DIR),
        "run", "PORT=8123", f"BIN={tmp_path}", f"VENV={tmp_path}",
    ]  # fmt: skip
    out = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60).stdout
    assert "SITE_URL=http://127.0.0.1:8123" in out and ":8000" not in out
    env["SITE_URL"] = "https://kosodate.example.jp"
    out = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60).stdout
    assert "SITE_URL=https://kosodate.example.jp" in out and "8123" not in out.split("Serving")[0]


def test_the_site_has_a_favicon(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert Path(settings.BASE_DIR, "static", "favicon.svg").read_text().startswith("<svg")


def test_seats_taken_while_the_form_is_sent_never_waitlist_a_party_unasked(
    ja_client, one_seat_left, monkeypatch
):
    from django import forms

    from parents.forms import ReservationForm

    # The form's check passed (the seats were still free then); the booking finds them gone.
    monkeypatch.setattr(ReservationForm, "clean", forms.Form.clean)
    response, _ = fill(ja_client, one_seat_left, adults="2", due_date=due())
    assert response.status_code == 400
    html = response.content.decode()
    assert "送信の間に残りの席が埋まりました。人数を減らすか" in html
    assert Reservation.objects.count() == 0
    one_seat_left.refresh_from_db()
    assert one_seat_left.seats_taken == 0
    from notifications.models import Notification

    assert not Notification.objects.exists()  # no waiting-list email either


def test_a_lottery_says_when_the_result_comes(ja_client, lottery):
    # "After the draw" left a parent guessing when: the draw runs when applications close.
    html = ja_client.get(f"/sessions/{lottery.pk}/reserve/").content.decode()
    assert "締切後に抽選を行い、申し込んだ全員に結果をメールでお知らせします。" in html
