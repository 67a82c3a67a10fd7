"""The audit log (操作履歴) in the desk's words: every key a service writes has a Japanese label,
a session's status reads 開催予定 → 中止 (not "scheduled → キャンセル"), a reservation's as the
roster names it, yes and no as はい / いいえ, dates as the desk writes them, a place by its
name, and a phone booking's "override" and a walk-in's "over_capacity" under the one label
予約の条件の例外. No key of the list below ever appears on the page, and a key a service may write
later reads その他, never as itself.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation, ReservationStatus
from booking.rules import Contact, Party
from events.models import Session, StaffRole
from staffdesk.models import StaffActionKind
from staffdesk.services import (
    capacity_change,
    check_in,
    export_record,
    lottery_draw_now,
    lottery_win_confirm,
    no_shows_mark,
    phone_booking_create,
    session_cancel,
    session_move,
    staff_action_record,
    waitlist_promote_by_hand,
    walk_in_add,
)
from tests.factories import FacilityFactory, ProgramFactory, book, lottery_session, staff_user
from tests.staff.conftest import book_before, page_client, started_session

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
# Every key the services write in an entry's before / after (grep "before=" and "after=" in
# staffdesk, schedule and the catalogue's API):
SERVICE_KEYS = {
    # staffdesk.services.sessions: a session's facts, a move, a cancellation
    "start",
    "end",
    "facility",
    "status",
    "sequence",
    "message",
    "live_reservations",
    "cancelled_reservations",
    # capacity_change
    "capacity",
    "children_capacity",
    "childcare_capacity",
    "seats_taken",
    "promoted",
    # lottery_draw_now and the draw API
    "registration_closes",
    "applications",
    "seed",
    "winners",
    "drawn",
    # phone_booking_create, walk_in_add
    "code",
    "adults",
    "children",
    "override",
    "over_capacity",
    # staffdesk.services.party_changes: a party changed or cancelled by staff
    "children_ages",
    "childcare",
    # check_in, no_shows_mark
    "attendance",
    "expected",
    "no_show",
    "count",
    # lottery_win_confirm
    "confirm_by",
    # export_record (a roster's CSV, a date range)
    "what",
    "rows",
    "from",
    "to",
    # the sessions API's create and change (SessionWriteSerializer's fields)
    "program",
    "course",
    "title",
    "waitlist_limit",
    "registration_opens",
    "cancellation_deadline",
    # schedule (series, month copy) and privacy requests: facility-wide entries
    "series",
    "sessions",
    "first",
    "last",
    "start_time",
    "end_time",
    "reservations",
    "erased",
    "links_ended",
}


def entries_text(client, session) -> str:
    """The visible text of the page's entries (the header's "English" link left out)."""
    html = client.get(f"/staff/sessions/{session.pk}/audit/", **JA).content.decode()
    html = html[html.index('<ol class="audit-entries">') : html.index("</ol>")]
    html = re.sub(r"</?(?:p|dl|dt|dd|li|br)\b[^>]*>", " ", html)  # blocks apart, inline joined
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def raw_keys(text: str) -> list[str]:
    return [
        key
        for key in sorted(SERVICE_KEYS)
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(key)}(?![A-Za-z0-9_])", text)
    ]


@pytest.fixture
def desk(db):
    facility = FacilityFactory(name="すこやか子育て交流館", slug="audit-words")
    staff = staff_user(facility, StaffRole.MANAGER, username="walks@example.jp")
    session = started_session(facility=facility, program=ProgramFactory(title="親子ふれあい遊び"))
    Session.objects.filter(pk=session.pk).update(capacity=2)
    session.refresh_from_db()
    return facility, staff, session


def test_a_days_actions_read_in_the_desks_words(desk):
    facility, staff, session = desk
    came = book_before(session, email="a@example.jp", name="鈴木 美咲").reservation
    book_before(session, email="b@example.jp", name="佐藤 花")
    waiting = book_before(session, email="w1@example.jp", name="待機 一").reservation
    assert waiting.status == ReservationStatus.WAITLISTED
    phone_booking_create(
        session=session,
        by=staff,
        party=Party(adults=1),
        contact=Contact(
            email="", name="電話 花子", name_kana="でんわ はなこ", phone="090-1234-5678"
        ),
        override_reason="受付終了後の電話",
    )
    walk_in_add(
        session=session,
        by=staff,
        party=Party(adults=1),
        contact=Contact(email="", name="当日 太郎"),
        override_reason="満席だが来館済み",
    )
    check_in(session=session, reservation=came, by=staff)
    check_in(session=session, reservation=came, by=staff, attended=False)
    check_in(session=session, reservation=came, by=staff)
    session.refresh_from_db()
    capacity_change(session=session, by=staff, capacity=session.seats_taken + 1, reason="増席")
    Session.objects.filter(pk=session.pk).update(capacity=session.capacity + 10)
    session.refresh_from_db()
    waitlist_promote_by_hand(session=session, reservation=waiting, by=staff, reason="保健師の依頼")
    no_shows_mark(session=session, by=staff)
    export_record(by=staff, what="roster", rows=6, session=session)
    tomorrow = timezone.localtime() + timedelta(days=1)
    session_move(
        session=session,
        by=staff,
        start=tomorrow,
        end=tomorrow + timedelta(hours=1),
        reason="講師の都合",
        message="ご迷惑をおかけします。",
    )
    session.refresh_from_db()
    book_before(session, email="late@example.jp", name="高橋 陽菜")
    session_cancel(session=session, by=staff, reason="台風接近のため中止します。")

    client = page_client(staff)
    text = entries_text(client, session)
    assert raw_keys(text) == []
    # The session's status by its names, a reservation's as the roster names them.
    assert "開催状況 開催予定 → 中止" in text
    assert "予約状況 キャンセル待ち → 予約確定" in text
    assert "出欠 未受付 → 出席" in text and "出欠 出席 → 未受付" in text
    # One label for the one idea, with はい; a full-width colon after the staff member.
    assert text.count("予約の条件の例外 はい") == 2
    assert "定員超過" not in text and "override" not in text
    assert "walks@example.jp：電話予約" in text and "walks@example.jp:" not in text
    # Figures and codes under their words; dates as the desk writes them.
    assert "大人 1" in text and "予約番号" in text and "繰り上げ" in text
    assert "未受付" in text and "欠席" in text and "件数 6" in text
    assert "中止前の予約" in text and "キャンセルした組数" in text
    moment = r"\d{4}年\d+月\d+日（.）\d\d:\d\d"
    assert re.search(rf"開始 {moment} → {moment}", text)
    assert "scheduled" not in text and "cancelled" not in text


def test_a_lotterys_draw_and_a_confirmed_win(desk):
    facility, staff, _session = desk
    lottery = lottery_session(facility, 4)
    won = book(lottery, email="lot@example.jp", name="鈴木 美咲").reservation
    lottery_draw_now(session=lottery, by=staff)
    lottery.refresh_from_db()
    lottery_win_confirm(session=lottery, reservation=won, by=staff, note="電話で確認")
    text = entries_text(page_client(staff), lottery)
    assert raw_keys(text) == []
    assert "乱数シード" in text and "当選組数 1" in text and "申込数 1" in text
    assert "抽選対象の組数 1" in text and "受付終了" in text
    assert re.search(r"当選の確定期限 \d{4}年\d+月\d+日（.）\d\d:\d\d", text)
    assert "予約状況 当選 → 予約確定" in text


def test_every_key_a_service_writes_has_a_label(desk):
    facility, staff, session = desk
    other = FacilityFactory(name="親子つどいの広場（東）", slug="tsudoi-east-audit")
    values = {key: f"値{i}" for i, key in enumerate(sorted(SERVICE_KEYS))}
    values.update({"facility": other.slug, "status": "scheduled", "attendance": "expected"})
    values["children_ages"] = [14, 30]
    staff_action_record(
        by=staff,
        kind=StaffActionKind.SESSION_UPDATE,
        session=session,
        before={key: "—" for key in SERVICE_KEYS} | {"facility": facility.slug},
        after=values,
    )
    staff_action_record(
        by=staff,
        kind=StaffActionKind.EXPORT,
        session=session,
        after={"what": "roster", "rows": 3, "a_key_added_later": 1},
    )
    text = entries_text(page_client(staff), session)
    assert raw_keys(text) == []
    assert "a_key_added_later" not in text and "その他 1" in text
    # A place by its name, never its slug; the session's own status by its name.
    assert "施設 すこやか子育て交流館 → 親子つどいの広場（東）" in text
    assert "開催状況 — → 開催予定" in text
    assert "子どもの月齢 — → 1歳2か月、2歳6か月" in text
    assert Reservation.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 768])
def test_the_log_fits_a_phone_and_a_tablet(browser, live_server, width):
    from pathlib import Path

    from tests.browser import axe_violations
    from tests.staff.browser_pages import log_in, tablet

    facility = FacilityFactory(name="すこやか子育て交流館", slug=f"audit-{width}")
    staff = staff_user(facility, StaffRole.MANAGER, username=f"walks{width}@example.jp")
    session = started_session(facility=facility, program=ProgramFactory(title="親子ふれあい遊び"))
    phone_booking_create(
        session=session,
        by=staff,
        party=Party(adults=1, children=1),
        contact=Contact(email="", name="電話 花子", name_kana="でんわ はなこ", phone="0598-1-2222"),
        override_reason="受付終了後の電話",
    )
    tomorrow = timezone.localtime() + timedelta(days=1)
    session_move(
        session=session, by=staff, start=tomorrow, end=tomorrow + timedelta(hours=1), reason="都合"
    )
    session.refresh_from_db()
    session_cancel(session=session, by=staff, reason="台風接近のため中止します。")
    page = tablet(browser, viewport={"width": width, "height": 900})
    log_in(page, live_server.url, staff.username, f"/staff/sessions/{session.pk}/audit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    Path("/tmp/words").mkdir(exist_ok=True)
    page.screenshot(path=f"/tmp/words/audit-{width}.png", full_page=True)
