"""Member lists (鹿児島市イクボス推進同盟's 加盟企業・団体): their order, the admin's import of
many members at once, the programme's API detail, and the demo's list."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from events.models import MemberList, MemberOrganisation, Program
from tests.factories import ALLIANCE_MEMBERS, ProgramFactory, alliance_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    """Four members, one no longer a member; by code point さくら電機 would come first. One
    reading is typed in katakana."""
    return alliance_list([("株式会社わかば", "ワカバ", True), *ALLIANCE_MEMBERS[1:]])


def test_members_are_listed_by_their_reading_not_by_the_names_code_points(alliance):
    names = list(alliance.members.values_list("name", flat=True))
    assert names == ["有限会社あおい", "株式会社ABC商事", "さくら電機株式会社", "株式会社わかば"]
    # A reading typed in katakana is kept in hiragana, so both scripts sort as one list.
    assert alliance.members.get(name="株式会社わかば").reading == "わかば"


def admin() -> Client:
    root = get_user_model().objects.create_superuser("root@example.jp", "root@example.jp", "pw")
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(root)
    return client


def change_form(alliance: MemberList, text: str) -> dict[str, str]:
    members = list(alliance.members.all())
    data = {
        "name": alliance.name,
        "members_import": text,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        data |= {
            f"members-{i}-id": str(member.pk),
            f"members-{i}-member_list": str(alliance.pk),
            f"members-{i}-name": member.name,
            f"members-{i}-reading": member.reading,
        }
        if member.active:
            data[f"members-{i}-active"] = "on"
    return data


def test_the_admin_imports_members_one_per_line(alliance):
    client = admin()
    url = f"/admin/events/memberlist/{alliance.pk}/change/"
    assert "加盟企業・団体の一括登録" in client.get(url).content.decode()
    text = (
        "社会福祉法人ひなたの杜, ひなたのもり\r\n"
        "\r\n"
        "Sakura, Inc.\tサクラ インク\r\n"  # a spreadsheet's columns, a comma in the name
        "有限会社あおい，あおい\r\n"  # held already, not active: active again
    )
    answer = client.post(url, change_form(alliance, text), follow=True)
    assert answer.status_code == 200
    assert "2件の加盟企業・団体を追加しました。" in answer.content.decode()
    members = {m.name: (m.reading, m.active) for m in alliance.members.all()}
    assert members["社会福祉法人ひなたの杜"] == ("ひなたのもり", True)
    assert members["Sakura, Inc."] == ("さくら いんく", True)
    assert members["有限会社あおい"] == ("あおい", True)
    assert len(members) == 6


def test_a_bad_line_is_refused_by_its_number_and_nothing_is_saved(alliance):
    client = admin()
    url = f"/admin/events/memberlist/{alliance.pk}/change/"
    data = change_form(alliance, "医療法人あおば会, あおばかい\n名前だけの行\n南風ソフト, Nanpu\n")
    data["name"] = "鹿児島市イクボス推進同盟（改）"
    answer = client.post(url, data)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "2行目：名称、カンマ、読みの順に入力してください。" in html
    assert "3行目：読みはひらがなかカタカナで入力してください。" in html
    alliance.refresh_from_db()
    assert alliance.name == "鹿児島市イクボス推進同盟"
    assert alliance.members.count() == 4


def test_the_same_name_twice_in_an_import_is_refused(alliance):
    client = admin()
    url = f"/admin/events/memberlist/{alliance.pk}/change/"
    text = "株式会社デモ, でも\n株式会社デモ , でも\n"
    html = client.post(url, change_form(alliance, text)).content.decode()
    assert "2行目：1行目と同じ名称です。" in html
    assert alliance.members.count() == 4


def test_a_name_with_its_legal_form_short_is_the_same_name_in_an_import(alliance):
    client = admin()
    url = f"/admin/events/memberlist/{alliance.pk}/change/"
    text = "株式会社デモ, でも\n㈱デモ, でも\n"
    html = client.post(url, change_form(alliance, text)).content.decode()
    assert "2行目：1行目と同じ名称です。" in html
    assert alliance.members.count() == 4


def test_a_programme_for_a_member_list_must_ask_for_the_company(alliance):
    program = ProgramFactory(member_list=alliance, requires_company=False)
    with pytest.raises(ValidationError) as refused:
        program.full_clean()
    assert "requires_company" in refused.value.message_dict


def test_the_programmes_api_lists_the_active_members_in_order(alliance):
    ProgramFactory(slug="ikuboss", member_list=alliance, requires_company=True)
    ProgramFactory(slug="play")
    api = APIClient()
    detail = api.get("/api/v1/programs/ikuboss/").json()
    assert detail["member_list"] == "鹿児島市イクボス推進同盟"
    assert detail["member_names"] == ["株式会社ABC商事", "さくら電機株式会社", "株式会社わかば"]
    play = api.get("/api/v1/programs/play/").json()
    assert play["member_list"] is None and play["member_names"] == []
    listed = {p["slug"]: p["member_names"] for p in api.get("/api/v1/programs/").json()["results"]}
    assert listed["ikuboss"] == detail["member_names"] and listed["play"] == []


def test_the_demo_seminar_is_for_its_member_list_and_loading_twice_adds_none():
    call_command("load_demo")
    seminar = Program.objects.get(slug="ikuboss-seminar")
    assert seminar.member_list.name == "鹿児島市イクボス推進同盟"
    count = MemberOrganisation.objects.count()
    assert 6 <= count <= 10
    call_command("load_demo")
    assert MemberList.objects.count() == 1 and MemberOrganisation.objects.count() == count
    # The demo's parties of the seminar are booked through the rules, as members.
    companies = set(
        seminar.sessions.values_list("reservations__company", flat=True).exclude(
            reservations__company=None
        )
    )
    names = set(seminar.member_list.members.values_list("name", flat=True))
    assert companies and companies <= names
