"""Every parent-facing string is translated in every foreign-resident language (issue 23).

For each language of settings.LANGUAGES other than ja/en (and each catalogue under locale/ even
before the settings list it), every msgid referenced from the parents' side (parents, booking,
events, calendars, notifications, core, templates, the printable calendar, the consultation
pages and emails) must have a non-empty,
non-fuzzy msgstr with the same placeholders; the glossary's words (docs/glossary.md) are the
ones used; やさしい日本語 marks every kanji with ふりがな as {漢字|かんじ};
the committed django.mo matches the .po.
"""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
REFERENCE_LANGUAGES = {"ja", "en"}
PARENT_SIDE = re.compile(
    r"^(parents|booking|events|calendars|notifications|core|templates)/"
    # The printable monthly calendar is public: parents print it or open it from the list.
    r"|^schedule/templates/schedule/(printable_month|pdf_unavailable)\.html$"
    # The parents' consultation pages (/consultations/), their answers and their emails.
    r"|^consultations/(templates/consultations/(?!staff/)|views\.py|page_urls\.py|apis\.py"
    r"|serializers\.py|services\.py|emails\.py)"
)
# %(name)s, %(n)d, %s, {{ x }}, {name} in str.format, and HTML tags.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\{.*?\}\}|\{\w+\}|</?[a-zA-Z][^<>]*>"
)
RUBY = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
KANJI = "\u4e00-\u9fff\u3400-\u4dbf々〆ヶ"
KANA = "ぁ-ゖァ-ヺー"

# A word of the glossary that every translation of a Japanese string using the term contains.
GLOSSARY = {
    "キャンセル待ち": {
        "zh_Hans": "候补",
        "ko": "대기",
        "pt_BR": "lista de espera",
        "vi": "danh sách chờ",
        "ja_Easy": "リスト",
    },
    "出産予定日": {
        "zh_Hans": "预产期",
        "ko": "출산 예정일",
        "pt_BR": "data prevista do parto",
        "vi": "ngày dự sinh",
        "ja_Easy": "{生|う}まれる",
    },
    "託児": {
        "zh_Hans": "托儿",
        "ko": "탁아",
        "pt_BR": "cuidado infantil",
        "vi": "trông trẻ",
        "ja_Easy": "あずか",
    },
    # The page the emails link to, by one name on the pages, in the emails and at the desk.
    "予約管理ページ": {
        "zh_Hans": "预约管理页面",
        "ko": "예약 관리 페이지",
        "vi": "trang quản lý đặt chỗ",
    },
    "予約番号": {
        "zh_Hans": "预约编号",
        "ko": "예약 번호",
        "pt_BR": "código da reserva",
        "vi": "mã đặt chỗ",
        "ja_Easy": "ばんごう",
    },
}


def _catalogue_dirs() -> list[str]:
    from_settings = {translation.to_locale(code) for code, _name in settings.LANGUAGES}
    on_disk = {p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/django.po")}
    return sorted((from_settings | on_disk) - REFERENCE_LANGUAGES)


LANGUAGE_DIRS = _catalogue_dirs()


def _po(locale_dir: str) -> polib.POFile:
    path = LOCALE / locale_dir / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run makemessages -l {locale_dir}"
    return polib.pofile(str(path))


def _parent_side(po: polib.POFile) -> list[polib.POEntry]:
    return [
        e
        for e in po
        if not e.obsolete and any(PARENT_SIDE.match(path) for path, _line in e.occurrences)
    ]


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def _without_ruby(text: str) -> str:
    return RUBY.sub(r"\1", text)


@pytest.fixture(scope="module")
def japanese() -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in _po("ja")}


def test_every_interface_language_has_a_catalogue():
    configured = {translation.to_locale(code) for code, _name in settings.LANGUAGES}
    for locale_dir in sorted(configured - REFERENCE_LANGUAGES):
        _po(locale_dir)


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_every_parent_side_string_is_translated(locale_dir):
    po = _po(locale_dir)
    entries = _parent_side(po)
    assert entries, "no parent-side msgid found: are the #: references still written?"
    missing = [_label(e) for e in entries if not all(t.strip() for t in _translations(e))]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e.flags]
    assert not missing, f"{locale_dir}: {len(missing)} untranslated:\n" + "\n".join(missing[:40])
    assert not fuzzy, f"{locale_dir}: {len(fuzzy)} fuzzy (ignored at run time):\n" + "\n".join(
        fuzzy[:40]
    )


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_plural_forms_fit_the_language(locale_dir):
    po = _po(locale_dir)
    expected = 2 if locale_dir.startswith("pt") else 1
    header = po.metadata.get("Plural-Forms", "").replace(" ", "")
    assert header.startswith(f"nplurals={expected};"), header
    for entry in po:
        if entry.msgid_plural and not entry.obsolete:
            assert len(entry.msgstr_plural) == expected, _label(entry)


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_placeholders_are_kept(locale_dir):
    wrong = []
    for entry in _parent_side(_po(locale_dir)):
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        wanted_plural = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in _translations(entry):
            found = set(PLACEHOLDER.findall(_without_ruby(text)))
            # A one-form language translates the plural msgid, whose placeholders may differ.
            if text and found != wanted_plural and found != wanted:
                wrong.append(f"{_label(entry)}: {sorted(found)} != {sorted(wanted_plural)}")
    assert not wrong, f"{locale_dir}:\n" + "\n".join(wrong[:40])


