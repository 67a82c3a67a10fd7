"""The manage page (from the emailed link) and "my reservations", through the test client."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from booking.links import MY_RESERVATIONS_MAX_AGE, my_reservations_link_issue
from booking.models import MyReservationsLink, Reservation, ReservationStatus
from booking.services import lottery_draw
from events.templatetags.parent_pages import when
from notifications.models import Notification, NotificationKind
from tests.factories import SessionFactory, book
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def manage_url(result) -> str:
    return f"/manage/{result.reservation.code}/?token={result.token}"


def test_the_manage_page_shows_the_reservation_to_the_token_holder(ja_client, play):
    result = book(
        play,
        adults=1,
        children=1,
        children_ages=[5],
        email="a@example.jp",
        name_kana="やまだ はなこ",
    )
    response = ja_client.get(manage_url(result), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "予約が確定しました" in html
    assert f'<p class="code">{result.reservation.code}</p>' in html
    assert "大人1人、子ども1人（5か月）" in re.sub(r"<[^>]+>", "", html)  # each age kept whole
    # The ふりがな the parent typed, to check it as the desk will read it.
    assert '<dt>ふりがな</dt><dd lang="ja">やまだ はなこ</dd>' in html
    assert "人数を変更する" in html and "予約をキャンセルする" in html
    assert f'href="/calendar/sessions/{play.pk}.ics"' in html


def test_the_pages_after_booking_say_until_when_it_can_be_cancelled(ja_client, tiny):
    """The confirmation email said キャンセル期限; the page a parent sees after booking, and the
    reservation's page, did not. A party on the waiting list holds no seat and may leave it
    until the start: no deadline for it."""
    seated = book(tiny, adults=1, email="a@example.jp")
    waiting = book(tiny, adults=1, email="b@example.jp")
    assert waiting.reservation.status == ReservationStatus.WAITLISTED
    deadline = f"<dt>キャンセル期限</dt><dd>{when(tiny.cancellation_deadline)}</dd>"
    for result, shown in ((seated, True), (waiting, False)):
        manage = ja_client.get(manage_url(result), follow=True)
        after = ja_client.get(f"/reservations/{result.reservation.code}/")
        for page in (manage, after):
            assert page.status_code == 200
            assert (deadline in page.content.decode()) is shown, page.request["PATH_INFO"]


def test_a_wrong_token_opens_nothing(ja_client, play):
    result = book(play, children=1, children_ages=[5])
    for url in [
        f"/manage/{result.reservation.code}/?token=wrong",
        f"/manage/{result.reservation.code}/",
        f"/manage/NOP-E123/?token={result.token}",
    ]:
        response = ja_client.get(url, follow=True)
        assert response.status_code == 404, url
        assert "このリンクは無効です。" in response.content.decode()
        assert "山田 花子" not in response.content.decode()
        assert "予約番号" not in response.content.decode()


def test_the_party_can_grow_only_into_the_seats_left(ja_client, hub):
    session = SessionFactory(
        facility=hub, capacity=4, program__max_adults=2, program__max_children=3
    )
    result = book(session, adults=1, children=1)  # 2 of 4 seats
    url = manage_url(result)

    too_big = ja_client.post(url, {"action": "party", "party-adults": "2", "party-children": "3"})
    html = too_big.content.decode()
    assert too_big.status_code == 409
    assert "残りの席数を超えるため、この人数には変更できません。" in html
    assert "あと2席空いています。" in html

    fits = ja_client.post(url, {"action": "party", "party-adults": "2", "party-children": "2"})
    assert fits.status_code == 302 and fits["Location"] == url
    page = ja_client.get(url, follow=True).content.decode()
    assert "人数を変更しました。" in page
    assert "大人2人、子ども2人" in page
    session.refresh_from_db()
    assert session.seats_taken == 4


def test_changing_the_party_checks_the_programme_rules(ja_client, play):
    result = book(play, adults=1, children=1, children_ages=[5])
    response = ja_client.post(
        manage_url(result),
        {"action": "party", "party-adults": "1", "party-childcare": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<ul class="errorlist" id="id_party-child_age_1_error">' in html
    assert Reservation.objects.get().children == 1


def test_a_parent_cancels_before_the_deadline_and_the_seat_is_freed(ja_client, tiny):
    first = book(tiny, email="first@example.jp")
    waiting = book(tiny, email="second@example.jp")
    assert waiting.reservation.status == ReservationStatus.WAITLISTED

    response = ja_client.post(manage_url(first), {"action": "cancel"})
    assert response.status_code == 302
    page = ja_client.get(manage_url(first), follow=True).content.decode()
    assert "予約をキャンセルしました。" in page
    assert "この予約はキャンセルされています" in page
    assert "予約をキャンセルする" not in page
    first.reservation.refresh_from_db()
    waiting.reservation.refresh_from_db()
    assert first.reservation.status == ReservationStatus.CANCELLED
    assert waiting.reservation.status == ReservationStatus.CONFIRMED  # promoted


def test_after_the_deadline_the_page_offers_a_phone_number_instead(ja_client, hub):
    now = timezone.now()
    session = SessionFactory(
        facility=hub,
        start=now + timedelta(hours=5),
        end=now + timedelta(hours=6),
        registration_opens=now - timedelta(days=5),
        registration_closes=now + timedelta(hours=1),
        cancellation_deadline=now + timedelta(hours=1),
    )
    result = book(session)
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        page = ja_client.get(manage_url(result), follow=True).content.decode()
        refused = ja_client.post(manage_url(result), {"action": "cancel"})
    assert "予約をキャンセルする" not in page
    assert "オンラインでの変更・キャンセルは" in page and "099-000-0001" in page
    assert refused.status_code == 409
    assert "キャンセル期限を過ぎています。" in refused.content.decode()
    result.reservation.refresh_from_db()
    assert result.reservation.status == ReservationStatus.CONFIRMED


def test_a_lottery_winner_confirms_the_place(ja_client, lottery):
    response, _ = fill(ja_client, lottery, children="0")
    manage = response["Location"].replace("/reservations/", "/manage/")
    lottery_draw(session=lottery, seed="fixed")
    page = ja_client.get(manage, follow=True).content.decode()
    assert "抽選に当選しました" in page and "参加を確定する" in page

    confirmed = ja_client.post(manage, {"action": "confirm"})
    assert confirmed.status_code == 302
    page = ja_client.get(manage, follow=True).content.decode()
    assert "参加が確定しました。当日お待ちしています。" in page
    assert Reservation.objects.get().status == ReservationStatus.CONFIRMED


def test_the_private_calendar_link_is_given_on_the_manage_page(ja_client, play):
    result = book(play, children=1, children_ages=[5], email="cal@example.jp")
    response = ja_client.post(manage_url(result), {"action": "feed"})
    html = response.content.decode()
    assert response.status_code == 200
    webcal = re.search(r'href="(webcal://[^"]+/calendar/private/([^"/]+)\.ics)"', html)
    assert webcal, html
    feed = ja_client.get(f"/calendar/private/{webcal.group(2)}.ics", follow=True)
    assert feed.status_code == 200
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and f"session-{play.pk}@" in body


def test_the_manage_page_can_stop_the_old_calendar_links(ja_client, play):
    result = book(play, children=1, children_ages=[5], email="cal@example.jp")
    feed_token = re.compile(r'href="webcal://[^"]+/calendar/private/([^"/]+)\.ics"')

    def ask(action: str) -> tuple[str, str]:
        response = ja_client.post(manage_url(result), {"action": action})
        assert response.status_code == 200
        html = response.content.decode()
        return feed_token.search(html).group(1), html

    first, _ = ask("feed")
    second, _ = ask("feed")  # asking again: both work
    assert ja_client.get(f"/calendar/private/{first}.ics", follow=True).status_code == 200
    assert ja_client.get(f"/calendar/private/{second}.ics", follow=True).status_code == 200

    page = ja_client.get(manage_url(result), follow=True).content.decode()
    assert "古いカレンダーのリンクを無効にする" in page
    fresh, html = ask("feed_rotate")
    assert "これまでのカレンダーのリンクは使えなくなりました" in html
    for old in (first, second):
        assert ja_client.get(f"/calendar/private/{old}.ics", follow=True).status_code == 404
    assert ja_client.get(f"/calendar/private/{fresh}.ics", follow=True).status_code == 200
    # Without the reservation's token, nothing happens.
    code = result.reservation.code
    stranger = ja_client.post(f"/manage/{code}/?token=guess", {"action": "feed_rotate"})
    assert stranger.status_code == 404
    assert ja_client.get(f"/calendar/private/{fresh}.ics", follow=True).status_code == 200


def details_holding(html: str, action: str) -> str:
    """The <details> (a disclosure the parent opens with a first tap) around an action's form."""
    at = html.index(f'name="action" value="{action}"')
    start = html.rindex("<details", 0, at)
    assert "</details>" not in html[start:at], f"{action} is not inside a <details>"
    return html[start : html.index("</details>", at)]


