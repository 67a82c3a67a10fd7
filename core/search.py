"""What a staff search compares: the text typed and the columns searched, both without spaces
(half- and full-width) and hyphens, so that 山田花子 finds 山田 花子, XCRCWDN finds XCR-CWDN and
09012345678 finds 090-1234-5678 (a roster, a reservation across sessions, an appointment)."""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Value
from django.db.models.functions import Replace

SEARCH_IGNORED = (" ", "\u3000", "-")


def search_key(text: str) -> str:
    """A search's text as it is compared: NFKC (full-width letters, half-width kana), without
    spaces and hyphens."""
    text = unicodedata.normalize("NFKC", text or "")
    for ignored in SEARCH_IGNORED:
        text = text.replace(ignored, "")
    return text


def search_column(name: str) -> Replace:
    """A column without spaces and hyphens, in the database (SQLite and PostgreSQL alike)."""
    expression = F(name)
    for ignored in SEARCH_IGNORED:
        expression = Replace(expression, Value(ignored), Value(""), output_field=CharField())
    return expression
