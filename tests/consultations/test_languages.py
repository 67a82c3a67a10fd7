"""A consultation type's title, description and audience in the reader's language
(consultations.translation), with the Japanese where staff entered none: on the parents' pages
(with the ``lang`` of what is shown), in the API, and in the emails with their invites."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from icalendar import Calendar
from rest_framework.test import APIClient

from consultations.models import ConsultationType
from consultations.services import Family, appointment_book
from notifications.emails import build_message
from notifications.models import Notification
from tests.consultations.conftest import NOW, at

pytestmark = pytest.mark.django_db

ENGLISH = "Nursery admission consultation"


@pytest.fixture
def english(kind):
    kind.title_en = ENGLISH
    kind.description_ja = "入園の申し込みについてご説明します。"
    kind.description_en = "How to apply for a nursery place."
    kind.audience_ja = "入園を考えている保護者"
    kind.save()
    return kind


def page(path: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_pages_show_the_english_title_on_an_english_page(english):
    listed = page("/consultations/", "en")
    assert f'lang="en">{ENGLISH}</a>' in listed and "入園相談" not in listed

    detail = page("/consultations/nyuen/", "en")
    assert f'<h1 lang="en">{ENGLISH}</h1>' in detail
    assert '<p lang="en">How to apply for a nursery place.</p>' in detail
    # No English audience entered: the Japanese, marked as Japanese.
    assert '<span lang="ja">入園を考えている保護者</span>' in detail


def test_an_empty_translation_falls_back_to_the_japanese(english):
    english.title_en = ""
    english.description_en = ""
    english.save()

    detail = page("/consultations/nyuen/", "en")

    assert '<h1 lang="ja">入園相談</h1>' in detail
    assert '<p lang="ja">入園の申し込みについてご説明します。</p>' in detail
    assert "Choose a time" in detail  # the page itself is English
    assert '<h1 lang="ja">入園相談</h1>' in page("/consultations/nyuen/", "ko")


def test_the_japanese_page_keeps_the_japanese_title(english):
    assert '<h1 lang="ja">入園相談</h1>' in page("/consultations/nyuen/", "ja")


def test_the_appointment_page_shows_the_title_in_the_page_language(english, client):
    appointment, token = appointment_book(
        kind=english, start=at(12, 10), family=Family("山田", "y@ex.jp"), now=NOW
    )
    client.cookies["django_language"] = "en"
    html = client.get(
        f"/consultations/appointments/{appointment.code}/?token={token}", follow=True
    ).content.decode()
    assert f'<dd lang="en">{ENGLISH}</dd>' in html


def test_the_api_answers_in_the_requests_language(english):
    api = APIClient()
    en = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="en").json()[0]
    ja = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="ja").json()[0]
    vi = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="vi").json()[0]
    assert (en["title"], en["description"]) == (ENGLISH, "How to apply for a nursery place.")
    assert ja["title"] == vi["title"] == "入園相談"


def email_of(notification: Notification):
    parsed = message_from_bytes(build_message(notification, now=NOW).message().as_bytes())
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    return parsed, event


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", ENGLISH), ("vi", "入園相談"), ("ja", "入園相談")],
)
def test_the_emails_and_invites_carry_the_title_in_the_familys_language(english, language, title):
    appointment_book(
        kind=english,
        start=at(12, 10),
        family=Family("山田", "y@ex.jp", language=language),
        now=NOW,
    )

    message, event = email_of(Notification.objects.get(kind="appointment_confirmed"))

    assert title in str(make_header(decode_header(message["Subject"])))
    assert str(event["SUMMARY"]).startswith(title)
    assert (language == "en") == ("入園相談" not in str(event["SUMMARY"]))


def test_easy_japanese_invites_write_the_reading_in_brackets(kind):
    kind.title_ja_easy = "{入園|にゅうえん}の {相談|そうだん}"
    kind.save()
    appointment_book(
        kind=kind, start=at(12, 10), family=Family("山田", "y@ex.jp", language="ja-easy"), now=NOW
    )
    _, event = email_of(Notification.objects.get(kind="appointment_confirmed"))
    assert str(event["SUMMARY"]).startswith("入園(にゅうえん)の 相談(そうだん)")


def test_the_demo_types_speak_every_language():
    call_command("load_demo")
    assert ConsultationType.objects.count() == 2
    for code in ("en", "zh_hans", "ko", "pt_br", "vi", "ja_easy"):
        for field in ("title", "description", "audience"):
            column = f"{field}_{code}"
            empty = ConsultationType.objects.filter(
                Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
            )
            assert not empty.exists(), (code, field)
    easy = page("/consultations/", "ja-easy")
    assert "<ruby>保育園<rt>ほいくえん</rt></ruby>" in easy and "{" not in easy
    assert "Nursery and kindergarten admission consultation" in page("/consultations/", "en")


def test_the_emails_manage_link_opens_the_page_in_the_familys_language(english):
    """The link of a Vietnamese email, followed in a browser that asks for Japanese (a mail
    app's own browser), opens the appointment's page in Vietnamese."""
    appointment, token = appointment_book(
        kind=english,
        start=at(12, 10),
        family=Family("Nguyen Lan", "lan@ex.jp", language="vi"),
        now=NOW,
    )
    text = build_message(Notification.objects.get(kind="appointment_confirmed"), now=NOW).body
    link = next(word for word in text.split() if "/appointments/" in word)
    assert link.endswith(f"?token={token}&lang=vi")

    browser = Client(HTTP_ACCEPT_LANGUAGE="ja")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    answer = browser.get(path, follow=True)
    html = answer.content.decode()
    assert answer.status_code == 200 and appointment.code in html
    assert '<html lang="vi"' in html and browser.cookies["django_language"].value == "vi"
    assert token not in answer.redirect_chain[-1][0]
