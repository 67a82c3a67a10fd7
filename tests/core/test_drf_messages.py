"""DRF's own field messages are said in every language the product speaks (core.drf_messages).

DRF's Vietnamese catalogue is almost empty, and a message a language lacks falls back to the
Japanese (LANGUAGE_CODE): a Vietnamese client read "有効な整数を入力してください。". The project's
catalogues, read before DRF's, translate every message the APIs can produce.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import polib
import pytest
import rest_framework
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from core.drf_messages import DRF_MESSAGES
from tests.factories import api_key, staff_user

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIRS = sorted({translation.to_locale(code) for code, _name in settings.LANGUAGES} - {"en"})
FOREIGN = [code for code, _name in settings.LANGUAGES if code not in ("ja", "en")]


def drf_msgids() -> set[str]:
    """Every text DRF's fields, serializers, relations and validators mark for translation."""
    found = set()
    package = Path(rest_framework.__file__).parent
    for module in ("fields.py", "serializers.py", "relations.py", "validators.py"):
        for node in ast.walk(ast.parse((package / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                if node.args and isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name}


def catalogue(locale_dir: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(ROOT / "locale" / locale_dir / "LC_MESSAGES" / "django.po"))
    return {entry.msgid: entry for entry in po if not entry.obsolete and not entry.msgctxt}


def test_each_listed_message_is_drfs_own_byte_for_byte():
    unknown = [message for message in DRF_MESSAGES if message not in drf_msgids()]
    assert not unknown, f"not (or no longer) DRF's msgids: {unknown}"
    assert len(set(DRF_MESSAGES)) == len(DRF_MESSAGES)


@pytest.mark.parametrize("locale_dir", LOCALE_DIRS)
def test_every_catalogue_translates_every_listed_message(locale_dir):
    entries = catalogue(locale_dir)
    wrong = []
    for message in DRF_MESSAGES:
        entry = entries.get(message)
        if entry is None or not entry.msgstr.strip() or "fuzzy" in entry.flags:
            wrong.append(f"{message!r}: untranslated")
            continue
        # DRF fills the message in with str.format: the translation must take the same names
        # and hold no other braces (やさしい日本語's {漢字|かんじ} would be read as a field).
        names = placeholders(message)
        try:
            entry.msgstr.format(**dict.fromkeys(names, "x"))
        except (KeyError, IndexError, ValueError) as exc:
            wrong.append(f"{message!r}: {entry.msgstr!r} cannot be formatted ({exc!r})")
            continue
        if placeholders(entry.msgstr) != names:
            wrong.append(f"{message!r}: {entry.msgstr!r} lacks one of {sorted(names)}")
    assert not wrong, f"{locale_dir}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("code", FOREIGN)
def test_at_run_time_the_projects_words_come_before_drfs_and_the_japanese(code):
    """LOCALE_PATHS is read before DRF's catalogues, and nothing falls back to the Japanese."""
    entries = catalogue(translation.to_locale(code))
    for message in DRF_MESSAGES:
        with translation.override("ja"):
            japanese = translation.gettext(message)
        with translation.override(code):
            said = translation.gettext(message)
        assert said == entries[message].msgstr, (code, message, said)
        assert said not in (message, japanese), (code, message, said)


def test_the_project_words_the_japanese_too():
    entries = catalogue("ja")
    with translation.override("ja"):
        # DRF's own Japanese is "リストは空ではいけません。"
        assert translation.gettext("This list may not be empty.") == "1つ以上指定してください。"
        for message in DRF_MESSAGES:
            assert translation.gettext(message) == entries[message].msgstr


# --- over HTTP -----------------------------------------------------------------------------

BOOKING = "/api/v1/reservations/"


def wrong_booking(session) -> dict:
    return {
        "session": session.pk,
        "name": "Nguyen Lan",
        # no email
        "adults": "2",
        "children": 99,
        "due_date": "2026/01/01",
        "language": "xx",
        "needs": "wheelchair",
    }


@pytest.mark.parametrize(
    "code, expected",
    [
        (
            "vi",
            {
                "email": ["Trường này là bắt buộc."],
                "adults": ["Hãy nhập một số nguyên."],
                "children": ["Hãy nhập giá trị không lớn hơn 20."],
                "due_date": ["Ngày sai định dạng. Hãy dùng định dạng YYYY-MM-DD."],
                "language": ['"xx" không phải là lựa chọn hợp lệ.'],
                "needs": ['Hãy nhập một danh sách (đã nhận kiểu "str").'],
            },
        ),
        (
            "ja-easy",
            {
                "email": ["ここは かならず かいて ください。"],
                "adults": ["1、2、3の ような かずで かいて ください。"],
                "children": ["20までの かずに して ください。"],
                "due_date": [
                    "ひにちの かきかたが まちがって います。"
                    "YYYY-MM-DD の かたちで かいて ください。"
                ],
                "language": ['"xx" は えらべません。'],
                "needs": ['リストで かいて ください（いまは "str" です）。'],
            },
        ),
    ],
)
def test_a_refused_booking_names_each_field_in_the_clients_language(session, code, expected):
    api = APIClient(HTTP_ACCEPT_LANGUAGE=code)
    response = api.post(BOOKING, wrong_booking(session), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == expected
    assert not session.reservations.exists()


def test_a_staff_client_reading_vietnamese_gets_the_relations_and_limits_in_vietnamese(facility):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility))}")
    body = {
        "program": "nope",
        "facility": facility.slug,
        "start": "2030/12/07 10:00",
        "end": "2030-12-07T11:30:00+09:00",
        "capacity": 200_000,
    }
    response = api.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["fields"]
    assert fields["program"] == ['Không có dữ liệu với slug "nope".']
    assert fields["capacity"] == ["Hãy nhập giá trị không lớn hơn 100000."]
    assert fields["start"][0].startswith("Ngày giờ sai định dạng. Hãy dùng định dạng ")
    assert response.json()["message"] == "Nội dung nhập có lỗi."


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("name", "山田\u0007花子", "見(み)えない 文字(もじ)を けして ください。"),
        ("name", 12345, "もじで かいて ください。"),
        (
            "phone",
            9012345678,
            "電話(でんわ)ばんごうを 正(ただ)しく 書(か)いて ください（れい：090-1234-5678）。",
        ),
        ("resident", "yes", "true か false で かいて ください。"),
    ],
)
def test_easy_japanese_refusals_are_answered_not_a_server_error(session, field, value, expected):
    """やさしい日本語's ふりがな ({文字|もじ}) in a message DRF formats was read as a format field:
    a 500 for a control character, a number for text or "yes" for a boolean."""
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja-easy")
    body = {"session": session.pk, "name": "山田 花子", "email": "a@example.jp", "adults": 1}
    response = api.post(BOOKING, {**body, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"][field] == [expected]
    assert not session.reservations.exists()


def test_a_limit_is_said_in_each_requests_language_not_the_first_ones(session):
    """DRF's limit messages keep the text of their first use, and a declared field's validators
    serve every request (core.serializers): the first refusal's language stayed for all."""
    said = {}
    for code in ("vi", "ja", "ko", "vi"):
        api = APIClient(HTTP_ACCEPT_LANGUAGE=code)
        body = {"session": session.pk, "name": "山田 花子", "email": "a@example.jp"}
        response = api.post(BOOKING, {**body, "adults": 1, "children": 99}, format="json")
        assert response.status_code == 400, response.content
        said[code] = response.json()["fields"]["children"]
    assert said == {
        "vi": ["Hãy nhập giá trị không lớn hơn 20."],
        "ja": ["20以下にしてください。"],
        "ko": ["20 이하로 지정해 주세요."],
    }
