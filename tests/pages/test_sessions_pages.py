"""The sessions list (home page) and a session's page, through Django's test client."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from booking.models import LotteryDraw, Reservation
from booking.services import booking_phase, lottery_draw
from events.models import BookingMode, SessionStatus
from events.templatetags.parent_pages import span
from parents.availability import Badge, few_seats_threshold, session_availability, session_phase
from tests.factories import FacilityFactory, SessionFactory, book
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def next_saturday(days_ahead: int = 14) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    day += timedelta(days=(5 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=TOKYO)


def test_home_page_is_the_sessions_list(ja_client, play):
    response = ja_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "イベント一覧" in html
    assert "親子ふれあい遊び（0〜1歳）" in html
    assert f'href="/sessions/{play.pk}/reserve/"' in html


def test_list_shows_a_badge_for_each_kind_of_availability(ja_client, hub):
    few = SessionFactory(facility=hub, program__title="残りわずかの回", capacity=10)
    few.seats_taken = 10 - few_seats_threshold(10)
    few.save()
    waitlist = SessionFactory(facility=hub, program__title="キャンセル待ちの回", capacity=5)
    waitlist.seats_taken = 5
    waitlist.save()
    full = SessionFactory(
        facility=hub, program__title="満席の回", program__waitlist_enabled=False, capacity=5
    )
    full.seats_taken = 5
    full.save()
    SessionFactory(
        facility=hub, program__title="抽選の回", program__booking_mode=BookingMode.LOTTERY
    )
    SessionFactory(facility=hub, program__title="中止の回", status=SessionStatus.CANCELLED)
    SessionFactory(
        facility=hub,
        program__title="受付前の回",
        registration_opens=timezone.now() + timedelta(days=1),
    )
    past = timezone.now() - timedelta(days=2)
    SessionFactory(
        facility=hub,
        program__title="終わった回",
        start=past,
        end=past + timedelta(hours=1),
        registration_opens=past - timedelta(days=10),
        registration_closes=past - timedelta(days=1),
        cancellation_deadline=past - timedelta(days=1),
    )

    page = ja_client.get("/").content.decode()
    html = page[page.index('<ul class="cards">') :]  # not the filter's options

    def card(title: str) -> str:
        start = html.index(title)
        return html[start : html.index("</li>", start)]

    assert "残りわずか" in card("残りわずかの回")
    assert f"残り{few_seats_threshold(10)}席" in card("残りわずかの回")
    assert "キャンセル待ち受付中" in card("キャンセル待ちの回")
    assert "キャンセル待ちに登録する" in card("キャンセル待ちの回")
    assert "満席" in card("満席の回") and "reserve/" not in card("満席の回")
    assert "抽選" in card("抽選の回") and "抽選に申し込む" in card("抽選の回")
    assert "中止" in card("中止の回") and "reserve/" not in card("中止の回")
    assert "受付開始前" in card("受付前の回")
    assert "終わった回" not in html


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("facility=north", "北の回", "南の回"),
        ("program=south-prog", "南の回", "北の回"),
        ("audience=fathers", "南の回", "北の回"),
        ("has_seats=1", "北の回", "南の回"),
    ],
)
def test_list_filters(ja_client, query, shown, hidden):
    north = SessionFactory(facility__slug="north", program__title="北の回")
    south = SessionFactory(
        facility__slug="south",
        program__title="南の回",
        program__slug="south-prog",
        program__audience="fathers",
        capacity=3,
    )
    south.seats_taken = 3
    south.save()
    assert north.seats_left and not south.seats_left

    page = ja_client.get(f"/?{query}").content.decode()
    html = page[page.index('<ul class="cards">') :]

    assert shown in html
    assert hidden not in html
    assert "条件をクリア" in page


def test_list_filters_by_day(ja_client):
    soon = SessionFactory(program__title="近い回")
    SessionFactory(
        program__title="遠い回",
        start=soon.start + timedelta(days=20),
        end=soon.start + timedelta(days=20, hours=1),
    )
    day = timezone.localtime(soon.start + timedelta(days=10)).date()

    page = ja_client.get(f"/?date_from={day.isoformat()}").content.decode()
    html = page[page.index('<ul class="cards">') :]

    assert "遠い回" in html and "近い回" not in html


def test_list_explains_filters_it_could_not_read(ja_client, play):
    response = ja_client.get("/?facility=nowhere&date_from=yesterday")
    html = response.content.decode()
    assert response.status_code == 200
    assert "一部の条件を読み取れなかった" in html
    assert "親子ふれあい遊び" in html  # the unreadable filters are left out


def test_list_is_paginated(ja_client, hub):
    start = timezone.now() + timedelta(days=3)
    for n in range(25):
        SessionFactory(
            facility=hub,
            program__title=f"回{n:02d}",
            start=start + timedelta(hours=n),
            end=start + timedelta(hours=n, minutes=30),
            registration_closes=start - timedelta(hours=1),
            cancellation_deadline=start - timedelta(hours=1),
        )
    first = ja_client.get("/").content.decode().split('<ul class="cards">')[1]
    second = ja_client.get("/?page=2").content.decode().split('<ul class="cards">')[1]
    assert "25件" in ja_client.get("/").content.decode()
    assert "回00" in first and "回19" in first and "回20" not in first
    assert "回24" in second and "回00" not in second
    assert "1 / 2ページ" in first and 'rel="next"' in first


def test_session_page_tells_a_parent_everything_needed(ja_client, play):
    play.program.what_to_bring = "バスタオル、飲み物"
    play.program.save()
    html = ja_client.get(f"/sessions/{play.pk}/").content.decode()

    assert "手遊びやふれあい遊びを親子で楽しみます。" in html  # description
    assert "対象年齢のお子さんの保護者" in html  # audience
    assert "0か月〜1歳" in html  # age band
    assert "バスタオル、飲み物" in html  # what to bring
    assert "市電「市役所前」から徒歩3分" in html  # access
    assert "あり（定員3人、残り3人）" in html  # childcare
    assert "申込期間" in html and "キャンセル期限" in html
    assert span(play) in html
    assert "残り10席" in html
    assert "0〜1歳のお子さんと保護者が対象です。" in html  # eligibility
    assert f'href="/calendar/sessions/{play.pk}.ics"' in html
    assert 'href="webcal://testserver/calendar/programs/play-0-1.ics"' in html
    assert 'href="webcal://testserver/calendar/facilities/hub.ics"' in html
    assert f'href="/sessions/{play.pk}/reserve/"' in html


def test_session_page_lists_the_dates_of_a_course(ja_client, spring_course):
    first, second = spring_course
    html = ja_client.get(f"/sessions/{first.pk}/").content.decode()
    assert "全2回の講座です。" in html
    assert span(first) in html and span(second) in html


def test_unknown_session_is_a_friendly_page(ja_client, db):
    response = ja_client.get("/sessions/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "ページが見つかりません" in response.content.decode()


def test_dates_read_the_japanese_way(ja_client, hub):
    start = next_saturday()
    session = SessionFactory(facility=hub, start=start, end=start + timedelta(minutes=90))
    expected = (
        f'{start.year}年{start.month}月{start.day}日（土）<span class="nowrap">10:00〜11:30</span>'
    )
    assert expected in ja_client.get("/").content.decode()
    assert expected in ja_client.get(f"/sessions/{session.pk}/").content.decode()


def test_date_format_of_a_known_day():
    class Stub:
        start = datetime(2026, 12, 5, 10, 0, tzinfo=TOKYO)
        end = datetime(2026, 12, 5, 11, 30, tzinfo=TOKYO)

    from django.utils import translation

    with translation.override("ja"):
        assert span(Stub) == '2026年12月5日（土）<span class="nowrap">10:00〜11:30</span>'
    with translation.override("en"):
        assert span(Stub) == 'Sat 5 Dec 2026, <span class="nowrap">10:00–11:30</span>'


def test_language_switch_on_every_page_turns_the_site_english(client, play):
    pages = ["/", f"/sessions/{play.pk}/", f"/sessions/{play.pk}/reserve/", "/my-reservations/"]
    for url in pages:
        html = unicodedata.normalize("NFC", client.get(url).content.decode())
        assert 'action="/i18n/setlang/"' in html, url
        for code, tag, name in [
            ("ja", "ja", "日本語"),
            ("ja-easy", "ja", "やさしい にほんご"),
            ("en", "en", "English"),
            ("zh-hans", "zh-Hans", "简体中文"),
            ("ko", "ko", "한국어"),
            ("pt-br", "pt-BR", "Português"),
            ("vi", "vi", "Tiếng Việt"),
        ]:
            assert f'<option value="{code}" lang="{tag}"' in html and name in html, url

    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/sessions/{play.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{play.pk}/"

    html = client.get(f"/sessions/{play.pk}/").content.decode()
    assert '<html lang="en">' in html
    assert "Parent and baby play (0-1)" in html
    assert "What to bring" in html and "Reserve" in html
    assert '<option value="en" lang="en" selected>' in html  # the switcher says where we are
    start = timezone.localtime(play.start)
    assert f'{start.day} {start:%b} {start.year}, <span class="nowrap">{start:%H:%M}–' in html


def test_availability_agrees_with_the_booking_rules(hub):
    """The badge reads the same phase that reservation_create will apply."""
    lottery = SessionFactory(facility=hub, program__booking_mode=BookingMode.LOTTERY)
    first_come = SessionFactory(facility=hub)
    now = timezone.now()
    moments = [
        lottery.registration_opens - timedelta(minutes=1),
        now,
        lottery.registration_closes + timedelta(minutes=1),
        lottery.start - timedelta(minutes=30),
    ]
    for session in (lottery, first_come):
        for moment in moments:
            assert session_phase(session, moment) == booking_phase(session.program, session, moment)
    book(lottery, email="a@example.jp")
    lottery_draw(session=lottery, seed="s")
    lottery = type(lottery).objects.select_related("program", "lottery_draw").get(pk=lottery.pk)
    draw = LotteryDraw.objects.get(session=lottery)
    after = (draw.confirmation_deadline or draw.drawn_at) + timedelta(minutes=1)
    for moment in [*moments, after]:
        assert session_phase(lottery, moment) == booking_phase(lottery.program, lottery, moment)
    assert session_availability(first_come, now).badge == Badge.OPEN


def test_a_facility_without_sessions_is_still_offered_as_filter(ja_client, db):
    FacilityFactory(name="北部子育て支援センター", slug="kita")
    html = ja_client.get("/").content.decode()
    assert '<option value="kita">北部子育て支援センター</option>' in html
    assert "条件に合うイベントはありません" in html


def test_the_first_visit_follows_accept_language_and_the_choice_is_remembered(client, play):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="ko">' in html

    assert '<html lang="zh-Hans">' in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    answer = client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert answer.cookies["django_language"].value == "vi"
    assert int(answer.cookies["django_language"]["max-age"]) >= 365 * 24 * 60 * 60
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="vi">' in html  # the cookie wins over the browser's language


def test_a_reservation_keeps_the_language_of_the_page_it_was_made_on(client, play):
    client.post("/i18n/setlang/", {"language": "pt-br", "next": "/"})
    answer, _ = fill(client, play, child_age_1="4")
    assert answer.status_code == 303
    assert Reservation.objects.get().language == "pt-br"