def test_the_page_link_has_its_own_section_apart_from_the_calendar(ja_client, play):
    html = ja_client.get(
        manage_url(book(play, children=1, children_ages=[6], email="sec@example.jp")), follow=True
    )
    html = html.content.decode()
    calendar = html.index("<h2>カレンダー</h2>")
    own = html.index("<h2>このページのリンク</h2>")
    assert calendar < html.index('value="feed_rotate"') < own
    assert own < html.index('value="links_replace"')
    section = html[own:]
    assert "メールを転送した場合や、スマートフォンを家族などと共用している場合" in section


def test_both_link_stops_ask_first_without_javascript(ja_client, play):
    """As the cancellation does: a first tap opens the box that says what happens, the second
    sends it; a <details> needs no script."""
    html = ja_client.get(
        manage_url(book(play, children=1, children_ages=[6], email="ask@example.jp")), follow=True
    )
    html = html.content.decode()
    assert 'value="cancel"' in details_holding(html, "cancel")
    rotate = details_holding(html, "feed_rotate")
    assert "<summary>古いカレンダーのリンクを無効にする</summary>" in rotate
    assert "古いリンクで登録したカレンダーアプリは更新されなくなります。" in rotate
    assert ">古いカレンダーのリンクの無効化を確定する</button>" in rotate
    replace = details_holding(html, "links_replace")
    summary = "このページのリンクを無効にして、新しいリンクをメールで受け取る"
    assert f"<summary>{summary}</summary>" in replace
    assert "このページのリンクは、すぐに使えなくなります。" in replace
    assert ">このページのリンクの無効化を確定する</button>" in replace
    assert "<details" in html and " open" not in replace.split(">")[0]


