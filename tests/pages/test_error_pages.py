"""Pages for requests that fail before or outside a view: a page in the request's language
with a way back, never JSON or Django's technical page (the API keeps its JSON body)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from core import error_pages
from events.models import Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/no-such-page/", "/sessions/abc/", "/consultations/nope/x/"])
def test_an_unknown_address_is_a_page(ja_client, path):
    response = ja_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "ページが見つかりません" in page
    assert 'href="/"' in page


def test_an_unknown_api_address_keeps_the_json_body(ja_client):
    response = ja_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_form_sent_without_its_token_leads_back_to_the_form(db):
    session = SessionFactory()
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ja")
    path = f"/sessions/{session.pk}/reserve/"
    response = browser.post(path, {"name": "山田 花子", "email": "hanako@example.jp"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "もう一度送信してください" in page
    assert f'href="{path}"' in page
    assert "DEBUG" not in page
    assert Session.objects.get(pk=session.pk).seats_taken == 0


def test_the_form_page_speaks_the_request_language(db):
    session = SessionFactory()
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post(f"/sessions/{session.pk}/reserve/", {"name": "x"})
    assert response.status_code == 403
    assert "Please send the form again" in response.content.decode()


def test_a_language_switch_without_its_token_leads_to_the_list(db):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ja")
    response = browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert 'href="/"' in response.content.decode()


def test_a_host_the_site_does_not_serve_gets_a_plain_page(ja_client):
    response = ja_client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "このページは表示できません" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "page_text", "code"),
    [
        (error_pages.server_error, 500, "エラーが発生しました", "server_error"),
        (error_pages.forbidden, 403, "このページを表示する権限がありません", "permission_denied"),
    ],
)
def test_failures_are_pages_and_api_bodies(settings, handler, status, page_text, code):
    settings.LANGUAGE_CODE = "ja"
    factory = RequestFactory()
    page = handler(factory.get("/sessions/1/"))
    assert page.status_code == status
    assert page_text in page.content.decode()
    api = handler(factory.get("/api/v1/sessions/1/"))
    assert api.status_code == status
    assert api["Content-Type"] == "application/json"
    assert f'"code": "{code}"' in api.content.decode()


def test_the_privacy_notice_names_what_is_kept_and_for_how_long(ja_client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    page = ja_client.get("/privacy/").content.decode()
    assert "氏名とふりがな" in page
    assert "要配慮個人情報" in page and "配慮事項について" in page
    assert "個別相談では、質問への回答もお預かりします。" in page
    assert "イベントまたは相談の90日後に削除します。" in page
