"""The Japanese catalogue is complete, and the committed django.mo is compiled from it.

Japanese is the default language: a msgid with an empty or fuzzy msgstr shows English on a
Japanese page (gettext ignores fuzzy entries at run time), and a django.mo that was not
recompiled after the .po changed shows the old text. File times say nothing after a git
checkout, so the .mo is compared by content: the .po is compiled with polib to a temporary
.mo, and both are loaded with gettext.GNUTranslations.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"
JA_PO = LOCALE / "ja" / "LC_MESSAGES" / "django.po"
JA_MO = LOCALE / "ja" / "LC_MESSAGES" / "django.mo"

# %(name)s, %(n)d, %s ... but not a literal %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context} ({where})"


@pytest.fixture(scope="module")
def ja() -> polib.POFile:
    return polib.pofile(str(JA_PO))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def test_plural_forms_header_is_japanese(ja):
    assert ja.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not ja.metadata_is_fuzzy, "the header entry is marked fuzzy"


def test_every_msgid_has_a_japanese_translation(ja):
    missing = []
    for entry in _entries(ja):
        if entry.msgid_plural:
            forms = list(entry.msgstr_plural.values()) or [""]
            empty = any(not form for form in forms)
        else:
            empty = not entry.msgstr
        if empty:
            missing.append(_label(entry))
    assert not missing, f"{len(missing)} msgids without a Japanese msgstr:\n" + "\n".join(missing)


def test_no_fuzzy_entries(ja):
    fuzzy = [_label(e) for e in _entries(ja) if "fuzzy" in e.flags]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries (ignored at run time; check them, then remove the flag):\n"
        + "\n".join(fuzzy)
    )


def test_plural_entries_have_one_form(ja):
    wrong = [_label(e) for e in _entries(ja) if e.msgid_plural and set(e.msgstr_plural) != {0}]
    assert not wrong, "Japanese has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_placeholders_are_kept(ja):
    wrong = []
    for entry in _entries(ja):
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            allowed = [
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(entry.msgid_plural)),
            ]
            translations = list(entry.msgstr_plural.values())
        else:
            allowed = [sorted(PLACEHOLDER.findall(entry.msgid))]
            translations = [entry.msgstr]
        for text in translations:
            if text and sorted(PLACEHOLDER.findall(text)) not in allowed:
                wrong.append(f"{_label(entry)} -> {text!r}")
    assert not wrong, "placeholders changed in the translation:\n" + "\n".join(wrong)


def _catalog(path: Path) -> tuple[dict, gettext.GNUTranslations]:
    with path.open("rb") as fp:
        translations = gettext.GNUTranslations(fp)
    catalog = {key: value for key, value in translations._catalog.items() if key != ""}
    return catalog, translations


def test_committed_mo_matches_the_po(ja, tmp_path):
    assert JA_MO.exists(), "locale/ja/LC_MESSAGES/django.mo is missing: run compilemessages"
    fresh_path = tmp_path / "django.mo"
    ja.save_as_mofile(str(fresh_path))
    fresh, _ = _catalog(fresh_path)
    committed, translations = _catalog(JA_MO)
    stale = sorted(
        repr(key) for key in fresh.keys() | committed.keys() if fresh.get(key) != committed.get(key)
    )
    assert not stale, (
        f"django.mo differs from django.po in {len(stale)} messages; run "
        "`python manage.py compilemessages` and commit django.mo:\n" + "\n".join(stale[:40])
    )
    assert translations.info().get("plural-forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_a_cancelled_session_and_a_cancelled_reservation_read_differently_in_japanese():
    from django.utils import translation

    from booking.models import ReservationStatus
    from events.models import SessionStatus

    with translation.override("ja"):
        assert str(SessionStatus.CANCELLED.label) == "中止"
        assert str(ReservationStatus.CANCELLED.label) == "キャンセル"
    with translation.override("en"):
        assert str(SessionStatus.CANCELLED.label) == "Cancelled"


# Cancelling a reservation, a consultation appointment or a lottery application is キャンセル
# (docs/glossary.md); 取り消す / 取消 is kept for undoing a step at the desk (受付の取り消し).
# A closed day given back is 休館日を解除する, a lapsed lottery win is 無効.
TORIKESHI = re.compile("取り?消")
UNDO_AT_THE_DESK = re.compile(r"\bundo\b|check-in", re.IGNORECASE)
EASY_JA_PO = LOCALE / "ja_Easy" / "LC_MESSAGES" / "django.po"
ROOT = LOCALE.parent
SOURCE_DIRS = ("booking", "calendars", "config", "consultations", "core", "demo", "events")
SOURCE_DIRS += ("notifications", "parents", "schedule", "staffdesk", "templates")


def torikeshi_not_for_undoing(po: polib.POFile) -> list[str]:
    """Entries whose Japanese says 取り消 where the msgid is not the desk's undo."""
    wrong = []
    for entry in _entries(po):
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        if any(TORIKESHI.search(t) for t in texts) and not UNDO_AT_THE_DESK.search(entry.msgid):
            said = "cancelling" if re.search("cancel|withdraw", entry.msgid, re.I) else "this"
            wrong.append(f"{_label(entry)} -> {entry.msgstr!r} (取り消 for {said})")
    return wrong


@pytest.mark.parametrize("po_path", [JA_PO, EASY_JA_PO], ids=["ja", "ja_Easy"])
def test_cancelling_is_kyanseru_not_torikeshi_in_the_catalogues(po_path):
    wrong = torikeshi_not_for_undoing(polib.pofile(str(po_path)))
    hint = "write キャンセル (or 解除 / 無効), see docs/glossary.md:\n"
    assert not wrong, hint + "\n".join(wrong)


