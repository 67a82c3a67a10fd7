"""The demo catalogue in every language the product speaks, so that a newcomer sees the whole
product in each: programme titles, descriptions, what to bring and eligibility, facility names
and access notes (events.translation's columns), consultation types' titles, descriptions,
audiences and topics, and the counsellors' shown names (consultations.translation's), read from
``translations.toml`` beside this module. Addresses stay in Japanese, as maps and taxis read them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction

from consultations.models import ConsultationType, Counsellor
from core.languages import language_codes
from events.models import Facility, Program

TEXTS = Path(__file__).with_name("translations.toml")
FIELDS = {
    "programs": (Program, ("title", "description", "what_to_bring", "eligibility_note")),
    "facilities": (Facility, ("name", "access")),
    "consultations": (ConsultationType, ("title", "description", "audience", "topics")),
    "counsellors": (Counsellor, ("display_name",)),
}
# A table's rows are found by their slug, but the demo's counsellors by their role (one each).
KEYS = {"counsellors": "role"}


def column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def demo_translations() -> dict[str, dict[str, dict[str, dict]]]:
    """The file's tables, refused whole when a table, language or field is not one we have:
    a typo would otherwise leave a page silently in Japanese."""
    data = tomllib.loads(TEXTS.read_text(encoding="utf-8"))
    languages = set(language_codes()) - {"ja"}
    for table, by_slug in data.items():
        if table not in FIELDS:
            raise ValueError(f"{TEXTS.name}: unknown table [{table}]")
        known = FIELDS[table][1]
        for slug, by_language in by_slug.items():
            for language, texts in by_language.items():
                if language not in languages:
                    raise ValueError(f"{TEXTS.name}: [{table}.{slug}.{language}] language")
                if unknown := set(texts) - set(known):
                    raise ValueError(f"{TEXTS.name}: [{table}.{slug}.{language}] {unknown}")
    return data


@transaction.atomic
def demo_translations_apply() -> int:
    """Write the demo's translations (what is given; what is left out stays a fallback to
    Japanese); return the rows changed."""
    changed = 0
    for table, by_slug in demo_translations().items():
        model = FIELDS[table][0]
        for slug, by_language in by_slug.items():
            values = {
                column(field, language): text
                for language, texts in by_language.items()
                for field, text in texts.items()
            }
            rows = model.objects.filter(**{KEYS.get(table, "slug"): slug})
            changed += rows.update(**values)
    return changed
