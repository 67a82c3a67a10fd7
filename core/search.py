"""What a staff search compares: the text typed and the columns searched, both without spaces
(half- and full-width) and hyphens, so that 山田花子 finds 山田 花子, XCRCWDN finds XCR-CWDN and
09012345678 finds 090-1234-5678 (a roster, a reservation across sessions, an appointment); a
phone number also without brackets, dots and the dashes of a Japanese keyboard, and in full
width as in half, so that 09012345678 finds ０９０ー１２３４ー５６７８ and (090)1234.5678."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter

from core.errors import AppValidationError
from core.fields import query_integer
from core.phones import phone_digits

SEARCH_IGNORED = (" ", "\u3000", "-")
# The most a search lists on each side of today at once: a desk looks for one family, and a
# word found in hundreds of names asks for a longer one; the next page is for a family's own
# long history (see SearchPages).
SEARCH_LIMIT = 30
# The furthest a list may be paged: a family that came every week for ten years.
SEARCH_MAX_FROM = 10_000
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


@dataclass(frozen=True)
class ListPage:
    """One list of a search (``side``: "upcoming" or "past") on its page: the row it starts at
    (0-based), whether more follow, and where the other list starts, which its links keep."""

    side: str
    limit: int
    start: int = 0
    more: bool = False
    other_start: int = 0

    @property
    def earlier(self) -> str:
        """The query of the page before this one (without ``q``)."""
        return self._starting(max(self.start - self.limit, 0))

    @property
    def next(self) -> str:
        """The query of the page after this one (without ``q``)."""
        return self._starting(self.start + self.limit)

    def _starting(self, start: int) -> str:
        if self.side == "upcoming":
            upcoming, past = start, self.other_start
        else:
            upcoming, past = self.other_start, start
        return f"upcoming_from={upcoming}&past_from={past}"


@dataclass(frozen=True)
class SearchPages:
    """Where a search's two lists stand. A family that comes every week has more than a page
    of sessions over under one phone number, which no longer search narrows."""

    upcoming: ListPage
    past: ListPage

    @classmethod
    def first(cls, limit: int) -> SearchPages:
        return cls(ListPage("upcoming", limit), ListPage("past", limit))

    @property
    def more(self) -> bool:
        return self.upcoming.more or self.past.more


SEARCH_PAGES_DOC = (
    "`upcoming_from` and `past_from` start a list further on (the next page of a list starts "
    f"{SEARCH_LIMIT} rows on), and `more_upcoming` and `more_past` say which list has more"
)
SEARCH_PAGE_PARAMETERS = [
    OpenApiParameter(
        name, int, required=False, description=f"the first row of the {side} list (0, the default)"
    )
    for name, side in (("upcoming_from", "upcoming"), ("past_from", "past"))
]


def search_pages_param(params: Mapping[str, str]) -> tuple[int, int]:
    """Where each list starts (``upcoming_from``, ``past_from``; 0 when not given), or the
    common 400 body on the one that is not a whole number from 0 to ``SEARCH_MAX_FROM``."""
    starts, errors = [], {}
    for name in ("upcoming_from", "past_from"):
        value = params.get(name, "0") or "0"
        number = query_integer(value, maximum=SEARCH_MAX_FROM)
        if number is None:
            errors[name] = [
                gettext("Give a whole number from 0 to %(most)d.") % {"most": SEARCH_MAX_FROM}
            ]
        starts.append(number or 0)
    if errors:
        raise AppValidationError(errors)
    return starts[0], starts[1]


@dataclass(frozen=True)
class SearchAsked:
    """What a search page was asked: the words, where its lists start, and what is wrong with
    the request (in the active language), or None."""

    query: str
    upcoming_from: int = 0
    past_from: int = 0
    error: str | None = None


def search_page_asked(params: Mapping[str, str]) -> SearchAsked:
    """Read a search page's ``q``, ``upcoming_from`` and ``past_from``; a search too long or a
    page that is not a number comes back with its ``error`` (the page answers 400)."""
    query = params.get("q", "").strip()
    try:
        upcoming_from, past_from = search_pages_param(params)
    except AppValidationError as exc:
        said = " ".join(str(message) for messages in exc.fields.values() for message in messages)
        return SearchAsked(query[:SEARCH_MAX_LENGTH], error=said)
    error = search_length_error(query)
    if error:
        return SearchAsked(query[:SEARCH_MAX_LENGTH], error=error)
    return SearchAsked(query, upcoming_from, past_from)


def either_side_of(
    found: QuerySet,
    now: datetime,
    *,
    starts: str,
    ends: str,
    limit: int = SEARCH_LIMIT,
    upcoming_from: int = 0,
    past_from: int = 0,
) -> tuple[list, list, SearchPages]:
    """What a search found, split at ``now``: the rows not over yet (``ends`` from now on, the
    soonest ``starts`` first), those over (the latest first), ``limit`` of each from the row
    each side's page starts at, and where the pages stand."""
    upcoming = list(
        found.filter(**{f"{ends}__gte": now}).order_by(starts, "id")[
            upcoming_from : upcoming_from + limit + 1
        ]
    )
    past = list(
        found.filter(**{f"{ends}__lt": now}).order_by(f"-{starts}", "-id")[
            past_from : past_from + limit + 1
        ]
    )
    pages = SearchPages(
        ListPage("upcoming", limit, upcoming_from, len(upcoming) > limit, past_from),
        ListPage("past", limit, past_from, len(past) > limit, upcoming_from),
    )
    return upcoming[:limit], past[:limit], pages


def search_key(text: str) -> str:
    """A search's text as it is compared: NFKC (full-width letters, half-width kana), without
    spaces and hyphens."""
    text = unicodedata.normalize("NFKC", text or "")
    for ignored in SEARCH_IGNORED:
        text = text.replace(ignored, "")
    return text


def search_column(name: str, ignored: tuple[str, ...] = SEARCH_IGNORED) -> Replace:
    """A column without spaces and hyphens, in the database (SQLite and PostgreSQL alike)."""
    expression = F(name)
    for character in ignored:
        expression = Replace(expression, Value(character), Value(""), output_field=CharField())
    return expression


# What a phone number is kept with besides its digits, as typed and not folded (core.phones):
# the hyphens, dashes and long-vowel marks of a Japanese keyboard, brackets and dots, in half
# and full width.
PHONE_IGNORED = (*SEARCH_IGNORED, *"－ーｰ‐‑‒–—―−()（）.．")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def phone_search_column(name: str = "phone") -> Replace:
    """A phone number column with only its digits and a leading +, as far as the database can
    say without folding full-width digits (which ``phone_search_keys`` searches for as well)."""
    return search_column(name, PHONE_IGNORED)


def phone_search_keys(query: str) -> list[str]:
    """What a phone number column is searched for when the text typed is (part of) a phone
    number: its digits, as they are kept when typed in full width (０９０ー…), and a number
    from 0 also as written with +81. Empty when the text is no number."""
    digits = phone_digits(query)
    if not digits:
        return []
    keys = [digits, digits.translate(FULL_WIDTH_DIGITS)]
    if digits.startswith("0") and len(digits) > 1:
        keys.append("+81" + digits[1:])
    return keys


def phone_search_match(query: str, column: str = "search_phone") -> Q:
    """Rows whose ``phone_search_column`` (annotated as ``column``) holds one of the query's
    ``phone_search_keys``; an empty Q, which adds nothing to an OR, when the text is no number."""
    return Q.create([(f"{column}__contains", key) for key in phone_search_keys(query)], "OR")
