"""Template filters for the languages the product speaks (``core.languages``)."""

from django import template

from core.languages import html_lang

register = template.Library()


@register.filter
def bcp47(code: str) -> str:
    """A language code as a lang attribute writes it: zh-Hans, pt-BR, ja for やさしい日本語."""
    return html_lang(code)
