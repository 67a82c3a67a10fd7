"""An email's subject never opens a bracket inside another: the short date already carries its
weekday in brackets (12월 5일 (토) 10:00), so no language puts the date itself in brackets."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from notifications.wording import SUBJECTS, format_short, format_when, relative_day, subject

START = datetime(2030, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
# A full-width note inside 【】 is how a Japanese notice writes it (【予約確定（キャンセル待ち
# から繰り上げ）】); Latin brackets and 【】 inside one another are not.
OPENING, CLOSING = "([【", ")]】"
RUBY = re.compile(r"\{([^{}|]*)\|[^{}|]*\}")  # ふりがな, shown in brackets of its own


def deepest(text: str) -> int:
    depth = most = 0
    for char in RUBY.sub(r"\1", text):
        if char in OPENING:
            depth += 1
            most = max(most, depth)
        elif char in CLOSING:
            depth -= 1
    return most


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_no_subject_nests_brackets(code):
    values = {
        "title": "親子ふれあい遊び",
        "date": format_short(START, code),
        "relative": relative_day(1, code),
    }
    nested = [s for kind in SUBJECTS if deepest(s := subject(kind, code, **values)) > 1]
    assert not nested, nested


def test_the_korean_cancellation_notice_writes_the_time_outside_brackets():
    with translation.override("ko"):
        text = translation.gettext(
            'We are very sorry: "%(session_title)s" on %(when)s, which you had booked, has been '
            "cancelled."
        ) % {"session_title": "친자 놀이", "when": format_when(START, START, "ko")}
    assert "(토)" in text and deepest(text) == 1, text
