"""ふりがな: checked and normalised the same way on the parents' form and the staff desk.

A name's reading is stored in full-width kana as the parent typed it (hiragana or katakana),
with half-width katakana (ｶﾀｶﾅ) and full-width spaces folded by NFKC, and runs of spaces
made one. The desk sorts and searches by it after folding hiragana into katakana.
"""

from __future__ import annotations

import re
import unicodedata

# Hiragana, katakana (with ー, ・ and the small letters) and spaces between family and given name.
KANA = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe ]+$")


def kana_normalised(value: str) -> str:
    """Full-width kana, one space between words, none around: ﾔﾏﾀﾞ　ﾊﾅｺ -> ヤマダ ハナコ."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", " ", value).strip()


def is_kana(value: str) -> bool:
    """Whether a normalised reading is written in hiragana or katakana only."""
    return bool(KANA.match(value))


def reading_folded(value: str) -> str:
    """A reading normalised and in hiragana (カブシキガイシャ -> かぶしきがいしゃ), so that readings
    typed in either script sort as one list (hiragana's code points follow the 五十音順)."""
    return "".join(
        chr(ord(char) - 0x60) if "\u30a1" <= char <= "\u30f6" else char
        for char in kana_normalised(value)
    )
