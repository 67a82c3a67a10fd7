"""The JSON parser of the API: the body read and decoded at once, bad bodies refused with 400.

Refused here, once for every endpoint, so that no view or field meets them:

- a body that is not JSON, or not UTF-8: 400 ``parse_error``;
- a string holding NUL (PostgreSQL text cannot store it): 400 ``parse_error``;
- JSON the API does not take (400 ``invalid_json``): nesting deeper than ``MAX_DEPTH`` (a
  recursive reader would run out of stack), a number too large for a float (``1e400``) or an
  integer of more digits than Python reads (``sys.get_int_max_str_digits``), a string holding
  a lone UTF-16 surrogate (``"\\ud800"``: valid JSON, but no text; it cannot be encoded,
  hashed or stored).
"""

import math
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_DEPTH = 32
# The surrogate halves that only pair in UTF-16: no text holds one alone.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON string (an unterminated one runs to the end of the text), or a bracket. Written so that
# no text makes the expression backtrack: the body is read once, left to right.
TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[][{}]', re.DOTALL)


class InvalidJSON(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_json"
    default_detail = _("The request body holds JSON the API does not take.")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets in strings do not
    count), in time linear in the text's length."""
    depth = deepest = 0
    for token in TOKENS.finditer(text):
        char = text[token.start()]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def integer(digits: str) -> int:
    """Read a JSON integer; one of more digits than Python converts is refused as too large."""
    try:
        return int(digits)
    except ValueError as exc:
        raise InvalidJSON() from exc


def unacceptable(value) -> str | None:
    """What makes a parsed body unacceptable ("nul", "json"), or None; walked without
    recursion so that no shape of body can exhaust the stack."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "nul"
            if LONE_SURROGATE.search(item):
                return "json"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "json"
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


class StrictJSONParser(JSONParser):
    """JSON parser that refuses what no field of the API takes (see the module's doc)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (ValueError, LookupError) as exc:  # UnicodeDecodeError; a charset like rot13
            raise ParseError(f"JSON parse error - {exc}") from exc
        # Counting brackets is cheap; the exact depth is read only where it could be too deep.
        if text.count("[") + text.count("{") > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
            raise InvalidJSON(_("The request body is nested too deeply."))
        try:
            # The body decoded at once: DRF's parser decodes through a codecs stream reader,
            # which costs more than parsing a booking's JSON.
            data = json.loads(
                text,
                parse_int=integer,
                parse_constant=json.strict_constant if self.strict else None,
            )
        except RecursionError as exc:  # pragma: no cover - the depth is bounded above
            raise InvalidJSON(_("The request body is nested too deeply.")) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        problem = unacceptable(data)
        if problem == "nul":
            raise ParseError("NUL characters are not allowed.")
        if problem is not None:
            raise InvalidJSON()
        return data
