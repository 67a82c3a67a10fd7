"""The languages the product speaks, in one place: which codes exist (``settings.LANGUAGES``),
how a code a client sent becomes one of them, each language's name in its own script, and how
a link asks a page for one (``?lang=``).

やさしい日本語 (Easy Japanese, recommended by the national government for foreign residents)
is a language of its own, ``ja-easy``: its catalogue writes ふりがな as ``{漢字|かんじ}``, which
``core.ruby`` turns into ``<ruby>`` on pages and ``漢字(かんじ)`` in plain text.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language, pgettext

EASY_JAPANESE = "ja-easy"

# Each language's name as its readers write it: the switcher shows these, never translated.
NATIVE_NAMES = {
    "ja": "日本語",
    EASY_JAPANESE: "やさしい にほんご",
    "en": "English",
    "zh-hans": "简体中文",
    "ko": "한국어",
    "pt-br": "Português",
    "vi": "Tiếng Việt",
}

# Django knows every language here but Easy Japanese: LANG_INFO gives it a name and direction.
EXTRA_LANG_INFO = {
    EASY_JAPANESE: {
        "bidi": False,
        "code": EASY_JAPANESE,
        "name": "Easy Japanese",
        "name_local": NATIVE_NAMES[EASY_JAPANESE],
    }
}


# The tag a page's lang attribute carries (BCP 47): Django's codes are lower case, and
# やさしい日本語 is Japanese to a browser, a screen reader and a font.
HTML_LANG = {"zh-hans": "zh-Hans", "pt-br": "pt-BR", EASY_JAPANESE: "ja"}


def html_lang(code: str) -> str:
    return HTML_LANG.get(code, code)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported_language(code: str | None) -> str:
    """The product's language for a code a client gave (``"zh-Hans"``, ``"pt_BR"``, ``"en-US"``,
    ``"ja-easy"``): the same code if spoken, else its base language if spoken, else the
    default (Japanese)."""
    return spoken_language(code) or settings.LANGUAGE_CODE


def spoken_language(code: str | None) -> str | None:
    """The product's language for a code a client asked for by name (a ``?lang=``): as
    ``supported_language``, but None for a language the product does not speak, where that one
    would answer Japanese."""
    if not code or not isinstance(code, str):
        return None
    codes = language_codes()
    wanted = code.strip().lower().replace("_", "-")
    if wanted in codes:
        return wanted
    base = wanted.split("-", 1)[0]
    if wanted.startswith("zh") and "zh-hans" in codes:
        return "zh-hans"  # 简体: the script foreign residents' materials use
    if base == "pt" and "pt-br" in codes:
        return "pt-br"
    return base if base in codes else None


def current_language() -> str:
    """The language of the request being answered, as one of the product's codes."""
    return supported_language(get_language())


def lang_query(code: str | None = None) -> str:
    """The query string that asks a public URL taking ``?lang=`` (a calendar feed) for a
    language, the request's by default: none for Japanese, every such URL's default."""
    language = supported_language(code) if code else current_language()
    return "" if language == settings.LANGUAGE_CODE else f"?lang={language}"


# The query key that asks a page for a language (``core.middleware.LanguageQueryMiddleware``).
LANGUAGE_QUERY = "lang"


def url_in_language(url: str, code: str | None) -> str:
    """A link to a page that opens it in a language, whatever the browser that follows it asks
    for (an email's links carry the email's): ``lang=<code>`` added to its query, before any
    ``#fragment``. The code becomes one of the product's (``supported_language``); no link
    stays no link (an email whose row carries none)."""
    if not url:
        return url
    base, hash_mark, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    language = supported_language(code)
    return f"{base}{separator}{LANGUAGE_QUERY}={language}{hash_mark}{fragment}"


def switcher_choices() -> list[tuple[str, str]]:
    """(code, name in its own script) for every language, in the settings' order."""
    return [(code, NATIVE_NAMES.get(code, name)) for code, name in settings.LANGUAGES]


def language_cookie_set(response: HttpResponse, name: str, language: str) -> None:
    """Keep ``language`` in the cookie ``name`` with the settings Django's ``set_language``
    gives its own (a year, the same path, domain and flags): the parents' cookie and the
    staff's."""
    response.set_cookie(
        name,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def listed(items: Iterable[str] | None) -> str:
    """Items on one line as the active language lists them: 山田 太郎、佐藤 次郎 in Japanese (and
    Chinese), "Ann, Bo" in English. Every list the product writes (needs, ages, names, a party's
    numbers) is joined here, in one catalogue entry."""
    return pgettext("list separator", ", ").join(items or ())
