"""core.text: one-line values and free text hold no control or format character, and something
visible."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.fields import StrictCharField, StrictTextField
from core.text import (
    MULTI_LINE_REFUSED,
    ONE_LINE_REFUSED,
    EmailFormField,
    MultiLineFormField,
    OneLineFormField,
    company_folded,
    line_breaks_normalised,
    text_problem,
)


def characters_of(*categories: str) -> list[str]:
    return [
        char
        for char in map(chr, range(sys.maxunicode + 1))
        if unicodedata.category(char) in categories
    ]


def test_every_control_and_format_character_is_refused_on_one_line():
    refused = characters_of("Cc", "Cf", "Zl", "Zp")
    missed = [f"U+{ord(c):04X}" for c in refused if not ONE_LINE_REFUSED.fullmatch(c)]
    assert not missed, "add these to core.text.FORMAT_CHARACTERS: " + ", ".join(missed)


def test_free_text_refuses_the_same_but_the_line_break():
    refused = characters_of("Cc", "Cf", "Zl", "Zp")
    assert [c for c in refused if not MULTI_LINE_REFUSED.fullmatch(c)] == ["\n"]


def test_letters_marks_and_symbols_are_never_refused():
    kept = characters_of("Lu", "Ll", "Lo", "Nd", "Po", "So", "Mn", "Zs")
    assert not [c for c in kept if ONE_LINE_REFUSED.fullmatch(c)]


@pytest.mark.parametrize(
    "value",
    [
        "\u3164",  # Hangul filler
        "\uffa0\uffa0",  # half-width Hangul filler
        "\u2800",  # blank Braille pattern
        "\u0301\u0301",  # combining marks with nothing to combine with
        "\u034f",  # combining grapheme joiner
        "\ufe0f",  # variation selector
        "\u3000 \u00a0",  # spaces of three widths
    ],
)
def test_a_value_of_invisible_characters_only_is_blank(value):
    assert text_problem(value, multiline=False) == "blank"
    assert text_problem(value, multiline=True) == "blank"


@pytest.mark.parametrize(
    "value",
    ["山田 花子", "やまだ はなこ", "José", "Nguyễn Văn An", "Ali عل", "O'Brien"],
)
def test_names_people_have_are_kept(value):
    assert text_problem(value, multiline=False) is None


@pytest.mark.parametrize(
    "value",
    ["山田\u202e花子", "\u200b山田", "山田\U000e0041", "\u0600山田", "a\tb", "a\rb", "a\u2028b"],
)
def test_format_and_control_characters_are_unprintable(value):
    assert text_problem(value, multiline=False) == "unprintable"


def test_free_text_keeps_its_line_breaks_as_newlines():
    assert line_breaks_normalised("a\r\nb\rc\nd") == "a\nb\nc\nd"
    field = StrictTextField()
    assert field.run_validation("アレルギー：卵\r\n車いす\r") == "アレルギー：卵\n車いす"
    for value in ("a\tb", "a\u2028b", "a\x0bb", "a\u202eb"):
        with pytest.raises(serializers.ValidationError) as raised:
            field.run_validation(value)
        assert raised.value.detail[0].code == "unprintable"
    with pytest.raises(serializers.ValidationError) as raised:
        StrictCharField().run_validation("a\nb")
    assert raised.value.detail[0].code == "unprintable"


# --- the pages' form fields -------------------------------------------------------------------


def refused(field, value) -> str:
    with pytest.raises(ValidationError) as raised:
        field.clean(value)
    return raised.value.error_list[0].code


def test_a_one_line_form_field_takes_a_name_and_refuses_what_prints_as_nothing():
    field = OneLineFormField(max_length=100, error_messages={"required": "お名前を入力"})
    assert field.clean(" 山田 花子 ") == "山田 花子"
    assert refused(field, "山田\u202e花子") == "unprintable"
    assert refused(field, "山田\r\n花子") == "unprintable"
    with pytest.raises(ValidationError) as raised:
        field.clean("\u3164")
    assert raised.value.messages == ["お名前を入力"]
    assert OneLineFormField(required=False).clean("") == ""


def test_a_multi_line_form_field_keeps_a_textareas_lines():
    field = MultiLineFormField(required=False)
    assert field.clean("一行目\r\n二行目") == "一行目\n二行目"
    assert refused(field, "一行目\u200b") == "unprintable"


def test_an_email_form_field_folds_full_width_characters():
    field = EmailFormField()
    assert field.clean("ｈａｎａｋｏ＠example．jp") == "hanako@example.jp"
    assert refused(field, "hanako@exa\u200bmple.jp") == "invalid"


@pytest.mark.parametrize(
    "typed, official",
    [
        ("(株)わかば", "株式会社わかば"),
        ("㈱わかば", "株式会社わかば"),
        ("わかば（株）", "わかば株式会社"),
        ("（一社）子育てネット", "一般社団法人子育てネット"),
        ("(特非) ひだまり", "特定非営利活動法人ひだまり"),
        ("ＡＢＣ　商事", "ABC商事"),
    ],
)
def test_a_companys_legal_form_short_folds_to_the_form_written_out(typed, official):
    assert company_folded(typed) == company_folded(official)


def test_a_name_with_another_legal_form_is_another_company():
    assert company_folded("(有)わかば") != company_folded("株式会社わかば")
    assert company_folded("わかば") != company_folded("株式会社わかば")
