"""A page asked for in a language (``?lang=vi``) answers in it and keeps it through the language
cookie, and every link an email gives to a parents' page carries the email's language, so a
parent whose browser speaks another language (a mail app's own browser, a phone set to
Japanese) lands on a page she reads. The API, the calendar feeds and the staff pages keep their
own meaning of ``lang``."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from icalendar import Calendar

from booking.services import lottery_draw
from events.models import BookingMode
from notifications.emails import build_context, render
from notifications.models import Notification, NotificationKind
from tests.factories import ProgramFactory, SessionFactory, book

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
VI_SITE = "Sự kiện nuôi dạy con"  # "Child-care events", the header of every parents' page
JA_SITE = "子育てイベント予約"


def japanese_phone() -> Client:
    """A browser that has never seen the site, on a phone set to Japanese."""
    return Client(HTTP_ACCEPT_LANGUAGE="ja")


def main_of(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_page_asked_for_in_vietnamese_answers_in_it_and_the_next_pages_stay(db):
    session = SessionFactory(capacity=3)
    browser = japanese_phone()

    answer = browser.get(f"/sessions/{session.pk}/?lang=vi")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert '<html lang="vi"' in html and VI_SITE in html and "Còn 3 chỗ" in html
    assert answer["Content-Language"] == "vi"
    cookie = answer.cookies[COOKIE]
    assert cookie.value == "vi" and int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE

    following = browser.get("/").content.decode()
    assert '<html lang="vi"' in following and VI_SITE in following and JA_SITE not in following


@pytest.mark.parametrize(
    ("asked", "code", "tag"),
    [("zh-CN", "zh-hans", "zh-Hans"), ("pt_BR", "pt-br", "pt-BR"), ("EN", "en", "en")],
)
def test_a_language_is_taken_as_the_product_names_it(db, asked, code, tag):
    answer = japanese_phone().get(f"/?lang={asked}")
    assert f'<html lang="{tag}"' in answer.content.decode()
    assert answer.cookies[COOKIE].value == code


def test_easy_japanese_is_asked_for_by_its_code_and_shows_its_furigana(db):
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get("/?lang=ja-easy")
    html = answer.content.decode()
    assert answer.cookies[COOKIE].value == "ja-easy"
    assert "<ruby>" in html and "{" not in main_of(html).split("<script")[0]


@pytest.mark.parametrize("asked", ["xx", "", "fr", "jaeasy", "en;DROP", "%ED%A0%80", "x" * 5000])
def test_an_unknown_language_is_ignored(db, asked):
    session = SessionFactory(capacity=3)
    ja = japanese_phone().get(f"/sessions/{session.pk}/?lang={asked}")
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sessions/{session.pk}/?lang={asked}")
    assert ja.status_code == en.status_code == 200
    assert '<html lang="ja"' in ja.content.decode() and "残り3席" in ja.content.decode()
    assert '<html lang="en"' in en.content.decode() and "3 seats left" in en.content.decode()
    assert COOKIE not in ja.cookies and COOKIE not in en.cookies


def test_the_switcher_is_not_undone_by_the_lang_the_page_was_opened_with(db):
    session = SessionFactory()
    browser = japanese_phone()
    page = browser.get(f"/sessions/{session.pk}/?lang=vi&page=1").content.decode()
    back_to = re.search(r'name="next" value="([^"]*)"', page).group(1).replace("&amp;", "&")
    assert back_to == f"/sessions/{session.pk}/?page=1"

    switched = browser.post("/i18n/setlang/", {"language": "en", "next": back_to}, follow=True)
    assert '<html lang="en"' in switched.content.decode()
    assert browser.cookies[COOKIE].value == "en"


@pytest.fixture
def cached(settings):
    settings.PAGES_CACHE_SECONDS = 60  # long enough that nothing here is drawn twice


def test_the_cached_page_of_one_language_is_never_served_in_another(db, cached):
    session = SessionFactory(capacity=3)
    path = f"/sessions/{session.pk}/"
    seen = {
        "vi first": japanese_phone().get(f"{path}?lang=vi"),
        "ja": japanese_phone().get(path),
        "ja asked": Client(HTTP_ACCEPT_LANGUAGE="vi").get(f"{path}?lang=ja"),
        "vi again": japanese_phone().get(f"{path}?lang=vi"),
        "unknown": japanese_phone().get(f"{path}?lang=xx"),
    }
    vietnamese = Client(HTTP_ACCEPT_LANGUAGE="ja")
    vietnamese.cookies[COOKIE] = "vi"
    seen["vi cookie"] = vietnamese.get(path)
    for name, answer in seen.items():
        main = main_of(answer.content.decode())
        if name.startswith("vi"):
            assert "Còn 3 chỗ" in main and "残り3席" not in main, name
        else:
            assert "残り3席" in main and "Còn 3 chỗ" not in main, name


def first_email(reservation, kind=NotificationKind.CONFIRMED):
    return render(Notification.objects.get(reservation=reservation, kind=kind))


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_a_vietnamese_emails_links_open_the_pages_in_vietnamese(db):
    session = SessionFactory(capacity=3)
    result = book(session, email="lan@example.jp", language="vi", name="Nguyen Lan")
    mail = first_email(result.reservation)

    links = links_in(mail.text)
    manage = next(link for link in links if "/manage/" in link)
    assert manage.endswith("&lang=vi") and f"?token={result.token}&" in manage
    assert f'href="{manage.replace("&", "&amp;")}"' in mail.html
    context = build_context(Notification.objects.get(reservation=result.reservation))
    assert context["my_reservations_url"] == f"{settings.SITE_URL}/my-reservations/?lang=vi"
    assert context["site_url"] == f"{settings.SITE_URL}/?lang=vi"
    ours = [link for link in links if link.startswith(settings.SITE_URL)]
    assert ours == [manage], links

    landed = japanese_phone().get(manage.removeprefix(settings.SITE_URL), follow=True)
    html = landed.content.decode()
    assert landed.status_code == 200 and result.reservation.code in html
    assert '<html lang="vi"' in html and VI_SITE in html
    assert result.token not in landed.redirect_chain[-1][0]  # the token left the address


def test_a_link_with_a_fragment_carries_the_language_before_it(db):
    program = ProgramFactory(booking_mode=BookingMode.LOTTERY, max_adults=1, max_children=1)
    session = SessionFactory(program=program, capacity=2)
    result = book(session, email="win@example.jp", language="pt-br")
    lottery_draw(session=session, seed="fixed")
    mail = first_email(result.reservation, NotificationKind.LOTTERY_WON)
    confirm = next(link for link in links_in(mail.text) if link.endswith("#confirm"))
    assert confirm.endswith("&lang=pt-br#confirm") and "?token=" in confirm
    landed = japanese_phone().get(confirm.removeprefix(settings.SITE_URL), follow=True)
    assert '<html lang="pt-BR"' in landed.content.decode()


def test_a_japanese_email_links_in_japanese_too(db):
    """A Japanese parent whose browser asks for English opens her Japanese email's link in
    Japanese, the language she booked in."""
    result = book(SessionFactory(), email="hanako@example.jp", language="ja")
    manage = next(
        link for link in links_in(first_email(result.reservation).text) if "/manage/" in link
    )
    assert manage.endswith("&lang=ja")
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        manage.removeprefix(settings.SITE_URL), follow=True
    )
    assert '<html lang="ja"' in page.content.decode()


def test_the_invite_links_the_session_page_in_the_emails_language(db):
    session = SessionFactory()
    result = book(session, email="ko@example.jp", language="ko")
    [(_method, ics)] = first_email(result.reservation).invites
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["URL"]) == f"{settings.SITE_URL}/sessions/{session.pk}/?lang=ko"
    assert f"/sessions/{session.pk}/?lang=ko" in str(event["DESCRIPTION"])


def test_the_my_reservations_email_links_in_its_language(db):
    book(SessionFactory(), email="mai@example.jp", language="vi")
    japanese_phone().post("/my-reservations/?lang=vi", {"email": "mai@example.jp"})
    row = Notification.objects.get(kind=NotificationKind.MY_RESERVATIONS)
    assert row.language == "vi"
    link = next(link for link in links_in(render(row).text) if "/my-reservations/" in link)
    assert link.endswith("/?lang=vi")
    page = japanese_phone().get(link.removeprefix(settings.SITE_URL), follow=True)
    assert page.status_code == 200 and '<html lang="vi"' in page.content.decode()


def test_the_api_feeds_and_staff_pages_keep_their_own_lang(db):
    session = SessionFactory()
    api = japanese_phone().get(f"/api/v1/sessions/{session.pk + 1000}/?lang=vi")
    assert api.status_code == 404 and COOKIE not in api.cookies
    assert api["Content-Language"] == "ja"
    feed = japanese_phone().get("/calendar/sessions.ics?lang=xx")
    assert feed.status_code == 400 and COOKIE not in feed.cookies
    en_feed = japanese_phone().get("/calendar/sessions.ics?lang=en")
    assert en_feed.status_code == 200 and COOKIE not in en_feed.cookies
    staff = japanese_phone().get("/staff/?lang=vi")
    assert COOKIE not in staff.cookies and staff.get("Content-Language") in (None, "ja")
