"""ふりがな (issue 21, item 11) and 配慮事項 (issue 25, item 8) on the parents' form: kana checked
and normalised to full width, needs stored, and staff sorting and searching the roster by
reading; the form in Chromium at 360 px and 1024 px."""

from __future__ import annotations

import pytest

from booking.models import Reservation
from events.models import StaffRole
from tests.browser import assert_accessible, layout_problems, new_page
from tests.factories import staff_user
from tests.pages.conftest import fill
from tests.staff.conftest import page_client, started_session


@pytest.mark.django_db
def test_kana_is_checked_and_normalised_and_needs_are_kept(ja_client, ikuboss):
    response, _ = fill(ja_client, ikuboss, name_kana="山田", company="こもれび", resident="on")
    html = response.content.decode()
    assert response.status_code == 400 and "ひらがなかカタカナで" in html
    assert 'href="#id_name_kana"' in html  # in the error summary, linked to the field
    assert not Reservation.objects.exists()
    response, _ = fill(
        ja_client,
        ikuboss,
        name_kana="ﾔﾏﾀﾞ　ﾊﾅｺ",
        company="こもれび",
        resident="on",
        needs=["allergy", "wheelchair"],
        needs_detail="卵",
    )
    assert response.status_code == 303
    r = Reservation.objects.get()
    assert r.name_kana == "ヤマダ ハナコ"
    assert r.needs == ["wheelchair", "allergy"] and r.needs_detail == "卵"
    # The result page reads the needs back, in the form's order, so the parent can check them.
    result = ja_client.get(response["Location"], follow=True).content.decode()
    assert "<dt>配慮事項</dt><dd>車いす、アレルギー（卵）</dd>" in result


@pytest.mark.django_db
def test_roster_sorts_and_searches_by_the_reading_from_the_form(ja_client, ikuboss):
    for name, kana, email in [
        ("中村 葵", "なかむら あおい", "n@example.jp"),
        ("伊藤 結衣", "イトウ ユイ", "i@example.jp"),
        ("山田 花子", "やまだ はなこ", "y@example.jp"),
        ("佐藤 太郎", "さとう たろう", "s@example.jp"),
    ]:
        fill(
            ja_client,
            ikuboss,
            name=name,
            name_kana=kana,
            email=email,
            company="こもれび",
            resident="on",
        )
    manager = staff_user(ikuboss.facility, StaffRole.MANAGER, username="kana-manager")
    client = page_client(manager)
    html = client.get(f"/staff/sessions/{ikuboss.pk}/?sort=kana").content.decode()
    order = [html.index(n) for n in ("伊藤 結衣", "佐藤 太郎", "中村 葵", "山田 花子")]
    assert order == sorted(order)
    found = client.get(f"/staff/sessions/{ikuboss.pk}/?q=ヤマダ").content.decode()
    assert "山田 花子" in found and "佐藤 太郎" not in found
    found = client.get(f"/staff/sessions/{ikuboss.pk}/?q=いとう").content.decode()
    assert "伊藤 結衣" in found and "山田 花子" not in found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1024])
def test_the_form_asks_kana_and_needs_in_the_browser(browser, live_server, play, width):
    page = new_page(browser)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/sessions/{play.pk}/reserve/")
    page.select_option("#id_child_age_1", "8")
    page.fill("#id_name", "山田 花子")
    page.fill("#id_name_kana", "やまだ はなこ")
    page.fill("#id_email", f"kana-{width}@example.jp")
    page.get_by_role("checkbox", name="アレルギー").check()
    page.fill("#id_needs_detail", "卵")
    page.check("#id_consent")
    assert_accessible(page, f"kana-needs-form-{width}")
    assert layout_problems(page) == []
    page.get_by_role("button", name="予約する").click()
    page.wait_for_url(lambda url: "/reserve/" not in url)
    r = Reservation.objects.get(email=f"kana-{width}@example.jp")
    assert r.name_kana == "やまだ はなこ" and r.needs == ["allergy"]


@pytest.mark.django_db
def test_walk_ins_take_kana_the_same_way(hub):
    session = started_session(facility=hub)
    client = page_client(staff_user(hub, StaffRole.MANAGER, username="walk-in-kana"))
    url = f"/staff/sessions/{session.pk}/walk-in/"
    base = {"name": "鈴木 美咲", "adults": 1, "children": 0, "childcare": 0}
    refused = client.post(url, {**base, "name_kana": "Suzuki"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 400 and "ひらがなかカタカナ" in refused.content.decode()
    client.post(url, {**base, "name_kana": "ｽｽﾞｷ ﾐｻｷ"})
    assert Reservation.objects.get(session=session).name_kana == "スズキ ミサキ"
