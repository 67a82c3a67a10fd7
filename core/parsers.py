"""The JSON parser of the API: the body read and decoded at once, bad bodies refused with 400."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """JSON parser that refuses NUL characters, which PostgreSQL text cannot store or compare."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            # The body read and decoded at once: DRF's parser decodes through a codecs stream
            # reader, which costs more than parsing a booking's JSON.
            data = json.loads(
                stream.read().decode(encoding),
                parse_constant=json.strict_constant if self.strict else None,
            )
        except ValueError as exc:  # UnicodeDecodeError included
            raise ParseError(f"JSON parse error - {exc}") from exc
        if contains_nul(data):
            raise ParseError("NUL characters are not allowed.")
        return data
