"""Public feeds in a language: ``?lang=`` writes SUMMARY, DESCRIPTION and LOCATION with the
titles, places and notes staff translated (else the Japanese) and says which with LANGUAGE;
the language is part of the cache key and the ETag; no ``lang`` is Japanese whatever the
client's Accept-Language; a language the product does not speak is 400; the pages and the
API link to the feed in their own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from calendars import ics as calendar
from events.models import Audience
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    """A facility with an English name, a translated programme and one left in Japanese."""
    facility = FacilityFactory(
        slug="ribbon",
        name="すこやか子育て交流館",
        name_en="Sukoyaka Child-Rearing Hub",
        access="市電「高見馬場」下車すぐ",
        access_en="Next to Takamibaba tram stop",
    )
    papa = ProgramFactory(
        slug="papa",
        title="スマイルパパ講座",
        title_en="Smile Papa Course",
        title_ja_easy="パパの {教室|きょうしつ}",
        what_to_bring="筆記用具",
        what_to_bring_en="Something to write with",
        audience=Audience.FATHERS,
    )
    book = ProgramFactory(slug="book", title="ブックスタート", title_en="")
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return {
        "papa": SessionFactory(facility=facility, program=papa, start=start),
        "book": SessionFactory(facility=facility, program=book, start=start + timedelta(days=1)),
    }


def feed(api, url: str, **headers):
    answer = api.get(url, **headers)
    assert answer.status_code == 200, answer.content
    parsed = Calendar.from_ical(answer.content)
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    return answer, parsed, events


def uid(session) -> str:
    return calendar.session_uid(session)


def language_of(prop) -> str:
    return prop.params.get("LANGUAGE")


def test_an_english_feed_writes_the_translations_and_says_so(api, centre):
    answer, parsed, events = feed(api, "/calendar/facilities/ribbon.ics?lang=en")

    assert str(parsed["X-WR-CALNAME"]) == "Sukoyaka Child-Rearing Hub"
    papa = events[uid(centre["papa"])]
    assert str(papa["SUMMARY"]) == "Smile Papa Course" and language_of(papa["SUMMARY"]) == "en"
    assert "What to bring: Something to write with" in str(papa["DESCRIPTION"])
    # the emails' word for it, not a second one (Access)
    assert "Getting there: Next to Takamibaba tram stop" in str(papa["DESCRIPTION"])
    assert language_of(papa["DESCRIPTION"]) == "en"
    assert str(papa["LOCATION"]).startswith("Sukoyaka Child-Rearing Hub ")
    assert language_of(papa["LOCATION"]) == "en"
    # No English title entered: the Japanese, marked as Japanese, in an English description.
    book = events[uid(centre["book"])]
    assert str(book["SUMMARY"]) == "ブックスタート" and language_of(book["SUMMARY"]) == "ja"
    assert language_of(book["DESCRIPTION"]) == "en"


def test_without_lang_the_feed_is_japanese_whatever_the_client_asks(api, centre):
    plain, _, events = feed(api, "/calendar/facilities/ribbon.ics", HTTP_ACCEPT_LANGUAGE="en")

    papa = events[uid(centre["papa"])]
    assert str(papa["SUMMARY"]) == "スマイルパパ講座" and language_of(papa["SUMMARY"]) == "ja"
    assert "持ち物" in str(papa["DESCRIPTION"]) and "筆記用具" in str(papa["DESCRIPTION"])
    assert str(papa["LOCATION"]).startswith("すこやか子育て交流館 ")
    japanese, _, _ = feed(api, "/calendar/facilities/ribbon.ics?lang=ja")
    assert japanese.content == plain.content and japanese["ETag"] == plain["ETag"]


def test_the_language_is_in_the_etag_and_the_cache_key(api, centre, monkeypatch):
    rendered = []
    real = calendar.feed_ics
    monkeypatch.setattr(calendar, "feed_ics", lambda *a, **k: rendered.append(1) or real(*a, **k))

    ja, _, _ = feed(api, "/calendar/programs/papa.ics")
    en, _, en_events = feed(api, "/calendar/programs/papa.ics?lang=en")
    again, _, _ = feed(api, "/calendar/programs/papa.ics?lang=en")
    variant, _, _ = feed(api, "/calendar/programs/papa.ics?lang=EN-us")
    ko, _, _ = feed(api, "/calendar/programs/papa.ics?lang=ko")

    assert len({ja["ETag"], en["ETag"], ko["ETag"]}) == 3
    assert en["ETag"] == again["ETag"] == variant["ETag"]
    assert again.content == variant.content == en.content != ja.content
    assert len(rendered) == 3  # ja, en, ko: the English body was rendered once
    assert str(en_events[uid(centre["papa"])]["SUMMARY"]) == "Smile Papa Course"
    # A client holding the English ETag gets the Japanese body, not a 304.
    crossed = api.get("/calendar/programs/papa.ics", HTTP_IF_NONE_MATCH=en["ETag"])
    assert crossed.status_code == 200 and crossed.content == ja.content
    assert (
        api.get("/calendar/programs/papa.ics?lang=en", HTTP_IF_NONE_MATCH=en["ETag"]).status_code
        == 304
    )


@pytest.mark.parametrize("lang", ["fr", "xx", "", "jaeasy", "en;DROP"])
def test_a_language_not_spoken_is_400_with_a_code(api, centre, lang):
    answer = api.get(f"/calendar/facilities/ribbon.ics?lang={lang}", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "unsupported_language"
    assert body["message"] == "Calendars are not available in this language."
    assert body["languages"] == [code for code, _name in settings.LANGUAGES]


def test_the_refusal_speaks_the_requests_language(api, centre):
    answer = api.get("/calendar/sessions.ics?lang=fr", HTTP_ACCEPT_LANGUAGE="ja")
    assert answer.status_code == 400
    assert answer.json()["message"] == "この言語のカレンダーはご用意していません。"


def test_easy_japanese_writes_the_reading_in_brackets(api, centre):
    _, parsed, events = feed(api, "/calendar/programs/papa.ics?lang=ja-easy")

    summary = events[uid(centre["papa"])]["SUMMARY"]
    assert str(summary) == "パパの 教室(きょうしつ)" and language_of(summary) == "ja"
    assert "{" not in str(parsed.to_ical().decode())


def test_the_names_of_the_whole_and_audience_feeds_follow_the_language(api, centre):
    _, everything, _ = feed(api, "/calendar/sessions.ics?lang=en")
    _, fathers, events = feed(api, "/calendar/audiences/fathers.ics?lang=en")
    _, japanese, _ = feed(api, "/calendar/audiences/fathers.ics")

    assert str(everything["X-WR-CALNAME"]) == "Child-care support events"
    assert str(fathers["X-WR-CALNAME"]) == "Child-care support events (Fathers)"
    assert str(japanese["X-WR-CALNAME"]).endswith("（父親・父親になる方）")
    assert str(events[uid(centre["papa"])]["SUMMARY"]) == "Smile Papa Course"


def test_a_session_download_follows_the_page_in_every_language(api, centre):
    session = centre["papa"]
    api.cookies["django_language"] = "ko"
    _, _, events = feed(api, f"/calendar/sessions/{session.pk}.ics")
    assert language_of(events[uid(session)]["DESCRIPTION"]) == "ko"
    _, _, events = feed(api, f"/calendar/sessions/{session.pk}.ics?lang=en")
    assert str(events[uid(session)]["SUMMARY"]) == "Smile Papa Course"
    assert api.get(f"/calendar/sessions/{session.pk}.ics?lang=fr").status_code == 400


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_session_page_subscribes_in_its_language(client, centre, language):
    session = centre["papa"]
    client.cookies["django_language"] = language
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    query = "?lang=en" if language == "en" else ""
    assert f'/calendar/programs/papa.ics{query}"' in html
    assert f'/calendar/facilities/ribbon.ics{query}"' in html


def test_the_api_links_to_the_feed_in_the_requests_language(api, centre):
    en = api.get("/api/v1/programs/papa/", HTTP_ACCEPT_LANGUAGE="en").json()
    ja = api.get("/api/v1/programs/papa/", HTTP_ACCEPT_LANGUAGE="ja").json()

    assert en["calendar_url"] == f"{settings.SITE_URL}/calendar/programs/papa.ics?lang=en"
    assert en["webcal_url"].endswith("/calendar/programs/papa.ics?lang=en")
    assert ja["calendar_url"] == f"{settings.SITE_URL}/calendar/programs/papa.ics"
    path = en["calendar_url"].removeprefix(settings.SITE_URL)
    _, _, events = feed(api, path)
    assert str(events[uid(centre["papa"])]["SUMMARY"]) == "Smile Papa Course"
