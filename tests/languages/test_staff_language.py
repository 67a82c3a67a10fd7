"""Staff keep their own language (core.staff_language): the desk tablet where a member of staff
opens a parent's emailed link (``?lang=vi``) or switches a parent's page to Vietnamese to show
her keeps its staff pages and the admin in the language staff chose with their own toggle, and
the parents' pages never follow the staff's choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import StaffRole
from tests.factories import FacilityFactory, SessionFactory, book, staff_user

pytestmark = pytest.mark.django_db

PARENTS_COOKIE = settings.LANGUAGE_COOKIE_NAME
STAFF_COOKIE = settings.STAFF_LANGUAGE_COOKIE_NAME
TOGGLE = "/staff/language/"
# Each staff page's header says it: 職員用 / Staff, ログアウト / Log out (Đăng xuất in Vietnamese).
STAFF_JA, STAFF_EN, STAFF_VI = "ログアウト", "Log out", "Đăng xuất"
# The header of every parents' page.
PARENTS_JA, PARENTS_EN = "子育てイベント予約", "Child-care events"
PARENTS_VI = "Sự kiện nuôi dạy con"


@pytest.fixture
def desk():
    """The desk tablet: a manager logged in, the browser set to Japanese, a session a parent
    booked next week, and the staff pages to look at."""
    facility = FacilityFactory()
    session = SessionFactory(facility=facility, start=timezone.now() + timedelta(days=7))
    tablet = Client(HTTP_ACCEPT_LANGUAGE="ja")
    tablet.force_login(staff_user(facility, StaffRole.MANAGER))
    pages = [
        reverse("staff:today"),
        f"/staff/sessions/{session.pk}/",
        reverse("schedule:month"),
        reverse("consult_staff:desk"),
    ]
    return tablet, session, pages


def html(answer) -> str:
    assert answer.status_code == 200, answer
    return answer.content.decode()


def speaks(page: str, language: str) -> bool:
    """Whether a staff page is in Japanese or English, and in nothing else."""
    words = {"ja": STAFF_JA, "en": STAFF_EN, "vi": STAFF_VI}
    return f'<html lang="{language}"' in page and all(
        (word in page) == (code == language) for code, word in words.items()
    )


def test_a_parents_emailed_link_in_vietnamese_leaves_the_staff_pages_in_japanese(desk):
    tablet, session, pages = desk
    parent = tablet.get(f"/sessions/{session.pk}/?lang=vi")
    assert PARENTS_VI in html(parent) and tablet.cookies[PARENTS_COOKIE].value == "vi"
    for path in pages:
        assert speaks(html(tablet.get(path)), "ja"), path
    # The parent's next page stays in her language all the same.
    assert PARENTS_VI in html(tablet.get("/"))


def test_the_parents_switcher_leaves_the_staff_pages_in_the_staffs_language(desk):
    tablet, session, pages = desk
    tablet.post(TOGGLE, {"language": "en", "next": pages[0]})
    switched = tablet.post("/i18n/setlang/", {"language": "vi", "next": f"/sessions/{session.pk}/"})
    assert switched.status_code == 302 and tablet.cookies[PARENTS_COOKIE].value == "vi"
    assert PARENTS_VI in html(tablet.get(f"/sessions/{session.pk}/"))
    for path in pages:
        assert speaks(html(tablet.get(path)), "en"), path


def test_the_staff_toggle_changes_the_staff_pages_and_not_the_parents(desk):
    tablet, session, pages = desk
    tablet.get("/?lang=vi")  # a parent's page shown in Vietnamese a moment ago
    toggle = html(tablet.get(pages[0]))
    assert f'action="{TOGGLE}"' in toggle and 'action="/i18n/setlang/"' not in toggle

    answer = tablet.post(TOGGLE, {"language": "en", "next": pages[1]})
    assert answer.status_code == 302 and answer["Location"] == pages[1]
    assert answer.cookies[STAFF_COOKIE].value == "en" and PARENTS_COOKIE not in answer.cookies
    english = tablet.get(pages[1])
    assert speaks(html(english), "en") and english["Content-Language"] == "en"
    assert "Cookie" in english["Vary"]
    assert PARENTS_VI in html(tablet.get(f"/sessions/{session.pk}/"))
    assert tablet.cookies[PARENTS_COOKIE].value == "vi"

    tablet.post(TOGGLE, {"language": "ja", "next": pages[1]})
    assert speaks(html(tablet.get(pages[1])), "ja")


@pytest.fixture
def cached(settings):
    settings.PAGES_CACHE_SECONDS = 60  # long enough that nothing here is drawn twice


def test_the_parents_pages_never_read_or_set_the_staff_cookie(db, cached):
    session = SessionFactory(capacity=3)
    path = f"/sessions/{session.pk}/"
    staff_en = Client(HTTP_ACCEPT_LANGUAGE="ja")
    staff_en.cookies[STAFF_COOKIE] = "en"
    seen = {
        "ja": staff_en.get(path),
        "ja again": staff_en.get("/"),
        "vi asked": staff_en.get(f"{path}?lang=vi"),
        "vi kept": staff_en.get(path),
        "ja parent": Client(HTTP_ACCEPT_LANGUAGE="ja").get(path),
        "en parent": Client(HTTP_ACCEPT_LANGUAGE="en").get(path),
    }
    for name, answer in seen.items():
        page = html(answer)
        expected = {"ja": PARENTS_JA, "vi": PARENTS_VI, "en": PARENTS_EN}[name.split()[0]]
        assert expected in page, name
        assert STAFF_COOKIE not in answer.cookies, name
    assert "残り3席" in html(seen["ja parent"]) and "3 seats left" in html(seen["en parent"])
    assert staff_en.cookies[STAFF_COOKIE].value == "en"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("vi,en;q=0.5", "vi"),
        ("ja-JP", "ja"),
        ("ko, zh-CN;q=0.8", "ko"),
        ("ja-easy,en;q=0.5", "en"),  # the staff's strings in やさしい日本語 are the Japanese
        ("*", "ja"),
        (None, "ja"),
    ],
)
def test_without_a_staff_choice_the_browsers_language_among_the_staffs_else_japanese(
    db, accept_language, expected
):
    browser = Client() if accept_language is None else Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    browser.cookies[PARENTS_COOKIE] = "vi"  # never read on the staff's pages
    login = browser.get(reverse("staff:login"))
    assert f'<html lang="{expected}"' in html(login)
    assert login["Content-Language"] == expected


@pytest.mark.parametrize(
    "chosen",
    ["ja-easy", "xx", "", "<script>", "en" * 200],
    ids=["ja-easy", "xx", "empty", "markup", "long"],
)
def test_a_staff_cookie_the_staff_pages_do_not_speak_is_ignored(db, chosen):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.cookies[STAFF_COOKIE] = chosen
    assert '<html lang="en"' in html(browser.get(reverse("staff:login")))


@pytest.mark.parametrize(
    "language",
    ["ja-easy", "xx", "", "en\x00", "x" * 5000],
    ids=["ja-easy", "xx", "empty", "nul", "long"],
)
def test_a_language_the_toggle_does_not_offer_is_ignored(desk, language):
    tablet, _session, pages = desk
    tablet.post(TOGGLE, {"language": "en", "next": pages[0]})
    answer = tablet.post(TOGGLE, {"language": language, "next": pages[0]})
    assert answer.status_code == 302 and answer["Location"] == pages[0]
    assert STAFF_COOKIE not in answer.cookies
    assert speaks(html(tablet.get(pages[0])), "en")


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/staff/",
        "http://testserver@evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "\x00/staff/",
        "",
    ],
)
def test_the_toggle_never_leads_off_the_site(db, next_url):
    answer = Client().post(TOGGLE, {"language": "en", "next": next_url})
    assert answer.status_code == 302 and answer["Location"] == "/staff/"
    assert answer.cookies[STAFF_COOKIE].value == "en"


def test_the_toggle_wants_a_post_with_its_security_token(db):
    browser = Client(enforce_csrf_checks=True)
    asked = browser.get(f"{TOGGLE}?language=en&next=https://evil.example/")
    assert asked.status_code == 405 and STAFF_COOKIE not in asked.cookies
    forged = browser.post(TOGGLE, {"language": "en", "next": "/staff/"})
    assert forged.status_code == 403 and STAFF_COOKIE not in forged.cookies
    assert '<html lang="ja"' in html(browser.get(reverse("staff:login")))


def test_the_admin_follows_the_staff_language(db):
    root = get_user_model().objects.create_superuser("root@example.jp", "root@example.jp", "pw")
    tablet = Client(HTTP_ACCEPT_LANGUAGE="ja")
    tablet.force_login(root)
    tablet.get("/?lang=vi")
    japanese = html(tablet.get("/admin/"))
    assert '<html lang="ja"' in japanese and "サイト管理" in japanese and "Thoát" not in japanese
    tablet.post(TOGGLE, {"language": "en", "next": "/admin/"})
    english = html(tablet.get("/admin/"))
    assert '<html lang="en"' in english and "Site administration" in english
    assert tablet.cookies[PARENTS_COOKIE].value == "vi"


def test_the_check_in_script_hears_the_api_in_the_staffs_language(desk):
    """The roster's one-tap check-in shows the API's message on the staff page: its requests
    (with the X-Staff-Page header) are answered in the staff's language. Without the header the
    API answers as it always has, in the language of the parents' cookie or Accept-Language."""
    tablet, session, _pages = desk
    code = book(session).reservation.code
    tablet.get("/?lang=vi")
    tablet.post(TOGGLE, {"language": "en", "next": "/staff/"})
    url = reverse("staff-api-check-in", args=[session.pk])
    body = {"code": code}
    from_page = tablet.post(url, body, content_type="application/json", HTTP_X_STAFF_PAGE="1")
    assert from_page.status_code == 409
    assert from_page.json()["message"] == "Check-in opens on the day of the session."
    as_before = tablet.post(url, body, content_type="application/json")
    assert as_before.json()["message"] == "Việc điểm danh bắt đầu từ ngày diễn ra buổi."
    public = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/sessions/{session.pk + 1000}/")
    assert public.status_code == 404 and public["Content-Language"] == "en"