def test_my_reservations_answers_the_same_for_known_and_unknown_addresses(ja_client, play):
    book(play, children=1, children_ages=[5], email="known@example.jp")
    known = ja_client.post("/my-reservations/", {"email": "known@example.jp"})
    unknown = ja_client.post("/my-reservations/", {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == unknown["Location"] == "/my-reservations/sent/"
    pages = [ja_client.get(r["Location"], follow=True).content.decode() for r in (known, unknown)]
    assert CSRF.sub("", pages[0]) == CSRF.sub("", pages[1])

    rows = Notification.objects.filter(kind=NotificationKind.MY_RESERVATIONS).order_by("id")
    assert [r.to_email for r in rows] == ["known@example.jp", "nobody@example.jp"]
    link = rows[0].payload["link_url"]
    assert "/my-reservations/" in link and "known" not in link


def test_the_emailed_link_lists_only_that_address_and_live_reservations(ja_client, play, tiny):
    mine = book(play, children=1, children_ages=[5], email="me@example.jp")
    cancelled = book(tiny, email="me@example.jp")
    from booking.services import reservation_cancel

    reservation_cancel(reservation=cancelled.reservation)
    other = book(tiny, email="other@example.jp")
    key = my_reservations_link_issue(email="ME@example.jp ")

    response = ja_client.get(f"/my-reservations/{key}/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert f"予約番号：{mine.reservation.code}" in html  # the label as every page writes it
    assert cancelled.reservation.code not in html
    assert other.reservation.code not in html
    manage = re.search(rf'href="(/manage/{mine.reservation.code}/\?me=[^"]+)"', html).group(1)
    page = ja_client.get(manage.replace("&amp;", "&"), follow=True)
    assert page.status_code == 200 and "予約内容" in page.content.decode()
    # The key of one address does not open another address's reservation.
    stolen = ja_client.get(f"/manage/{other.reservation.code}/?me={key}", follow=True)
    assert stolen.status_code == 404


def test_the_emailed_link_works_again_and_again_for_24_hours_then_expires(ja_client, play):
    book(play, children=1, children_ages=[5], email="me@example.jp")
    fresh = my_reservations_link_issue(email="me@example.jp")
    day_ago = timezone.now() - MY_RESERVATIONS_MAX_AGE - timedelta(minutes=1)
    old = my_reservations_link_issue(email="me@example.jp", now=day_ago)
    forged = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")

    for _ in range(3):
        assert ja_client.get(f"/my-reservations/{fresh}/", follow=True).status_code == 200
    for key in (old, forged, "not-a-key", "x" * 300):
        response = ja_client.get(f"/my-reservations/{key}/", follow=True)
        assert response.status_code == 410
        assert "リンクの有効期限が切れています" in response.content.decode()
    # Nor does an expired link open a reservation's manage page.
    code = Reservation.objects.get().code
    assert ja_client.get(f"/manage/{code}/?me={fresh}", follow=True).status_code == 200
    assert ja_client.get(f"/manage/{code}/?me={old}", follow=True).status_code == 404


def test_the_emailed_link_holds_no_personal_data_and_only_its_hash_is_stored(ja_client, play):
    book(play, children=1, children_ages=[5], email="hanako.yamada@example.jp")
    ja_client.post("/my-reservations/", {"email": "hanako.yamada@example.jp"})
    link = Notification.objects.get(kind=NotificationKind.MY_RESERVATIONS).payload["link_url"]
    token = re.search(r"/my-reservations/([^/]+)/$", link).group(1)
    assert "hanako" not in link and "example" not in link
    import base64

    padded = token + "=" * (-len(token) % 4)
    assert b"hanako" not in base64.urlsafe_b64decode(padded)
    row = MyReservationsLink.objects.get()
    assert row.email == "hanako.yamada@example.jp" and token not in row.token_hash
    assert timedelta(hours=23) < row.expires_at - timezone.now() <= MY_RESERVATIONS_MAX_AGE
    assert ja_client.get(f"/my-reservations/{token}/", follow=True).status_code == 200


def test_an_unknown_address_gets_an_email_without_a_link_and_no_token_is_kept(ja_client, play):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.emails import render

    book(play, children=1, children_ages=[5], email="known@example.jp")
    with CaptureQueriesContext(connection) as known:
        ja_client.post("/my-reservations/", {"email": "known@example.jp"})
    with CaptureQueriesContext(connection) as unknown:
        ja_client.post("/my-reservations/", {"email": "nobody@example.jp"})
    # The same work but for the one INSERT of the link.
    assert len(known.captured_queries) - len(unknown.captured_queries) == 1
    assert list(MyReservationsLink.objects.values_list("email", flat=True)) == ["known@example.jp"]
    rows = Notification.objects.filter(kind=NotificationKind.MY_RESERVATIONS)
    by_address = {row.to_email: render(row) for row in rows}
    token_link = re.compile(r"/my-reservations/[A-Za-z0-9_-]{20,}/")
    assert token_link.search(by_address["known@example.jp"].text)
    assert token_link.search(by_address["known@example.jp"].html)
    for body in (by_address["nobody@example.jp"].text, by_address["nobody@example.jp"].html):
        assert not token_link.search(body)
        assert "このメールアドレスでのご予約は見つかりませんでした" in body


def test_my_reservations_asks_for_a_valid_address(ja_client, db):
    response = ja_client.post("/my-reservations/", {"email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "メールアドレスを正しく入力してください" in html
    assert Notification.objects.count() == 0


def test_my_reservations_is_rate_limited_per_address(ja_client, db, settings):
    settings.API_THROTTLE_ENABLED = True
    answers = [
        ja_client.post("/my-reservations/", {"email": "spam@example.jp"}).status_code
        for _ in range(6)
    ]
    assert answers == [303] * 5 + [429]
    assert Notification.objects.filter(to_email="spam@example.jp").count() == 5
