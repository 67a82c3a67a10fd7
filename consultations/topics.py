"""A consultation type's topics in a reader's language, and what a family's choice is stored as.

Staff enter the topics in Japanese (``topics_ja``) and, per language, the same list translated
item by item (``topics_vi`` ..., ``consultations.translation``). What a family picks is stored as
the Japanese item whatever language it booked in, so that staff read it in Japanese and it keeps
its meaning when a translation is corrected later; parents' pages and the API show the item of
their language at the same place. A translated list that does not match the Japanese (another
length, or not a list of texts) is not used: the type's topics then stay in Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from consultations.models import ConsultationType


def texts(value) -> list[str] | None:
    """``value`` when it is a list of non-empty texts, else None."""
    if isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value):
        return value
    return None


def topics_japanese(kind: ConsultationType) -> list[str]:
    """The type's topics as stored and as staff read them."""
    column = build_localized_fieldname("topics", settings.LANGUAGE_CODE)
    return list(texts(getattr(kind, column, None)) or [])


def topic_labels(kind: ConsultationType, language: str | None = None) -> list[str]:
    """The type's topics in ``language`` (the active one by default), item for item with the
    Japanese, or the Japanese where that language's list is missing or does not match."""
    japanese = topics_japanese(kind)
    language = language or get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return japanese
    translated = texts(getattr(kind, build_localized_fieldname("topics", language), None))
    if translated and len(translated) == len(japanese):
        return list(translated)
    return japanese


def topic_choices(kind: ConsultationType, language: str | None = None) -> list[tuple[str, str]]:
    """(stored value, label in ``language``) for each of the type's topics."""
    return list(zip(topics_japanese(kind), topic_labels(kind, language), strict=True))


def topic_label(kind: ConsultationType | None, topic: str, language: str | None = None) -> str:
    """A stored topic in ``language``; as stored when the type no longer lists it."""
    if kind is None or not topic:
        return topic
    return dict(topic_choices(kind, language)).get(topic, topic)


def topic_shown(kind: ConsultationType | None, topic: str) -> tuple[str, str]:
    """A stored topic in the active language, and the language it is shown in (for ``lang``):
    the Japanese where it has no translation."""
    label = topic_label(kind, topic)
    return label, (get_language() if label != topic else settings.LANGUAGE_CODE)


def topic_stored(kind: ConsultationType, topic: str, language: str | None = None) -> str | None:
    """What to store for a topic a family gave: the Japanese item, given as such or as its label
    in ``language`` (an API client shows the list of its language); "" for none; None for a
    topic the type does not list."""
    if not topic or topic in topics_japanese(kind):
        return topic
    return {label: value for value, label in reversed(topic_choices(kind, language))}.get(topic)


def topic_list_errors(lists: Mapping[str, object]) -> dict[str, str]:
    """What is wrong with a type's topic lists as staff enter them, by field (``topics_ja`` ...).

    The admin's box takes any JSON, and a list that does not match the Japanese item for item
    would only be ignored on the parents' pages (``topic_labels``), so staff hear of it when
    they save: each list must be texts, and a translated one empty or as long as the Japanese.
    """
    japanese_field = build_localized_fieldname("topics", settings.LANGUAGE_CODE)
    errors: dict[str, str] = {}
    for field, value in lists.items():
        if value not in (None, "", []) and texts(value) is None:
            errors[field] = _('Enter the choices in the form ["…", "…"].')
    japanese = texts(lists.get(japanese_field)) or []
    if japanese_field in errors:
        return errors
    for field, value in lists.items():
        translated = texts(value)
        if field != japanese_field and translated and len(translated) != len(japanese):
            errors[field] = ngettext(
                "The Japanese list has %(count)s choice. Give its translation, or leave this "
                "list empty ([]).",
                "The Japanese list has %(count)s choices. Give one translation for each, in the "
                "same order, or leave this list empty ([]).",
                len(japanese),
            ) % {"count": len(japanese)}
    return errors
