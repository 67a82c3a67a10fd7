"""The admin refuses topic lists that the parents' pages could not use (consultations.topics):
a translated list of another length than the Japanese, or anything but a list of texts, is
named on its field when staff save, instead of being silently shown in Japanese."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from consultations.models import ConsultationType
from consultations.topics import topic_list_errors

pytestmark = pytest.mark.django_db

JAPANESE = ["入園", "発達", "その他"]


def form_class(kind: ConsultationType, admin_user):
    request = RequestFactory().post("/")
    request.user = admin_user
    return admin.site.get_model_admin(ConsultationType).get_form(request, kind)


def filled(kind: ConsultationType, admin_user, **changes) -> dict:
    """The admin's change form for ``kind`` as the page sends it, with ``changes``."""
    unbound = form_class(kind, admin_user)(instance=kind)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()  # as the page writes it (a JSON box's text)
        if value is not None:
            data[name] = value
    data.update({name: json.dumps(value) for name, value in changes.items()})
    return data


def admin_form(kind: ConsultationType, admin_user, **changes):
    data = filled(kind, admin_user, **changes)
    return form_class(kind, admin_user)(data=data, instance=kind)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("op", "op@example.jp", "pw-long-enough-1")


@pytest.fixture
def japanese_kind(kind):
    kind.topics_ja = JAPANESE
    kind.save()
    return kind


def test_a_translation_item_for_item_is_saved(japanese_kind, admin_user):
    form = admin_form(japanese_kind, admin_user, topics_vi=["Vào nhà trẻ", "Phát triển", "Khác"])
    assert form.is_valid(), form.errors
    form.save()
    japanese_kind.refresh_from_db()
    assert japanese_kind.topics_vi == ["Vào nhà trẻ", "Phát triển", "Khác"]


def test_a_translation_of_another_length_is_refused_on_its_field(japanese_kind, admin_user):
    with translation.override("ja"):
        form = admin_form(japanese_kind, admin_user, topics_vi=["Vào nhà trẻ", "Khác"])
        assert not form.is_valid()
        assert list(form.errors) == ["topics_vi"]
        assert form.errors["topics_vi"] == [
            "日本語の選択肢は3件です。同じ数の訳を同じ順に入力するか、空（[]）にしてください。"
        ]
    japanese_kind.refresh_from_db()
    assert japanese_kind.topics_vi in (None, [])


def test_an_empty_translation_is_allowed(japanese_kind, admin_user):
    form = admin_form(japanese_kind, admin_user, topics_ko=[])
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["入園", [1, 2, 3], ["入園", "", "その他"], {"a": "b"}])
def test_anything_but_a_list_of_texts_is_refused(japanese_kind, admin_user, value):
    with translation.override("en"):
        form = admin_form(japanese_kind, admin_user, topics_ko=value)
        assert not form.is_valid()
        assert form.errors["topics_ko"] == ['Enter the choices in the form ["…", "…"].']


def test_a_broken_japanese_list_is_named_and_the_translations_not_compared(kind):
    errors = topic_list_errors({"topics_ja": "入園", "topics_vi": ["a", "b"]})
    assert list(errors) == ["topics_ja"]


def test_the_english_message_counts_in_the_singular_and_plural():
    with translation.override("en"):
        one = topic_list_errors({"topics_ja": ["入園"], "topics_en": ["a", "b"]})
        two = topic_list_errors({"topics_ja": ["入園", "発達"], "topics_en": ["a"]})
    assert one["topics_en"].startswith("The Japanese list has 1 choice.")
    assert two["topics_en"].startswith("The Japanese list has 2 choices.")


def test_the_admin_page_shows_the_error_and_saves_nothing(japanese_kind, admin_user, client):
    client.force_login(admin_user)
    client.cookies["django_language"] = "ja"
    data = filled(japanese_kind, admin_user, topics_vi=["Vào nhà trẻ"], topics_en=["Entry"])
    data["title_ja"] = "名前を変えた相談"
    page = client.post(f"/admin/consultations/consultationtype/{japanese_kind.pk}/change/", data)
    assert page.status_code == 200  # the form again, with its errors
    assert "日本語の選択肢は3件です。" in page.content.decode()
    japanese_kind.refresh_from_db()
    assert japanese_kind.title_ja != "名前を変えた相談"
