"""The names of those who come (asks_attendee_names): a seminar a member company books for its
managers names each adult who comes; the one who books need not be one of them. Every way of
booking keeps one name per adult, the API and the emails give them back, erasure removes them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from booking.models import Reservation, ReservationHistory
from booking.privacy import DataSubject, personal_data_erase, personal_data_export
from notifications.emails import render
from notifications.models import Notification, NotificationKind
from tests.factories import FacilityFactory, SessionFactory, book, named_seminar, staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/reservations/"
MANAGERS = ["西郷 隆", "大久保 利", "島津 斉"]


@pytest.fixture
def seminar():
    return named_seminar(FacilityFactory(no_quiet_hours=True))


def body(session, **extra) -> dict:
    return {"session": session.pk, "name": "人事 花子", "email": "hr@example.jp"} | extra


def written() -> tuple[int, int, int]:
    return (
        Reservation.objects.count(),
        ReservationHistory.objects.count(),
        Notification.objects.count(),
    )


def test_a_company_books_three_managers_by_name(seminar):
    answer = APIClient().post(
        URL,
        body(seminar, adults=3, attendee_names=[" 西郷 隆", "大久保 利 ", "島津 斉"]),
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json()["attendee_names"] == MANAGERS
    reservation = Reservation.objects.get()
    assert reservation.attendee_names == MANAGERS
    assert reservation.name == "人事 花子"  # who booked, and whom the emails greet
    seminar.refresh_from_db()
    assert seminar.seats_taken == 3


@pytest.mark.parametrize(
    "names",
    [[], ["西郷 隆"], ["西郷 隆", "大久保 利", "島津 斉", "小松 帯"]],
    ids=["none", "too-few", "too-many"],
)
def test_a_wrong_count_of_names_books_nothing(seminar, names):
    before = written()
    for language, message in [
        ("ja", "参加する大人の人数分、お名前をご記入ください。"),
        ("en", "Enter the name of each adult who comes, one for each."),
    ]:
        answer = APIClient().post(
            URL,
            body(seminar, adults=2, attendee_names=names),
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid"
        assert answer.json()["fields"]["attendee_names"] == [message]
    assert written() == before
    seminar.refresh_from_db()
    assert seminar.seats_taken == 0


@pytest.mark.parametrize(
    "names", ["西郷 隆", [1, 2], [None], ["あ" * 101], [["西郷 隆"]], ["西郷 隆", "　 "]], ids=str
)
def test_names_that_are_not_a_list_of_short_texts_are_refused(seminar, names):
    adults = len(names) if isinstance(names, list) else 1
    answer = APIClient().post(
        URL, body(seminar, adults=adults, attendee_names=names), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and "attendee_names" in answer.json()["fields"]
    assert not Reservation.objects.exists()


def test_a_programme_that_does_not_ask_keeps_no_names():
    session = SessionFactory(program__max_adults=2)
    answer = APIClient().post(
        URL, body(session, adults=1, attendee_names=["だれか"]), format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["attendee_names"] == []
    assert Reservation.objects.get().attendee_names == []


def test_the_programmes_api_says_which_programmes_ask(seminar):
    programs = APIClient().get("/api/v1/programs/").json()
    rows = programs["results"] if isinstance(programs, dict) else programs
    asks = {row["slug"]: row["asks_attendee_names"] for row in rows}
    assert asks[seminar.program.slug] is True


def test_changing_the_party_names_the_adults_anew(seminar):
    result = book(seminar, adults=2, attendee_names=tuple(MANAGERS[:2]))
    url = f"/api/v1/reservations/{result.reservation.code}/"
    client = APIClient(HTTP_X_RESERVATION_TOKEN=result.token)

    grown = client.patch(url, {"adults": 3}, format="json")
    assert grown.status_code == 400
    assert "attendee_names" in grown.json()["fields"]

    swapped = client.patch(url, {"attendee_names": ["小松 帯", "大久保 利"]}, format="json")
    assert swapped.status_code == 200, swapped.json()
    assert swapped.json()["attendee_names"] == ["小松 帯", "大久保 利"]

    grown = client.patch(url, {"adults": 3, "attendee_names": MANAGERS}, format="json")
    assert grown.status_code == 200, grown.json()
    result.reservation.refresh_from_db()
    assert (result.reservation.adults, result.reservation.attendee_names) == (3, MANAGERS)
    seminar.refresh_from_db()
    assert seminar.seats_taken == 3


def test_the_confirmation_email_names_those_who_come(seminar):
    result = book(seminar, adults=2, attendee_names=tuple(MANAGERS[:2]))
    mail = render(
        Notification.objects.get(reservation=result.reservation, kind=NotificationKind.CONFIRMED)
    )
    assert "参加者：西郷 隆、大久保 利\n" in mail.text
    assert "西郷 隆、大久保 利" in mail.html

    english = book(seminar, email="en@example.jp", language="en", attendee_names=("Ann Lee",))
    mail = render(
        Notification.objects.get(reservation=english.reservation, kind=NotificationKind.CONFIRMED)
    )
    assert "Those who come: Ann Lee\n" in mail.text


def test_the_email_names_the_company_that_booked(seminar):
    """The desk and the roster show the member company under the booker's name; the email
    tells the one who booked which company the seats are held for, in the form's words."""
    seminar.program.requires_company = True
    seminar.program.save()
    result = book(seminar, adults=1, company="松阪商事株式会社", attendee_names=("西郷 隆",))
    mail = render(
        Notification.objects.get(reservation=result.reservation, kind=NotificationKind.CONFIRMED)
    )
    assert (
        "参加者：西郷 隆\n会社名・団体名：松阪商事株式会社\n" in mail.text
    )  # as the page orders them
    assert '会社名・団体名</th><td style="padding:6px 0;">松阪商事株式会社' in mail.html

    plain = book(SessionFactory(), email="mama@example.jp")
    mail = render(
        Notification.objects.get(reservation=plain.reservation, kind=NotificationKind.CONFIRMED)
    )
    assert "会社名・団体名" not in mail.text and "会社名・団体名" not in mail.html


def test_the_names_are_exported_and_erased_with_the_rest(seminar):
    result = book(seminar, email="hr@example.jp", adults=2, attendee_names=tuple(MANAGERS[:2]))
    subject = DataSubject.of(email="hr@example.jp")

    exported = personal_data_export(subject=subject, facility_ids=None)
    assert exported[0]["attendee_names"] == MANAGERS[:2]

    personal_data_erase(subject=subject, facility_ids=None, by=staff_user(seminar.facility))
    result.reservation.refresh_from_db()
    assert result.reservation.attendee_names == []


def test_the_admin_shows_the_names_without_a_field_to_change_them(seminar, admin_client):
    """A JSON box would take anything (a number, a dict) that the roster could not show; the
    names change on the party's page, under the rules."""
    result = book(seminar, adults=2, attendee_names=tuple(MANAGERS[:2]))
    page = admin_client.get(f"/admin/booking/reservation/{result.reservation.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="attendee_names"' not in html
    assert "西郷 隆" in html and "大久保 利" in html