def _brace_fields(text: str) -> set[str]:
    """The named fields of a str.format() template; ValueError when it is not one."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("locale_dir", sorted({*LANGUAGE_DIRS, *REFERENCE_LANGUAGES}))
def test_brace_formats_stay_formats(locale_dir):
    """What compilemessages' `msgfmt --check-format` refuses: a translation of a {name}
    message (flagged python-brace-format) that str.format() cannot read or whose fields differ.
    ふりがな's braces cannot go in such a message, so やさしい日本語 writes its words in kana."""
    wrong = []
    for entry in _po(locale_dir):
        if "python-brace-format" not in entry.flags:
            continue
        wanted = _brace_fields(entry.msgid)
        for text in _translations(entry):
            try:
                found = _brace_fields(text)
            except ValueError as exc:
                wrong.append(f"{_label(entry)}: {text!r} ({exc})")
                continue
            if text and found != wanted:
                wrong.append(f"{_label(entry)}: {sorted(found)} != {sorted(wanted)}")
    assert not wrong, f"{locale_dir}:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_glossary_words_are_used(locale_dir, japanese):
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    off = []
    for term, words in GLOSSARY.items():
        word = words.get(locale_dir)
        if word is None:
            continue
        assert _without_ruby(word) in _without_ruby(glossary) or word in glossary, word
        for entry in _parent_side(_po(locale_dir)):
            reference = japanese.get((entry.msgctxt, entry.msgid))
            texts = [t for t in _translations(entry) if t]
            if reference is None or not texts:
                continue
            ja_text = reference.msgstr or "".join(reference.msgstr_plural.values())
            if term in ja_text and term not in entry.msgid:
                off += [
                    f"{_label(entry)}: {t!r} lacks {word!r}"
                    for t in texts
                    if word.casefold() not in t.casefold()
                ]
    assert not off, f"{locale_dir}:\n" + "\n".join(off[:40])


def test_easy_japanese_ruby_is_well_formed_and_on_every_kanji():
    if "ja_Easy" not in LANGUAGE_DIRS:
        pytest.skip("no やさしい日本語 catalogue")
    bad = []
    for entry in _parent_side(_po("ja_Easy")):
        for text in _translations(entry):
            for base, reading in RUBY.findall(text):
                if not re.fullmatch(f"[{KANJI}]+", base) or not re.fullmatch(f"[{KANA}]+", reading):
                    bad.append(f"{_label(entry)}: {{{base}|{reading}}}")
            rest = PLACEHOLDER.sub("", RUBY.sub("", text))
            # Braces quoted from the msgid (a JSON example) are code, not ふりがな.
            for quoted in re.findall(r"\{[^{}]*\}", entry.msgid):
                rest = rest.replace(quoted, "")
            if "{" in rest or "}" in rest or "|" in rest:
                bad.append(f"{_label(entry)}: stray brace or bar in {text!r}")
            # Kanji the msgid itself carries (a JSON example, 託児) are quoted, not Easy Japanese.
            bare = set(re.findall(f"[{KANJI}]", rest)) - set(entry.msgid)
            if bare:
                bad.append(f"{_label(entry)}: kanji without ふりがな {sorted(bare)} in {text!r}")
    assert not bad, "\n".join(bad[:40])


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_committed_mo_matches_the_po(locale_dir, tmp_path):
    mo = LOCALE / locale_dir / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run compilemessages"
    fresh = tmp_path / "django.mo"
    _po(locale_dir).save_as_mofile(str(fresh))
    catalogs = []
    for path in (fresh, mo):
        with path.open("rb") as fp:
            catalogs.append({k: v for k, v in gettext.GNUTranslations(fp)._catalog.items() if k})
    stale = sorted(
        repr(k)
        for k in catalogs[0].keys() | catalogs[1].keys()
        if catalogs[0].get(k) != catalogs[1].get(k)
    )
    assert not stale, f"{locale_dir}: django.mo differs from the .po:\n" + "\n".join(stale[:20])


# Names of formats, products and fields that stay in Latin letters in every language.
TECHNICAL_WORDS = {"API", "JSON", "PDF", "CSV", "ics", "ORGANIZER", "Idempotency", "Key", "ID"}
TECHNICAL_WORDS |= {"page_size", "true", "false", "YYYY", "MM", "DD", "NUL", "QR", "Excel", "slug"}
TECHNICAL_WORDS |= {"iPhone", "Mac", "LINE"}  # products, named as their makers write them
# The same word in English and in the language (a loanword), not a string left in English.
SAME_AS_ENGLISH = {
    "pt_BR": {"PDF", "Site", "slug", "latitude", "longitude", "Item", "%(n)s min"},
    "vi": {"PDF", "Email", "email", "slug", "Email: %(email)s"},
}


