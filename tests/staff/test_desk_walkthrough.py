"""What the staff walk-through found on the desk: a cancelled session's roster lists the parties
its cancellation cancelled (those with no email flagged: staff phone them), counts say 組, the
breadcrumb leads back to the session's own day, and a walk-in's message says 様."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import ReservationStatus
from booking.services import reservation_cancel
from staffdesk.services import check_in, session_cancel
from tests.factories import SessionFactory, book, book_by_phone
from tests.staff.conftest import book_before, page_client, started_session

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def row_codes(response) -> list[str]:
    return re.findall(r'<tr id="r-([^"]+)"', response.content.decode())


@pytest.fixture
def called_off(facility_a, manager_a):
    """A session with a party by email, one booked by phone (no email), one that cancelled
    itself before; then the session is cancelled (中止)."""
    session = SessionFactory(facility=facility_a, capacity=60)
    web = book(session, name="山田 花子", email="yamada@example.jp").reservation
    phoned = book_by_phone(session, by=manager_a, children=1).reservation
    gone = book(session, name="鈴木 一郎", email="suzuki@example.jp").reservation
    reservation_cancel(reservation=gone)  # by the parent
    session_cancel(session=session, by=manager_a, reason="台風のため")
    return session, web, phoned, gone


def test_a_cancelled_sessions_roster_lists_the_parties_it_cancelled(manager_a, called_off):
    session, web, phoned, gone = called_off
    client = page_client(manager_a)
    response = client.get(f"/staff/sessions/{session.pk}/", **JA)
    shown = text(response)
    assert sorted(row_codes(response)) == sorted([web.code, phoned.code])
    assert gone.code not in row_codes(response)  # cancelled by the parent, before
    assert "中止によるキャンセル2組" in shown
    assert "うちメールなし（電話で連絡）1組" in shown
    assert "まだ予約はありません" not in shown and "予約済み" not in shown
    html = response.content.decode()
    phoned_row = html[html.index(f'id="r-{phoned.code}"') :]
    phoned_row = phoned_row[: phoned_row.index("</tr>")]
    assert "メールなし：電話で中止をお知らせください" in phoned_row
    web_row = html[html.index(f'id="r-{web.code}"') :]
    assert "電話で中止" not in web_row[: web_row.index("</tr>")]
    assert '<option value="affected" selected>' in html
    # Everyone, as before, on request.
    everyone = client.get(f"/staff/sessions/{session.pk}/", {"scope": "all"}, **JA)
    assert set(row_codes(everyone)) == {web.code, phoned.code, gone.code}


def test_a_session_cancelled_with_nobody_booked_says_so(manager_a, facility_a):
    session = SessionFactory(facility=facility_a)
    session_cancel(session=session, by=manager_a, reason="講師の都合")
    shown = text(page_client(manager_a).get(f"/staff/sessions/{session.pk}/", **JA))
    assert "中止の時点で予約はありませんでした。" in shown
    assert "中止によるキャンセル0組" in shown


def test_attended_and_no_show_counts_say_kumi_on_the_roster_and_today(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=5)
    came = book_before(session, name="山田 花子", email="came@example.jp").reservation
    book_before(session, name="佐藤 葵", email="sato@example.jp")
    check_in(session=session, reservation=came, by=manager_a)
    client = page_client(manager_a)
    roster = text(client.get(f"/staff/sessions/{session.pk}/", **JA))
    assert "出席1組" in roster and "欠席0組" in roster
    assert not re.search(r"\d 出席|\d 欠席", roster)
    html = client.get(f"/staff/sessions/{session.pk}/", **JA).content.decode()
    assert '<b data-count="attended">1</b>' in html  # what check_in.js updates
    day = timezone.localdate(session.start).isoformat()
    today = text(client.get("/staff/", {"date": day}, **JA))
    assert "出席1組" in today and "キャンセル待ち0組" in today
    assert not re.search(r"\d 出席|\d キャンセル待ち", today)


def test_the_breadcrumb_leads_back_to_the_sessions_own_day(manager_a, facility_a):
    later = SessionFactory(facility=facility_a)  # a week from now
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{later.pk}/", **JA).content.decode()
    crumb = re.search(r'<a href="([^"]+)" data-testid="crumb-day">([^<]+)</a>', html)
    day = timezone.localdate(later.start)
    assert crumb.group(1) == f"/staff/?date={day.isoformat()}"
    assert "本日" not in crumb.group(2) and f"{day.month}月{day.day}日" in crumb.group(2)
    assert crumb.group(2).endswith("の開催")
    today = started_session(facility=facility_a)
    html = client.get(f"/staff/sessions/{today.pk}/", **JA).content.decode()
    crumb = re.search(r'data-testid="crumb-day">([^<]+)</a>', html)
    assert crumb.group(1) == "本日"
    # Every page of a session shares the crumb: the waiting list of the later session too.
    waiting = client.get(f"/staff/sessions/{later.pk}/waiting-list/", **JA).content.decode()
    assert "本日" not in re.search(r'data-testid="crumb-day">([^<]+)</a>', waiting).group(1)


def test_a_walk_in_is_announced_with_sama(manager_a, facility_a):
    session = SessionFactory(facility=facility_a, start=timezone.now() + timedelta(hours=1))
    client = page_client(manager_a)
    response = client.post(
        f"/staff/sessions/{session.pk}/walk-in/",
        {"name": "木村 あや", "name_kana": "きむら あや", "adults": 1, "children": 0},
        follow=True,
        **JA,
    )
    shown = text(response)
    assert "当日参加の木村 あや様を追加しました" in shown
    assert "あやさん" not in shown
    assert (
        response.context["session"]
        .reservations.filter(
            name="木村 あや", status__in=[ReservationStatus.CONFIRMED, ReservationStatus.ATTENDED]
        )
        .exists()
    )


def test_a_programme_with_a_childrens_limit_shows_it_on_the_roster_and_the_print(
    manager_a, facility_a
):
    # Children had their own limit (子どもの定員) that only the admin showed.
    session = started_session(facility=facility_a, capacity=15)
    session.children_capacity = 15
    session.save()
    book_before(session, email="kids@example.jp", adults=1, children=2)
    session.refresh_from_db()
    client = page_client(manager_a)
    roster = text(client.get(f"/staff/sessions/{session.pk}/", **JA))
    assert f"子ども {session.children_taken} / 15 予約済み" in roster
    printed = text(client.get(f"/staff/sessions/{session.pk}/print/", **JA))
    assert "定員：15（子ども15）" in printed
