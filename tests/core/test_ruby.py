"""やさしい日本語's ふりがな: ``{漢字|かんじ}`` becomes <ruby> on pages and a reading in brackets
in plain text; other languages' answers are never touched."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from core.languages import supported_language
from core.ruby import EasyJapaneseRubyMiddleware, html_with_ruby, ruby_html, ruby_plain

SENTENCE = "{予約|よやく}を {取|と}り{消|け}しました。"


def test_the_notation_becomes_ruby_in_html_and_brackets_in_text():
    assert ruby_html(SENTENCE) == (
        "<ruby>予約<rt>よやく</rt></ruby>を <ruby>取<rt>と</rt></ruby>り"
        "<ruby>消<rt>け</rt></ruby>しました。"
    )
    assert ruby_plain(SENTENCE) == "予約(よやく)を 取(と)り消(け)しました。"


def test_braces_that_are_not_the_notation_stay_as_they_are():
    for text in ["{name}", "{a|b}", "{予約|yoyaku}", "{|よやく}", "{<b>|よ}", "{{ x|y }}"]:
        assert ruby_html(text) == text
        assert ruby_plain(text) == text


def test_a_page_title_gets_the_base_text_only():
    html = "<title>{予約|よやく} | x</title><h1>{予約|よやく}</h1>"
    assert (
        html_with_ruby(html) == "<title>予約 | x</title><h1><ruby>予約<rt>よやく</rt></ruby></h1>"
    )


def answer(language: str, response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = language
    return EasyJapaneseRubyMiddleware(lambda _request: response)(request)


def test_the_middleware_renders_easy_japanese_answers_only():
    page = answer("ja-easy", HttpResponse(f"<p>{SENTENCE}</p>"))
    assert "<ruby>予約<rt>よやく</rt></ruby>" in page.content.decode()
    assert not page.has_header("Content-Length") or int(page["Content-Length"]) == len(page.content)

    body = answer(
        "ja-easy", JsonResponse({"message": SENTENCE}, json_dumps_params={"ensure_ascii": False})
    )
    assert "予約(よやく)" in body.content.decode()

    untouched = answer("ja", HttpResponse(f"<p>{SENTENCE}</p>"))
    assert untouched.content.decode() == f"<p>{SENTENCE}</p>"


def test_a_client_language_code_becomes_one_the_product_speaks():
    assert supported_language("zh-Hans") == "zh-hans"
    assert supported_language("zh-CN") == "zh-hans"
    assert supported_language("pt_BR") == "pt-br"
    assert supported_language("pt-PT") == "pt-br"
    assert supported_language("en-US") == "en"
    assert supported_language("ja-easy") == "ja-easy"
    assert supported_language("fr") == "ja"
    assert supported_language(None) == "ja"
    assert supported_language(5) == "ja"


def test_attributes_options_and_text_areas_get_the_reading_in_brackets():
    html = (
        '<label aria-label="{予約|よやく}">{予約|よやく}</label>'
        '<select><option value="a">{施設|しせつ}</option></select>'
        "<textarea>{備考|びこう}</textarea><p>{施設|しせつ}</p>"
    )
    assert html_with_ruby(html) == (
        '<label aria-label="予約(よやく)"><ruby>予約<rt>よやく</rt></ruby></label>'
        '<select><option value="a">施設(しせつ)</option></select>'
        "<textarea>備考(びこう)</textarea><p><ruby>施設<rt>しせつ</rt></ruby></p>"
    )
