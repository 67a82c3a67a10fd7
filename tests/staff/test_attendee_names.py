"""The names of those who come at the desk (asks_attendee_names): イクボスセミナー, a seminar a
member company books for up to three of its managers, where the one who books may not come.

Staff see the names wherever they see the party (the roster and its phone-width cards, the
print, the party's page, the 受付票, the search, the CSV files and the API), and take them
where they book or change a party (the 電話予約 page and API, the party's page); a programme
that does not ask shows no names and no name fields."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone

from booking.models import Reservation
from staffdesk.models import StaffAction
from tests.factories import book, named_seminar
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MANAGERS = ["西郷 隆盛", "大久保 利通", "島津 斉彬"]
JOINED_JA = "西郷 隆盛、大久保 利通、島津 斉彬"
CALLER = {"name": "総務 花子", "name_kana": "そうむ はなこ", "phone": "099-224-1111"}


@pytest.fixture
def seminar(facility_a):
    return named_seminar(facility_a)


@pytest.fixture
def booked(seminar):
    """Three managers of one company, booked by someone who does not come."""
    return book(
        seminar,
        adults=3,
        attendee_names=tuple(MANAGERS),
        name="総務 花子",
        name_kana="そうむ はなこ",
        email="soumu@example.jp",
    ).reservation


def row_of(html: str, code: str) -> str:
    row = html[html.index(f'id="r-{code}"') :]
    return row[: row.index("</tr>")]


def plain(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csv_rows(response) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def field_errors(html: str, name: str) -> list[str]:
    """The errors shown right under the field ``name`` (the _field.html block)."""
    start = html.index(f'name="{name}"')
    return re.findall(r'<p class="error">(.*?)</p>', html[start : html.index("</div>", start)])


# --- where staff see a party -----------------------------------------------------------------


def test_the_roster_row_and_its_print_name_those_who_come(manager_a, seminar, booked):
    client = page_client(manager_a)
    english = client.get(f"/staff/sessions/{seminar.pk}/", **EN).content.decode()
    assert (
        '<small class="attendees">Those who come: 西郷 隆盛, 大久保 利通, 島津 斉彬</small>'
        in row_of(english, booked.code)
    )
    html = client.get(f"/staff/sessions/{seminar.pk}/", **JA).content.decode()
    japanese = row_of(html, booked.code)
    # In the name's cell, which the phone-width card shows first: under the one who booked.
    name_cell = japanese[japanese.index('<td class="name">') :]
    name_cell = name_cell[: name_cell.index("</td>")]
    assert "総務 花子" in name_cell and JOINED_JA in name_cell
    printed = client.get(f"/staff/sessions/{seminar.pk}/print/", **JA).content.decode()
    cell = printed[printed.index("総務 花子") :]
    assert JOINED_JA in cell[: cell.index("</td>")]


def test_the_party_page_the_slip_and_the_search_name_those_who_come(manager_a, seminar, booked):
    client = page_client(manager_a)
    party = client.get(f"/staff/sessions/{seminar.pk}/parties/{booked.code}/", **EN)
    assert '<dd data-testid="attendees">西郷 隆盛, 大久保 利通, 島津 斉彬</dd>' in (
        party.content.decode()
    )
    assert "<dt>Those who come</dt>" in party.content.decode()
    slip = client.get(f"/staff/sessions/{seminar.pk}/slips/{booked.code}/", **JA)
    assert f'<dd class="attendees">{JOINED_JA}</dd>' in slip.content.decode()
    found = client.get("/staff/reservations/", {"q": booked.code}, **JA)
    assert JOINED_JA in plain(found.content.decode())


def test_the_company_shows_beside_the_party_wherever_staff_see_it(manager_a, seminar):
    """A member company's booking (イクボスセミナー) names its company: the desk greets
    株式会社わかば's managers, so it shows on the roster, its print, the party's page, the 受付票
    and the search, not only in the CSV."""
    booked = book(
        seminar, adults=1, attendee_names=("西郷 隆盛",), company="株式会社わかば"
    ).reservation
    client = page_client(manager_a)
    html = client.get(f"/staff/sessions/{seminar.pk}/", **JA).content.decode()
    assert '<small class="company">株式会社わかば</small>' in row_of(html, booked.code)
    printed = client.get(f"/staff/sessions/{seminar.pk}/print/", **JA).content.decode()
    assert '<span class="company">株式会社わかば</span>' in printed
    party = client.get(f"/staff/sessions/{seminar.pk}/parties/{booked.code}/", **JA)
    assert '<dd data-testid="company">株式会社わかば</dd>' in party.content.decode()
    assert "<dt>会社名・団体名</dt>" in party.content.decode()
    slip = client.get(f"/staff/sessions/{seminar.pk}/slips/{booked.code}/", **JA)
    assert "<dd>株式会社わかば</dd>" in slip.content.decode()
    found = client.get("/staff/reservations/", {"q": booked.code}, **JA)
    assert '<small class="company">株式会社わかば</small>' in found.content.decode()


def test_the_csv_files_and_the_api_give_the_names(manager_a, seminar, booked):
    other = book(seminar, adults=1, attendee_names=("桐野 利秋",), email="b@example.jp")
    client = page_client(manager_a)
    roster_csv = client.get(f"/staff/sessions/{seminar.pk}/roster.csv")
    rows = {r["予約番号"]: r for r in csv_rows(roster_csv)}
    assert rows[booked.code]["参加者氏名"] == JOINED_JA
    assert rows[other.reservation.code]["参加者氏名"] == "桐野 利秋"
    day = timezone.localdate(seminar.start).isoformat()
    api = token_client(manager_a)
    export = api.get("/api/v1/staff/export/", {"format": "csv", "from": day, "to": day})
    assert {r["予約番号"]: r["参加者氏名"] for r in csv_rows(export)}[booked.code] == JOINED_JA
    roster = api.get(f"/api/v1/sessions/{seminar.pk}/roster/").json()
    by_code = {row["code"]: row for row in roster["rows"]}
    assert by_code[booked.code]["attendee_names"] == MANAGERS
    listed = api.get("/api/v1/staff/export/", {"from": day, "to": day}).json()
    assert next(r for r in listed if r["code"] == booked.code)["attendee_names"] == MANAGERS


def test_a_programme_that_does_not_ask_shows_no_names_and_no_fields(manager_a, session_a):
    r = book(session_a, adults=2, email="p@example.jp").reservation
    client = page_client(manager_a)
    roster = client.get(f"/staff/sessions/{session_a.pk}/", **EN).content.decode()
    assert "attendees" not in roster and "Those who come" not in roster
    printed = client.get(f"/staff/sessions/{session_a.pk}/print/", **EN).content.decode()
    assert "attendees" not in printed
    party = client.get(f"/staff/sessions/{session_a.pk}/parties/{r.code}/", **EN)
    assert "attendee_1" not in party.content.decode() and "attendees" not in party.content.decode()
    phone = client.get(f"/staff/sessions/{session_a.pk}/phone/", **EN).content.decode()
    assert "attendee_1" not in phone
    # The CSV keeps its column, empty, so that its columns never move.
    row = csv_rows(client.get(f"/staff/sessions/{session_a.pk}/roster.csv"))[0]
    assert row["参加者氏名"] == ""
    api_row = token_client(manager_a).get(f"/api/v1/sessions/{session_a.pk}/roster/").json()
    assert api_row["rows"][0]["attendee_names"] == []


# --- where staff book or change a party ------------------------------------------------------


def test_the_phone_booking_page_takes_one_name_per_adult(manager_a, seminar):
    client = page_client(manager_a)
    form = client.get(f"/staff/sessions/{seminar.pk}/phone/", **EN).content.decode()
    assert all(f'name="attendee_{n}"' in form for n in (1, 2, 3))
    assert 'name="attendee_4"' not in form
    # A seminar for adults: no children or ages to ask the caller about.
    assert 'name="children"' not in form and 'name="child_age_1"' not in form
    two_for_three = {**CALLER, "adults": "3"}
    two_for_three.update({"attendee_1": "西郷 隆盛", "attendee_2": "大久保 利通"})
    refused = client.post(f"/staff/sessions/{seminar.pk}/phone/", two_for_three, **EN)
    assert refused.status_code == 400
    assert field_errors(refused.content.decode(), "attendee_1") == [
        "Enter the name of each adult who comes, one for each."
    ]
    assert not Reservation.objects.exists()
    sent = {**two_for_three, "attendee_3": " 島津 斉彬 "}
    booked = client.post(f"/staff/sessions/{seminar.pk}/phone/", sent, **EN)
    assert booked.status_code == 302
    r = Reservation.objects.get()
    assert r.attendee_names == MANAGERS and r.name == "総務 花子"
    assert JOINED_JA in plain(client.get(booked["Location"], **JA).content.decode())


def test_the_phone_booking_page_says_a_name_missing_with_the_forms_own_mistakes(manager_a, seminar):
    """A form with a mistake of its own is not booked, so the rules spoke only once it was
    fixed: staff fixed the phone number, sent again, and only then heard of the third name. Both
    now come in one answer; a reason to book outside the rules still lifts the count."""
    client = page_client(manager_a)
    url = f"/staff/sessions/{seminar.pk}/phone/"
    two_for_three = {**CALLER, "phone": "", "adults": "3"}
    two_for_three.update({"attendee_1": "西郷 隆盛", "attendee_2": "大久保 利通"})
    refused = client.post(url, two_for_three, **EN)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert field_errors(html, "attendee_1") == [
        "Enter the name of each adult who comes, one for each."
    ]
    assert field_errors(html, "phone") == ["Enter the phone number."]
    lifted = client.post(url, {**two_for_three, "override_reason": "社長の代理で"}, **EN)
    assert field_errors(lifted.content.decode(), "attendee_1") == []
    assert field_errors(lifted.content.decode(), "phone") == ["Enter the phone number."]
    assert not Reservation.objects.exists()


def test_the_phone_booking_api_takes_one_name_per_adult(manager_a, seminar):
    api = token_client(manager_a)
    url = f"/api/v1/sessions/{seminar.pk}/phone-bookings/"
    body = {**CALLER, "adults": 3, "attendee_names": ["西郷 隆盛", "大久保 利通", " "]}
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400, refused.json()
    assert refused.json()["code"] == "invalid" and list(refused.json()["fields"]) == [
        "attendee_names"
    ]
    assert not Reservation.objects.exists()
    answer = api.post(url, {**body, "attendee_names": MANAGERS}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["attendee_names"] == MANAGERS
    assert Reservation.objects.get(code=answer.json()["code"]).attendee_names == MANAGERS


def test_a_walk_in_at_a_seminar_for_adults_is_asked_no_children(manager_a, seminar):
    """The walk-in page asked 子ども (and eight ages) of a seminar that takes no children, as the
    電話予約 page did before it learnt not to."""
    client = page_client(manager_a)
    url = f"/staff/sessions/{seminar.pk}/walk-in/"
    page = client.get(url, **JA).content.decode()
    assert 'name="adults"' in page
    assert 'name="children"' not in page and 'name="child_age_1"' not in page
    added = client.post(url, {"name": "飛込 太郎", "adults": "1", "check_in": ""}, **JA)
    assert added.status_code == 302, added.content.decode()[:2000]
    walk_in = Reservation.objects.get(name="飛込 太郎")
    assert (walk_in.adults, walk_in.children, walk_in.children_ages) == (1, 0, [])


def test_the_party_page_keeps_or_replaces_the_names(manager_a, seminar, booked):
    client = page_client(manager_a)
    url = f"/staff/sessions/{seminar.pk}/parties/{booked.code}/"
    page = client.get(url, **EN).content.decode()
    assert 'name="attendee_1" value="西郷 隆盛"' in page  # the form starts from the names kept
    # A seminar for adults: no children to count (the page asked for 子ども, 必須, to stay 0),
    # and the script that shows a name field per adult typed in.
    assert 'name="children"' not in page and "js/attendees.js" in page
    names = {f"attendee_{n}": name for n, name in enumerate(MANAGERS, start=1)}
    same = client.post(url, {"action": "party", "adults": 3, "children": 0, **names}, **EN)
    assert same.status_code == 302
    booked.refresh_from_db()
    assert booked.attendee_names == MANAGERS
    assert not StaffAction.objects.filter(reservation=booked).exists()  # nothing changed
    # One manager cannot come: two adults need two names, not three.
    fewer = {"action": "party", "adults": 2, "children": 0, **names}
    refused = client.post(url, fewer, **EN)
    assert refused.status_code == 400
    assert field_errors(refused.content.decode(), "attendee_1") == [
        "Enter the name of each adult who comes, one for each."
    ]
    booked.refresh_from_db()
    assert booked.adults == 3 and booked.attendee_names == MANAGERS
    fewer.update({"attendee_2": "桐野 利秋", "attendee_3": ""})
    changed = client.post(url, fewer, **EN)
    assert changed.status_code == 302
    booked.refresh_from_db()
    assert (booked.adults, booked.attendee_names) == (2, ["西郷 隆盛", "桐野 利秋"])
    [action] = StaffAction.objects.filter(reservation=booked)
    # The audit log says the names changed, and keeps no name of its own (erasure).
    assert action.after["attendee_names_changed"] is True
    assert "桐野" not in str(action.before) + str(action.after)


def test_a_name_changed_alone_is_kept_and_logged(manager_a, seminar, booked):
    client = page_client(manager_a)
    url = f"/staff/sessions/{seminar.pk}/parties/{booked.code}/"
    names = {"attendee_1": "西郷 隆盛", "attendee_2": "大久保 利通", "attendee_3": "小松 清廉"}
    answer = client.post(url, {"action": "party", "adults": 3, "children": 0, **names}, **EN)
    assert answer.status_code == 302
    booked.refresh_from_db()
    assert booked.attendee_names == ["西郷 隆盛", "大久保 利通", "小松 清廉"]
    assert StaffAction.objects.get(reservation=booked).after["attendee_names_changed"] is True
    log = plain(client.get(f"/staff/sessions/{seminar.pk}/audit/", **JA).content.decode())
    assert "参加者氏名の変更" in log and "その他" not in log
    assert "小松 清廉" not in log  # the log outlives erasure: it keeps no name


def test_a_manager_a_company_booked_for_is_found_by_his_own_name(manager_a, seminar, booked):
    """He phones the desk himself ("am I on the list for the seminar?"): the roster's search and
    the reservation search find the company's booking by any name of those who come, spaces
    ignored, while another programme's party of the same name is found as before."""
    client = page_client(manager_a)
    roster = client.get(f"/staff/sessions/{seminar.pk}/", {"q": "大久保利通"}, **JA)
    assert f'id="r-{booked.code}"' in roster.content.decode()
    found = client.get("/staff/reservations/", {"q": "島津"}, **JA).content.decode()
    assert booked.code in found
    api = token_client(manager_a).get("/api/v1/staff/reservations/", {"q": "西郷 隆盛"}).json()
    assert [p["code"] for p in api["upcoming"]] == [booked.code]
    nobody = client.get("/staff/reservations/", {"q": "桐野"}, **JA).content.decode()
    assert booked.code not in nobody
