"""Staff-entered text in several languages (django-modeltranslation): a page shows the
page's language where staff entered it, else the Japanese marked lang="ja"; emails use the
reservation's language; the admin offers a field per language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from events.models import Program
from events.selectors import text_in
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated():
    program = ProgramFactory(
        title="親子ふれあい遊び",
        title_zh_hans="亲子游戏",
        description="手遊びやわらべうたで遊びます。",
        what_to_bring="飲み物",
    )
    facility = FacilityFactory(name="りぼんかん", address="松阪市本町1-1")
    return SessionFactory(program=program, facility=facility)


def page(session, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    return client.get(f"/sessions/{session.pk}/").content.decode()


def test_a_translated_title_is_shown_in_the_page_language(translated):
    html = page(translated, "zh-hans")
    assert '<html lang="zh-Hans">' in html
    assert '<h1 lang="zh-Hans">亲子游戏</h1>' in html


def test_text_without_a_translation_falls_back_to_japanese_marked_as_such(translated):
    html = page(translated, "zh-hans")
    assert 'lang="ja">手遊びやわらべうたで遊びます。</p>' in html
    assert '<span lang="ja">りぼんかん</span>' in html

    korean = page(translated, "ko")
    assert '<h1 lang="ja">親子ふれあい遊び</h1>' in korean


def test_the_list_marks_each_title_with_its_language(translated):
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/").content.decode()
    assert '<h2 lang="zh-Hans"><a href="/sessions/' in html and "亲子游戏" in html
    assert '<p class="meta" lang="ja">りぼんかん</p>' in html


def test_text_in_a_given_language_falls_back_to_japanese(translated):
    program = translated.program
    assert text_in(program, "title", "zh-hans") == "亲子游戏"
    assert text_in(program, "title", "vi") == "親子ふれあい遊び"
    assert text_in(program, "title", "ja") == "親子ふれあい遊び"


def test_text_given_without_a_language_is_the_japanese():
    from django.utils import translation

    with translation.override("en"):
        program = Program.objects.create(title="ブックスタート", slug="bookstart")
    program.refresh_from_db()
    assert program.title_ja == "ブックスタート"
    assert text_in(program, "title", "vi") == "ブックスタート"


def test_the_admin_has_a_field_per_language_and_only_the_japanese_is_required():
    user = staff_user(FacilityFactory())
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    html = client.get("/admin/events/program/add/").content.decode()
    inputs = dict(re.findall(r'name="(title_[a-z_]+)"([^>]*)>', html))
    assert set(inputs) == {
        f"title_{c}" for c in ("ja", "ja_easy", "en", "zh_hans", "ko", "pt_br", "vi")
    }
    assert " required" in inputs["title_ja"]
    assert [name for name, attrs in inputs.items() if " required" in attrs] == ["title_ja"]


def test_lottery_priority_labels_follow_the_page_language():
    from django.utils import timezone

    from events.models import BookingMode

    program = ProgramFactory(
        booking_mode=BookingMode.LOTTERY,
        priority_groups=[{"key": "first", "label": "初めての方", "label_vi": "Lần đầu"}],
    )
    session = SessionFactory(
        program=program, registration_closes=timezone.now() + timedelta(days=3)
    )
    client = Client()
    client.cookies["django_language"] = "vi"
    assert "Lần đầu" in client.get(f"/sessions/{session.pk}/reserve/").content.decode()
    client.cookies["django_language"] = "ko"
    assert "初めての方" in client.get(f"/sessions/{session.pk}/reserve/").content.decode()
