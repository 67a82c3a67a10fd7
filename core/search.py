"""What a staff search compares: the text typed and the columns searched, both without spaces
(half- and full-width) and hyphens, so that 山田花子 finds 山田 花子, XCRCWDN finds XCR-CWDN and
09012345678 finds 090-1234-5678 (a roster, a reservation across sessions, an appointment)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext

from core.errors import AppValidationError

SEARCH_IGNORED = (" ", "\u3000", "-")
# The most a search lists on each side of today: a desk looks for one family, and a word found
# in hundreds of names asks for a longer one, not a longer page.
SEARCH_LIMIT = 30
# The longest search read: a name with its kana, or an email address, is shorter.
SEARCH_MAX_LENGTH = 100


def search_length_error(query: str) -> str | None:
    """What is wrong with a search longer than ``SEARCH_MAX_LENGTH`` (in the active language),
    or None."""
    if len(query) <= SEARCH_MAX_LENGTH:
        return None
    return gettext("Search with at most %(limit)d characters.") % {"limit": SEARCH_MAX_LENGTH}


def search_query_param(params: Mapping[str, str], empty_message: str) -> str:
    """An API's ``q`` without its outer spaces, or the common 400 body on ``q``: empty (with
    ``empty_message``, which says what may be searched) or longer than ``SEARCH_MAX_LENGTH``."""
    query = params.get("q", "").strip()
    error = search_length_error(query) if query else empty_message
    if error:
        raise AppValidationError({"q": [error]})
    return query


def either_side_of(
    found: QuerySet, now: datetime, *, starts: str, ends: str, limit: int = SEARCH_LIMIT
) -> tuple[list, list, bool]:
    """What a search found, split at ``now``: the rows not over yet (``ends`` from now on, the
    soonest ``starts`` first), those over (the latest first), at most ``limit`` each, and
    whether either side had more."""
    upcoming = list(found.filter(**{f"{ends}__gte": now}).order_by(starts, "id")[: limit + 1])
    past = list(found.filter(**{f"{ends}__lt": now}).order_by(f"-{starts}", "-id")[: limit + 1])
    return upcoming[:limit], past[:limit], len(upcoming) > limit or len(past) > limit


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