@pytest.mark.parametrize("locale_dir", LANGUAGE_DIRS)
def test_no_english_is_left_in_another_language(locale_dir):
    left = []
    for entry in _parent_side(_po(locale_dir)):
        for text in _translations(entry):
            if not text:
                continue
            if text == entry.msgid and text not in SAME_AS_ENGLISH.get(locale_dir, set()):
                if re.search(r"[a-z]{3}", PLACEHOLDER.sub("", text)):
                    left.append(f"{_label(entry)}: left as the English")
            if locale_dir in ("zh_Hans", "ko", "ja_Easy"):
                # A JSON example, a field name and an example address quoted from the msgid.
                plain = re.sub(r"\[\{.*\}\]|label_<language>|\S+@\S+", "", text)
                plain = PLACEHOLDER.sub("", plain)
                english = set(re.findall(r"[A-Za-z_]{3,}", plain)) - TECHNICAL_WORDS
                if english:
                    left.append(f"{_label(entry)}: {sorted(english)} in {text!r}")
    assert not left, f"{locale_dir}:\n" + "\n".join(left[:40])


# Pages only staff see: the desk, the schedule (but its printable calendar) and the consultation
# desk. In やさしい日本語 they show the standard Japanese of locale/ja (docs/glossary.md).
STAFF_ONLY = re.compile(
    r"^(staffdesk/|consultations/(staff_|templates/consultations/staff/)"
    r"|schedule/(?!templates/schedule/(printable_month|pdf_unavailable)\.html$))"
)


def test_staff_pages_in_easy_japanese_read_the_standard_japanese(japanese):
    if "ja_Easy" not in LANGUAGE_DIRS:
        pytest.skip("no やさしい日本語 catalogue")
    other = []
    for entry in _po("ja_Easy"):
        paths = [path for path, _line in entry.occurrences]
        # A fuzzy entry (makemessages' guess) is not used at run time, so the page shows ja.
        staff_only = paths and all(STAFF_ONLY.match(p) for p in paths)
        if entry.obsolete or "fuzzy" in entry.flags or not staff_only:
            continue
        reference = japanese[(entry.msgctxt, entry.msgid)]
        for text, ja_text in zip(_translations(entry), _translations(reference), strict=True):
            # Empty falls back to locale/ja at run time.
            if text and text != ja_text:
                other.append(f"{_label(entry)}: {text!r} is not {ja_text!r}")
    assert not other, "\n".join(other[:40])


def test_no_catalogue_has_a_fuzzy_entry():
    """makemessages (``make messages``) marks a msgid it has no translation for with ``#, fuzzy``
    and a guess from a similar msgid, which is mostly wrong ("The note is saved." became "closed
    day added"); gettext skips fuzzy entries, so the page shows the English. Every catalogue under
    locale/ (ja and en included, and the header) is checked, the staff's strings as well."""
    fuzzy = []
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(path))
        where = path.relative_to(ROOT)
        if po.metadata_is_fuzzy:
            fuzzy.append(f"{where}: the header (drop its '#, fuzzy' and fill in Language:)")
        fuzzy += [
            f"{where}: {_label(e)} guessed as {_translations(e)[0]!r}"
            for e in po
            if "fuzzy" in e.flags and not e.obsolete
        ]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries, which gettext ignores at run time. After make messages, "
        "translate each one from where its msgid is used (the #: references; the words of "
        "docs/glossary.md; ja_Easy: {漢字|かんじ} on the parents' side, locale/ja's text on "
        "staff-only pages), delete its '#, fuzzy' flag and '#|' lines, then run compilemessages "
        "(under flock /work/notes/locale.lock):\n" + "\n".join(fuzzy[:60])
    )


# The foreign residents' languages are the staff's too: a counsellor or a desk clerk who reads
# Chinese, Korean, Portuguese or Vietnamese gets the whole site in it, staff pages included.
# やさしい日本語 is not one of them: its staff-only entries stay empty and show locale/ja.
EVERY_STRING_TRANSLATED = ("zh_Hans", "ko", "pt_BR", "vi")


@pytest.mark.parametrize("locale_dir", EVERY_STRING_TRANSLATED)
def test_every_string_is_translated_staff_side_included(locale_dir):
    po = _po(locale_dir)
    missing = [
        _label(e) for e in po if not e.obsolete and not all(t.strip() for t in _translations(e))
    ]
    assert not missing, (
        f"{locale_dir}: {len(missing)} untranslated (an empty msgstr or plural form shows the "
        "English on the page):\n" + "\n".join(missing[:60])
    )


# docs/glossary.md: 申し込み is the noun, but inside a compound the city writes 申込 (申込番号,
# 申込期間, 申込内容, 申込方法); お申し込み時 is the polite phrase, not a compound.
MOSHIKOMI_IN_A_COMPOUND = re.compile(rf"(?<!お)申し込み[{KANJI}]")


def test_japanese_writes_moshikomi_in_a_compound_as_the_city_does():
    found = [
        f"{_label(e)} => {t}"
        for e in _po("ja")
        if not e.obsolete
        for t in _translations(e)
        if MOSHIKOMI_IN_A_COMPOUND.search(t)
    ]
    assert not found, "write 申込 inside a compound term:\n" + "\n".join(found)
