"""The staff's consultation pages in a real browser on a 1024 px tablet and a 360 px phone: the
counsellors, a counsellor's week and day, booking for a family who phoned, the appointment's
page with the private note. Every page has no axe violation and no overflow or small target;
screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest

from consultations.models import Appointment
from consultations.services import Family, appointment_book
from events.models import StaffRole
from tests.browser import assert_accessible, layout_problems
from tests.consultations.conftest import ten
from tests.factories import staff_user
from tests.staff.browser_pages import log_in, tablet

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def week(kind, tuesday_ahead):
    family = Family("山田 花子", "hanako@example.jp", topic="入園", free_text="見学したい")
    appointment_book(kind=kind, start=ten(tuesday_ahead), family=family)
    return tuesday_ahead


def check(page, name: str) -> None:
    assert_accessible(page, name)
    assert layout_problems(page) == [], name


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1024", "360"])
def test_a_manager_books_for_a_caller_and_writes_the_note(
    browser, live_server, kind, counsellor, facility, week, viewport
):
    manager = staff_user(facility, StaffRole.MANAGER, username="consult-desk")
    size = "360" if viewport else "1024"
    page = tablet(browser, viewport=viewport) if viewport else tablet(browser)
    log_in(page, live_server.url, manager.username, "/staff/consultations/")
    check(page, f"staff-consultations-{size}")
    page.goto(
        f"{live_server.url}/staff/consultations/counsellors/{counsellor.pk}/?date={week}&span=week"
    )
    check(page, f"staff-consultation-week-{size}")
    page.goto(f"{live_server.url}/staff/consultations/counsellors/{counsellor.pk}/?date={week}")
    assert page.get_by_text("山田 花子").count() == 1
    check(page, f"staff-consultation-day-{size}")
    page.locator(f"a[href*='/staff/consultations/book/{kind.slug}/']").first.click()
    page.wait_for_url("**/staff/consultations/book/**")
    check(page, f"staff-consultation-book-{size}")
    page.get_by_label("氏名").fill("電話 太郎")
    page.get_by_label("電話番号").fill("090-1111-2222")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/staff/consultations/appointments/**")
    appointment = Appointment.objects.get(name="電話 太郎")
    assert appointment.email == "" and appointment.booked_by_staff
    check(page, f"staff-consultation-appointment-{size}")
    assert "見学したい" not in page.content()  # another family's answers are not here
    # The caller phones again: found from the desk by her number, without its hyphens.
    page.goto(f"{live_server.url}/staff/consultations/")
    page.fill("input[name=q]", "09011112222")
    page.get_by_role("button", name="検索").click()
    page.wait_for_load_state()
    found = page.locator(".found-parties li")
    assert found.count() == 1 and "電話 太郎" in found.inner_text()
    check(page, f"staff-consultation-search-{size}")
    found.locator("a").click()
    page.wait_for_url(f"**/staff/consultations/appointments/{appointment.code}/")
