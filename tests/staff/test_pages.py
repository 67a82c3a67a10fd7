"""Staff pages: login, today, roster and check-in without script, forms, print, report, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from booking.models import Reservation
from core.fiscal_years import japanese_fiscal_year
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import book
from tests.staff.conftest import book_before, page_client, started_session

pytestmark = pytest.mark.django_db


def test_login_with_csrf_then_back_to_the_page_asked_for(manager_a, session_a):
    client = Client(enforce_csrf_checks=True)
    target = f"/staff/sessions/{session_a.pk}/"
    redirect = client.get(target)
    assert redirect.status_code == 302
    login_url = redirect["Location"]
    assert login_url == f"/staff/accounts/login/?next=/staff/sessions/{session_a.pk}/"
    form = client.get(login_url)
    assert form.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1)
    without = client.post(login_url, {"username": "manager-a", "password": "pw-Staff-123"})
    assert without.status_code == 403  # no CSRF token
    wrong = client.post(
        login_url,
        {"username": "manager-a", "password": "wrong", "csrfmiddlewaretoken": token.decode()},
    )
    assert wrong.status_code == 200 and b'role="alert"' in wrong.content
    done = client.post(
        login_url,
        {
            "username": "manager-a",
            "password": "pw-Staff-123",
            "csrfmiddlewaretoken": token.decode(),
            "next": target,
        },
    )
    assert done.status_code == 302 and done["Location"] == target
    assert client.get(target).status_code == 200


def test_password_reset_by_email(manager_a):
    client = Client()
    response = client.post("/staff/accounts/password-reset/", {"email": manager_a.email})
    assert response.status_code == 302
    assert response["Location"] == "/staff/accounts/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == [manager_a.email]
    link = re.search(r"https?://[^/\s]+(/staff/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Kodomo-2026-new!", "new_password2": "Kodomo-2026-new!"},
    )
    assert done.status_code == 302
    assert Client().login(username="manager-a", password="Kodomo-2026-new!")


def test_password_reset_for_an_unknown_address_sends_nothing():
    response = Client().post("/staff/accounts/password-reset/", {"email": "who@example.jp"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_logout_is_a_post(manager_a):
    client = page_client(manager_a)
    response = client.post("/staff/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_today_page_lists_the_days_sessions(manager_a, facility_a, session_b):
    session = started_session(facility=facility_a, capacity=8)
    book_before(session, adults=2, children=1)
    response = page_client(manager_a).get(f"/staff/?date={timezone.localdate(session.start)}")
    html = response.content.decode()
    assert session.display_title in html and f"/staff/sessions/{session.pk}/" in html
    assert re.search(r'data-testid="seats">3 / 8<', html)
    assert session_b.display_title not in html


def test_roster_page_sorted_searchable_and_check_in_without_script(manager_a, facility_a):
    session = started_session(facility=facility_a)
    b = book_before(session, name="鈴木 一郎", name_kana="すずき いちろう", email="b@example.jp")
    a = book_before(session, name="青木 花", name_kana="アオキ ハナ", email="a@example.jp")
    client = page_client(manager_a)
    url = f"/staff/sessions/{session.pk}/"
    html = client.get(url).content.decode()
    assert html.index("青木 花") < html.index("鈴木 一郎")  # kana order
    assert 'data-check-in-api="/api/v1/sessions/' in html
    assert "staff/check_in.js" in html
    found = client.get(url + "?q=スズキ").content.decode()
    assert "鈴木 一郎" in found and "青木 花" not in found
    # The form fallback: a POST, then back to the roster at the row, search kept.
    response = client.post(
        f"/staff/sessions/{session.pk}/check-in/?q=スズキ",
        {"code": b.reservation.code, "attended": "1"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q=%E3%82%B9%E3%82%BA%E3%82%AD#r-{b.reservation.code}")
    b.reservation.refresh_from_db()
    assert b.reservation.status == "attended"
    page = client.get(response["Location"]).content.decode()
    row = re.search(rf'<tr id="r-{b.reservation.code}".*?</tr>', page, re.S).group(0)
    assert 'data-attendance="attended"' in row
    assert re.search(r'data-check-in="in"\s+hidden', row)  # the check-in button is hidden
    assert not re.search(r'data-check-in="undo"\s+hidden', row)
    assert a.reservation.code not in page  # still filtered by the search
    # No-show for the rest, from the page.
    response = client.post(f"/staff/sessions/{session.pk}/no-shows/")
    a.reservation.refresh_from_db()
    assert a.reservation.status == "no_show"


def test_viewer_sees_the_roster_without_buttons(viewer_a, session_a):
    book(session_a)
    html = page_client(viewer_a).get(f"/staff/sessions/{session_a.pk}/").content.decode()
    assert 'data-check-in="in"' not in html
    assert "/walk-in/" not in html and "/change/" not in html


def test_walk_in_page_needs_a_reason_when_full(manager_a, facility_a):
    session = started_session(facility=facility_a, capacity=1)
    book_before(session)
    client = page_client(manager_a)
    url = f"/staff/sessions/{session.pk}/walk-in/"
    assert 'class="badge danger"' in client.get(url).content.decode()  # shown as full
    data = {"name": "飛込 花子", "adults": 1, "children": 0, "childcare": 0, "check_in": "on"}
    refused = client.post(url, data)
    assert refused.status_code == 409
    assert Reservation.objects.filter(session=session).count() == 1
    accepted = client.post(url, {**data, "override_reason": "所長判断"})
    assert accepted.status_code == 302
    walk_in = Reservation.objects.get(name="飛込 花子")
    assert walk_in.status == "attended"
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)


def test_walk_in_page_shows_field_errors(manager_a, facility_a):
    session = started_session(facility=facility_a)
    response = page_client(manager_a).post(
        f"/staff/sessions/{session.pk}/walk-in/",
        {"name": "", "adults": 1, "children": 1, "childcare": 2, "child_age_1": "abc"},
    )
    assert response.status_code == 400
    # The name and the age; no childcare field where the programme offers none (issue 21).
    assert response.content.decode().count('class="error"') == 2
    assert 'id="error-summary"' in response.content.decode()
    assert not Reservation.objects.exists()


def test_change_page_refuses_capacity_below_taken_with_the_message(manager_a, session_a):
    book(session_a, adults=2, children=2)
    client = page_client(manager_a)
    response = client.post(
        f"/staff/sessions/{session_a.pk}/change/",
        {"action": "capacity", "capacity": 2},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "4" in response.content.decode()
    session_a.refresh_from_db()
    assert session_a.capacity == 10


def test_change_page_cancel_needs_the_confirmation_box(manager_a, session_a):
    book(session_a)
    client = page_client(manager_a)
    url = f"/staff/sessions/{session_a.pk}/change/"
    unconfirmed = client.post(url, {"action": "cancel", "reason": "台風"})
    assert unconfirmed.status_code == 400
    session_a.refresh_from_db()
    assert session_a.status == "scheduled"
    confirmed = client.post(url, {"action": "cancel", "reason": "台風", "confirm": "on"})
    assert confirmed.status_code == 302
    session_a.refresh_from_db()
    assert session_a.status == "cancelled" and session_a.cancel_reason == "台風"


def test_change_page_move(manager_a, session_a):
    """Issue 21, item 10: the internal note stays in the audit log, the message goes to the
    parents, and staff see how many parties are emailed and the email before it is sent."""
    parties = [book(session_a, email=f"mv{i}@example.jp").reservation for i in range(3)]
    start = timezone.localtime(session_a.start + timedelta(days=1))
    data = {
        "action": "move",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "facility": "ribbon",
        "reason": "講師の体調不良（内部メモ）",
        "message": "ご迷惑をおかけし申し訳ありません。",
    }
    client = page_client(manager_a)
    url = f"/staff/sessions/{session_a.pk}/change/"
    before = session_a.start
    preview = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ja")
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="move-preview"' in html
    assert "3組にメールを送ります" in html
    assert "ご迷惑をおかけし申し訳ありません。" in html.split('class="email-text"')[1]
    assert "内部メモ" not in html.split('class="email-text"')[1]
    # Nothing happened yet: no move, no email, no audit entry.
    session_a.refresh_from_db()
    assert session_a.start == before and session_a.sequence == 0
    assert not Notification.objects.filter(kind="session_changed").exists()
    assert not StaffAction.objects.filter(kind="session_move").exists()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    session_a.refresh_from_db()
    assert session_a.start == start.replace(second=0)
    action = StaffAction.objects.get(kind="session_move")
    assert action.reason == "講師の体調不良（内部メモ）"
    sent = Notification.objects.filter(kind="session_changed")
    assert sent.count() == len(parties)
    assert {n.payload.get("reason") for n in sent} == {"ご迷惑をおかけし申し訳ありません。"}


def test_waiting_list_page_shows_the_order_and_promotes(manager_a, session_a):
    session_a.capacity = 1
    session_a.save()
    book(session_a, email="a@example.jp")
    w1 = book(session_a, email="w1@example.jp", name="待機 一").reservation
    w2 = book(session_a, email="w2@example.jp", name="待機 二").reservation
    client = page_client(manager_a)
    url = f"/staff/sessions/{session_a.pk}/waiting-list/"
    html = client.get(url).content.decode()
    assert html.index(w1.code) < html.index(w2.code)
    from events.models import Session

    Session.objects.filter(pk=session_a.pk).update(capacity=2)
    client.post(url, {"action": "promote", "code": w2.code, "reason": ""})
    w2.refresh_from_db()
    assert w2.status == "waitlisted"  # no reason, no promotion
    client.post(url, {"action": "promote", "code": w2.code, "reason": "保健師の依頼"})
    w2.refresh_from_db()
    assert w2.status == "confirmed"


def test_print_page_has_name_party_and_signature_for_a4(manager_a, session_a):
    book(session_a, name="山田 花子", name_kana="やまだ はなこ", adults=2, children=1)
    html = page_client(manager_a).get(f"/staff/sessions/{session_a.pk}/print/").content.decode()
    assert "staff/print.css" in html
    assert "山田 花子" in html and "やまだ はなこ" in html
    assert 'class="sign"' in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("staff/print.css"), encoding="utf-8").read()
    assert "size: A4" in css and "@media print" in css


def test_roster_csv_page_download(manager_a, session_a):
    book(session_a, name="山田 花子")
    response = page_client(manager_a).get(f"/staff/sessions/{session_a.pk}/roster.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "山田 花子" in response.content.decode("utf-8-sig")
    assert StaffAction.objects.filter(kind="export", session=session_a).count() == 1


def test_next_weeks_roster_has_no_check_in_buttons_and_says_when_it_opens(manager_a, session_a):
    r = book(session_a).reservation
    client = page_client(manager_a)
    html = client.get(
        f"/staff/sessions/{session_a.pk}/", HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert r.code in html and 'data-check-in="in"' not in html
    assert "受付は開催当日の" in html
    # A form posted anyway (an old page) is refused with the reason, and changes nothing.
    response = client.post(
        f"/staff/sessions/{session_a.pk}/check-in/", {"code": r.code, "attended": "1"}, follow=True
    )
    assert "受付は開催日の当日から行えます。" in response.content.decode()
    r.refresh_from_db()
    assert r.status == "confirmed"


@pytest.mark.parametrize("code", ["ABC\x00DEFG", "\x01\x1b\x7f", "ＡＢＣ－ＤＥＦＧ"])
def test_check_in_of_a_code_no_reservation_can_have_is_not_found(manager_a, facility_a, code):
    """A code posted with a NUL (which PostgreSQL text cannot hold) or another control character
    is not found, as any other unknown code, never a 500; the party is not checked in."""
    session = started_session(facility=facility_a)
    r = book_before(session).reservation
    url = f"/staff/sessions/{session.pk}/check-in/"
    answer = page_client(manager_a).post(url, {"code": code, "attended": "1"})
    assert answer.status_code == 404
    r.refresh_from_db()
    assert r.status == "confirmed"


def test_walk_in_page_before_the_day_leaves_check_in_unticked(manager_a, session_a):
    client = page_client(manager_a)
    url = f"/staff/sessions/{session_a.pk}/walk-in/"
    html = client.get(url).content.decode()
    box = re.search(r'<input[^>]*name="check_in"[^>]*>', html).group(0)
    assert "checked" not in box
    data = {"name": "電話 花子", "adults": 1, "children": 0, "childcare": 0, "check_in": "on"}
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 409
    assert "受付は開催日の当日から行えます。" in refused.content.decode()
    assert not Reservation.objects.exists()
    del data["check_in"]
    assert client.post(url, data).status_code == 302
    assert Reservation.objects.get().status == "confirmed"


def test_audit_page_lists_who_did_what(manager_a, facility_a):
    session_a = started_session(facility=facility_a)
    r = book_before(session_a).reservation
    client = page_client(manager_a)
    client.post(f"/staff/sessions/{session_a.pk}/check-in/", {"code": r.code, "attended": "1"})
    html = client.get(f"/staff/sessions/{session_a.pk}/audit/").content.decode()
    assert "<b>manager-a</b>" in html and f"#r-{r.code}" in html  # readable (issue 21)


def test_report_page_draws_an_inline_svg_chart(manager_a, facility_a):
    session = started_session(facility=facility_a)
    r = book_before(session, adults=2, children=1).reservation
    page_client(manager_a).post(
        f"/staff/sessions/{session.pk}/check-in/", {"code": r.code, "attended": "1"}
    )
    from staffdesk.selectors import fiscal_year_of

    fy = fiscal_year_of(timezone.localdate(session.start))
    html = page_client(manager_a).get(f"/staff/report/?fiscal_year={fy}").content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count("<rect") == 12  # one bar per month, April to March
    month = timezone.localdate(session.start).month
    assert f"<title>{month}月: 3</title>" in svg
    assert "<script" not in html.split("</main>")[0] and "http" not in svg
    assert f"/staff/report.csv?fiscal_year={fy}" in html


@pytest.mark.parametrize("language", ["pt-br", "vi", "en", "ja"])
def test_the_report_charts_geometry_is_numbers_in_every_language(manager_a, facility_a, language):
    """Portuguese and Vietnamese write a decimal comma (12,5): in the SVG's coordinates it drew
    the bars at the wrong places and the axis at 3 instead of 30."""
    session = started_session(facility=facility_a)
    r = book_before(session, adults=2, children=1).reservation
    client = page_client(manager_a)
    client.post(f"/staff/sessions/{session.pk}/check-in/", {"code": r.code, "attended": "1"})
    html = client.get("/staff/report/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    chart = html[html.index('<figure class="chart">') : html.index("</figure>")]
    numbers = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', chart)
    assert len(numbers) > 50
    assert all(re.fullmatch(r"\d+(\.\d+)?(%)?", n) for n in numbers), numbers[:20]


def test_report_csv_page(manager_a, facility_a):
    session = started_session(facility=facility_a)
    book_before(session)
    from staffdesk.selectors import fiscal_year_of

    fy = fiscal_year_of(timezone.localdate(session.start))
    response = page_client(manager_a).get(f"/staff/report.csv?fiscal_year={fy}")
    text = response.content.decode("utf-8-sig")
    assert text.startswith("年度,施設,事業,月,開催回数")
    assert f"{japanese_fiscal_year(fy)},すこやか子育て交流館" in text
    assert page_client(manager_a).get("/staff/report/?fiscal_year=abc").status_code == 400


def test_export_page_form_then_download(manager_a, session_a):
    book(session_a, name="山田 花子")
    client = page_client(manager_a)
    assert b'type="date"' in client.get("/staff/export/").content
    day = timezone.localdate(session_a.start)
    response = client.get(f"/staff/export/?date_from={day}&date_to={day}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "山田 花子" in response.content.decode("utf-8-sig")
    bad = client.get(f"/staff/export/?date_from={day}&date_to={day - timedelta(days=1)}")
    assert bad.status_code == 400


def test_password_reset_emails_are_rate_limited(manager_a, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "email_link_email": "3/hour"}
    client = Client()
    answers = [
        client.post("/staff/accounts/password-reset/", {"email": manager_a.email}) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert len(mail.outbox) == 3
    # another address is not held back by this one's limit
    other = client.post("/staff/accounts/password-reset/", {"email": "other@example.jp"})
    assert other.status_code == 302


def test_password_reset_is_not_limited_with_throttles_off(manager_a, settings):
    settings.API_THROTTLE_ENABLED = False
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "email_link_email": "1/hour"}
    for _ in range(3):
        response = Client().post("/staff/accounts/password-reset/", {"email": manager_a.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
