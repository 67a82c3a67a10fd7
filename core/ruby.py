"""ふりがな for やさしい日本語: the catalogue writes ``{漢字|かんじ}``; pages show it as
``<ruby>漢字<rt>かんじ</rt></ruby>``, plain text (emails, invites, JSON, CSV) as ``漢字(かんじ)``.

The notation survives Django's escaping (braces and bars are not escaped), so a template, a
form error and an email are written once and rendered here at the edge.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language

from core.languages import EASY_JAPANESE

# A base of anything but markup, braces and bars; a reading of kana (and spaces) only.
RUBY = re.compile(r"\{([^{}|<>\n]{1,20})\|([\u3040-\u30ff\u30fc\s]{1,40})\}")


def ruby_html(text: str) -> str:
    return RUBY.sub(r"<ruby>\1<rt>\2</rt></ruby>", text)


def ruby_plain(text: str) -> str:
    return RUBY.sub(r"\1(\2)", text)


def ruby_removed(text: str) -> str:
    """The base text only (for a page title, where markup cannot go)."""
    return RUBY.sub(r"\1", text)


def easy_japanese_active() -> bool:
    return get_language() == EASY_JAPANESE


TAG = re.compile(r"(<[^>]*>)")
# Elements whose text cannot hold markup: a reading in brackets there (the base only in a title).
PLAIN_TEXT_ELEMENTS = ("option", "textarea", "script", "style")


def html_with_ruby(html: str) -> str:
    """A page's HTML with the notation as <ruby> in text, as 漢字(かんじ) in attributes and in
    elements that hold plain text only (option, textarea), and as the base in <title>."""
    parts = TAG.split(html)
    inside: str | None = None
    for i, part in enumerate(parts):
        if i % 2:  # a tag: its attributes are plain text
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if name in ("title", *PLAIN_TEXT_ELEMENTS):
                inside = name
            elif name.startswith("/") and name[1:] == inside:
                inside = None
            parts[i] = ruby_plain(part)
        elif inside == "title":
            parts[i] = ruby_removed(part)
        elif inside in PLAIN_TEXT_ELEMENTS:
            parts[i] = ruby_plain(part)
        else:
            parts[i] = ruby_html(part)
    return "".join(parts)


class EasyJapaneseRubyMiddleware:
    """Render the ふりがな notation of an answer given in やさしい日本語: <ruby> in HTML, a
    reading in brackets in JSON, CSV and iCalendar. Other languages pass untouched."""

    TEXT_TYPES = ("application/json", "text/csv", "text/calendar", "text/plain")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "LANGUAGE_CODE", None) != EASY_JAPANESE or response.streaming:
            return response
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            render = html_with_ruby
        elif content_type.startswith(self.TEXT_TYPES):
            render = ruby_plain
        else:
            return response
        charset = response.charset or "utf-8"
        body = response.content.decode(charset)
        rendered = render(body)
        if rendered != body:
            response.content = rendered.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