def japanese_literals_with_torikeshi(root: Path) -> list[str]:
    """Lines of templates and Python strings that write 取り消 other than the desk's undo."""
    wrong = []
    for directory in SOURCE_DIRS:
        for path in sorted((root / directory).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt", ".ics"} or "migrations" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:  # the layers test's probe, gone meanwhile
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                if TORIKESHI.search(re.sub("受付[のを]取り?消", "", line)):
                    wrong.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return wrong


def test_cancelling_is_kyanseru_in_templates_and_python_strings():
    wrong = japanese_literals_with_torikeshi(ROOT)
    assert not wrong, "write キャンセル, see docs/glossary.md:\n" + "\n".join(wrong)


def _catalogue(locale_dir: str) -> dict[tuple[str | None, str], polib.POEntry]:
    po = polib.pofile(str(LOCALE / locale_dir / "LC_MESSAGES" / "django.po"))
    return {(e.msgctxt, e.msgid): e for e in _entries(po)}


TRANSLATED = ("ja", "ja_Easy", "zh_Hans", "ko", "pt_BR", "vi")


@pytest.mark.parametrize("locale_dir", TRANSLATED)
def test_the_programme_filter_says_the_catalogues_word_for_a_programme(locale_dir):
    # One word for one thing (docs/glossary.md): 事業 in Japanese, not a kind of event.
    catalogue = _catalogue(locale_dir)
    word = catalogue[(None, "programme")].msgstr
    assert word, f"{locale_dir}: 'programme' is not translated"
    for msgid in ("Programme", "All programmes"):
        text = catalogue[(None, msgid)].msgstr
        assert word.casefold() in text.casefold(), (
            f"{locale_dir}: {msgid!r} -> {text!r} lacks {word!r}"
        )


def test_a_programme_is_jigyou_in_japanese():
    catalogue = _catalogue("ja")
    assert catalogue[(None, "Programme")].msgstr == "事業"
    assert catalogue[(None, "All programmes")].msgstr == "すべての事業"
    said = [_label(e) for e in catalogue.values() if "イベントの種類" in e.msgstr]
    assert not said, "イベントの種類 is the やさしい日本語 word; ja writes 事業:\n" + "\n".join(
        said
    )


def test_a_parent_told_what_a_programme_offers_reads_of_the_event_not_a_course():
    # The eligibility refusals speak of what the parent is booking (このイベント); 講座 is a
    # course of several sessions and would tell a parent booking one session the wrong thing.
    catalogue = _catalogue("ja")
    refusals = [e for (_ctx, msgid), e in catalogue.items() if msgid.startswith("This programme ")]
    assert len(refusals) >= 4
    wrong = [_label(e) for e in refusals if "講座" in e.msgstr or "事業" in e.msgstr]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("locale_dir", TRANSLATED)
def test_a_staff_role_and_a_counsellors_role_are_separate_messages(locale_dir):
    catalogue = _catalogue(locale_dir)
    assert (None, "role") not in catalogue, f"{locale_dir}: a bare 'role' mixes the two senses"
    staff = catalogue[("staff membership", "role")].msgstr
    counsellor = catalogue[("counsellor", "role")].msgstr
    assert staff and counsellor and staff != counsellor, (locale_dir, staff, counsellor)


def test_the_two_roles_read_as_the_city_writes_them():
    from django.utils import translation

    from consultations.models import Counsellor
    from events.models import StaffMembership

    staff = StaffMembership._meta.get_field("role")
    counsellor = Counsellor._meta.get_field("role")
    with translation.override("ja"):
        assert str(staff.verbose_name) == "権限"
        assert str(counsellor.verbose_name) == "職種"
    with translation.override("en"):
        assert str(staff.verbose_name) == str(counsellor.verbose_name) == "role"


# Opening a closed day again lifts it (休館日を解除する); it cancels nothing.
NOT_CANCELLING = {"zh_Hans": ("取消", "恢复开馆"), "ko": ("취소", "해제")}


@pytest.mark.parametrize("locale_dir", sorted(NOT_CANCELLING))
def test_opening_a_closed_day_again_is_not_cancelling(locale_dir):
    cancel, lift = NOT_CANCELLING[locale_dir]
    catalogue = _catalogue(locale_dir)
    wrong = []
    for key, entry in _catalogue("ja").items():
        if "休館日を解除" not in entry.msgstr:
            continue
        text = catalogue[key].msgstr
        if cancel in text or lift not in text:
            wrong.append(f"{_label(entry)} -> {text!r}")
    assert not wrong, f"{locale_dir}: write {lift}, not {cancel}:\n" + "\n".join(wrong)


# docs/glossary.md: the one word each language has for a consultation's counsellor.
COUNSELLOR = {
    "ja": ("相談員",),
    "ja_Easy": ("{相談|そうだん}を きく {人|ひと}", "相談員"),
    "zh_Hans": ("咨询员",),
    "ko": ("상담원",),
    "pt_BR": ("profissiona",),
    "vi": ("người tư vấn",),
}


@pytest.mark.parametrize("locale_dir", sorted(COUNSELLOR))
def test_a_counsellor_has_one_word_in_each_language(locale_dir):
    words = COUNSELLOR[locale_dir]
    entries = [e for e in _catalogue(locale_dir).values() if "counsellor" in e.msgid.lower()]
    assert entries
    other = [
        f"{_label(e)} -> {e.msgstr!r}"
        for e in entries
        if e.msgstr and not any(w.casefold() in e.msgstr.casefold() for w in words)
    ]
    assert not other, f"{locale_dir} names the counsellor otherwise than {words}:\n" + "\n".join(
        other
    )
