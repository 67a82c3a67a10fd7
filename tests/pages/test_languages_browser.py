"""Every language at 360 px in Debian's Chromium: the list, a session, the form, the result and
the manage page, each with the right lang tag, axe-core clean, nothing scrolling sideways or too
small to tap, the language menu showing every name whole, the address on the session page
unbroken, and a screenshot per page in test-artifacts/ (lang-<code>-*.png)."""

from __future__ import annotations

import pytest
from django.conf import settings

from booking.models import Reservation
from core.languages import html_lang
from tests.browser import new_page
from tests.pages.browser_checks import MANAGE_LINK, broken_inside, check, reserve, wait_for_mail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.API_THROTTLE_ENABLED = False


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_a_parent_books_and_manages_in_every_language(browser, live_server, play, code):
    page = new_page(browser)
    page.context.add_cookies([{"name": "django_language", "value": code, "url": live_server.url}])
    tag = html_lang(code)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == tag
    check(page, f"lang-{code}-1-list")
    page.goto(f"{live_server.url}/sessions/{play.pk}/")
    check(page, f"lang-{code}-2-session")
    assert not broken_inside(page, "山下町15-1")  # the facility's address keeps its number
    page.goto(f"{live_server.url}/sessions/{play.pk}/reserve/")
    check(page, f"lang-{code}-3-form")
    if code == "ja-easy":  # the script that restores the button's label keeps its ふりがな
        assert page.locator("form button[type=submit]").last.locator("ruby rt").count() > 0
    email = f"lang-{code}@example.jp"
    reserve(page, name="Nguyen Thi Lan", email=email, child_age="4")
    page.locator("form.reserve button[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == tag
    check(page, f"lang-{code}-4-result")
    reservation = Reservation.objects.get(email=email)
    assert reservation.language == code and reservation.name == "Nguyen Thi Lan"

    message = wait_for_mail(email, reservation.code)
    page.goto(MANAGE_LINK.search(message.body).group(0))
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == tag
    check(page, f"lang-{code}-5-manage")
