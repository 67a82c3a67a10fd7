"""The roster of a lottery session says it is one (抽選) and where it stands: before the draw the
applications against the capacity, the draw's time, and the applicants listed by default (nobody
holds a seat yet, so the door list would be empty); after it, how many won, took their seat, are
still to confirm or gave it up, and how many were not drawn. A link leads to the draw.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import ReservationStatus
from booking.services import lottery_draw, reservation_cancel, reservation_confirm_win
from staffdesk import selectors
from tests.factories import book, lottery_session
from tests.staff.conftest import page_client

pytestmark = pytest.mark.django_db

PARENTS = [
    ("山田 花子", "やまだ はなこ"),
    ("佐藤 美咲", "さとう みさき"),
    ("鈴木 陽菜", "すずき ひな"),
]


@pytest.fixture
def lottery(facility_a):
    return lottery_session(facility_a, 2)


@pytest.fixture
def applicants(lottery):
    return [
        book(lottery, email=f"p{i}@example.jp", name=name, name_kana=kana).reservation
        for i, (name, kana) in enumerate(PARENTS)
    ]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def status_line(page: str) -> str:
    return text(page[page.index('class="lottery-status"') :].split("</section>")[0])


def names_listed(page: str) -> list[str]:
    return re.findall(r'<td class="name">.*?<strong>([^<]+)</strong>', page)


def roster(user, session, query: str = "") -> str:
    answer = page_client(user).get(f"/staff/sessions/{session.pk}/{query}")
    assert answer.status_code == 200
    return answer.content.decode()


def test_before_the_draw_the_roster_says_lottery_and_lists_the_applications(
    lottery, applicants, manager_a
):
    page = roster(manager_a, lottery)
    line = status_line(page)
    assert "抽選：申込受付中" in line
    assert "申込3組／定員2席" in line
    closes = timezone.localtime(lottery.registration_closes)
    assert f"抽選日：{closes.month}月{closes.day}日（" in line
    assert sorted(names_listed(page)) == sorted(name for name, _ in PARENTS)
    assert '<option value="applied" selected>' in page
    link = re.search(r'<a href="([^"]+)">申込者一覧・抽選</a>', page)
    assert link and link.group(1) == f"/staff/sessions/{lottery.pk}/waiting-list/#lottery"
    waiting = page_client(manager_a).get(link.group(1).split("#")[0]).content.decode()
    assert 'id="lottery"' in waiting and "今すぐ抽選する" in waiting


def test_staff_can_still_choose_the_parties_holding_seats(lottery, applicants, manager_a):
    page = roster(manager_a, lottery, "?scope=active")
    assert names_listed(page) == []
    assert "まだ予約はありません。" in page and "申し込みはまだありません。" not in page
    assert '<option value="active" selected>' in page


def test_a_lottery_without_applications_says_so(lottery, manager_a):
    page = roster(manager_a, lottery)
    assert "申込0組／定員2席" in status_line(page)
    assert "申し込みはまだありません。" in page


def test_a_viewer_is_led_to_the_applicants_not_to_the_draw(lottery, applicants, viewer_a):
    page = roster(viewer_a, lottery)
    assert ">申込者一覧</a>" in page
    assert "申込者一覧・抽選" not in page


def test_before_applications_open_and_after_they_close(lottery, manager_a):
    now = timezone.now()
    lottery.registration_opens = now + timedelta(hours=1)
    lottery.save(update_fields=["registration_opens"])
    status = selectors.lottery_status(session=lottery)
    assert status.phase == "before" and not status.drawn
    page = roster(manager_a, lottery)
    assert "抽選：申込受付前" in status_line(page)
    opens = timezone.localtime(lottery.registration_opens)
    assert f"申込開始：{opens.month}月{opens.day}日（" in status_line(page)
    lottery.registration_opens = now - timedelta(days=3)
    lottery.registration_closes = now - timedelta(minutes=1)
    lottery.save(update_fields=["registration_opens", "registration_closes"])
    assert "抽選：申込締切（抽選待ち）" in status_line(roster(manager_a, lottery))


def test_after_the_draw_the_roster_counts_won_confirmed_and_not_drawn(
    lottery, applicants, manager_a
):
    draw = lottery_draw(session=lottery, seed="roster")
    winners = [r for r in applicants if r.pk in draw.winners]
    assert len(winners) == 2
    reservation_confirm_win(reservation=winners[0])
    page = roster(manager_a, lottery)
    line = status_line(page)
    drawn = timezone.localtime(draw.drawn_at)
    assert f"抽選：{drawn.month}月{drawn.day}日（" in line and "に抽選済み" in line
    assert "当選2組" in line and "確定1組" in line and "確定待ち1組" in line
    assert "落選1組" in line
    assert "キャンセル・失効" not in line
    # The default list is the door list again: the two winners, not the one not drawn.
    assert sorted(names_listed(page)) == sorted(r.name for r in winners)
    assert '<option value="active" selected>' in page
    assert ">抽選の記録とキャンセル待ち</a>" in page

    reservation_cancel(reservation=winners[1], reason="test")
    status = selectors.lottery_status(session=lottery)
    assert (status.won, status.confirmed, status.to_confirm, status.gone) == (2, 1, 0, 1)
    line = status_line(roster(manager_a, lottery))
    assert "キャンセル・失効1組" in line and "確定待ち" not in line


def test_a_session_not_run_by_lottery_has_no_lottery_line(session_a, manager_a):
    book(session_a, email="first@example.jp")
    assert selectors.lottery_status(session=session_a) is None
    page = roster(manager_a, session_a)
    assert "lottery-status" not in page
    assert 'value="applied"' not in page
    assert '<option value="active" selected>' in page


def test_the_applied_scope_lists_only_applications(lottery, applicants, manager_a):
    draw = lottery_draw(session=lottery, seed="scope")
    assert len(draw.order) == 3
    data = selectors.roster(session=lottery, scope="applied")
    assert data.rows == []
    everyone = selectors.roster(session=lottery, scope="all")
    statuses = sorted(row.reservation.status for row in everyone.rows)
    assert statuses == sorted(
        [ReservationStatus.WON, ReservationStatus.WON, ReservationStatus.WAITLISTED]
    )


def test_the_roster_api_lists_the_applications_when_asked(lottery, applicants, api_a):
    url = f"/api/v1/sessions/{lottery.pk}/roster/"
    assert api_a.get(url).json()["rows"] == []
    rows = api_a.get(url + "?scope=applied").json()["rows"]
    assert sorted(row["code"] for row in rows) == sorted(r.code for r in applicants)


def test_the_lottery_page_writes_whole_sentences_and_the_groups_names(lottery, manager_a):
    """The applicants' priority group as the programme names it (never its key), the deadline
    and the winners' confirmation in sentences, and the winners counted in parties (組)."""
    lottery.program.priority_groups = [{"key": "first", "label": "初めての妊娠の方"}]
    lottery.program.save(update_fields=["priority_groups"])
    for i, (name, kana) in enumerate(PARENTS):
        book(lottery, email=f"g{i}@example.jp", name=name, name_kana=kana, priority_group="first")
    closes = timezone.localtime(lottery.registration_closes)
    before = (
        page_client(manager_a).get(f"/staff/sessions/{lottery.pk}/waiting-list/").content.decode()
    )
    assert '<td data-label="優先区分">初めての妊娠の方</td>' in before and ">first<" not in before
    assert re.search(
        rf"申し込み3組。申込締切は{closes.year}年{closes.month}月{closes.day}日（.）\d\d:\d\dです。",
        before,
    )
    lottery_draw(session=lottery, seed="page")
    after = (
        page_client(manager_a).get(f"/staff/sessions/{lottery.pk}/waiting-list/").content.decode()
    )
    # One paragraph, two sentences, no space between them as Japanese writes.
    assert re.search(
        r"（申し込み3組、当選2組）。当選者の確定期限は\d{4}年\d+月\d+日（.）\d\d:\d\dです。<br>",
        after,
    )
