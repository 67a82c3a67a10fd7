"""The desk's words (``staffdesk.terms``) in templates: the roster and its print say the same."""

from __future__ import annotations

from django import template

from staffdesk.terms import ATTENDEES, NO_EMAIL

register = template.Library()

WORDS = {"no_email": NO_EMAIL, "attendees": ATTENDEES}


@register.simple_tag
def desk_word(name: str) -> str:
    """One of the desk's words in the page's language: ``{% desk_word "no_email" as l %}``."""
    return str(WORDS[name])
