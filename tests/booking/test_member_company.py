"""A programme limited to a member list (イクボスセミナー for 鹿児島市イクボス推進同盟's members):
every way of booking takes only an active member, stored under its official name; a programme
without a list takes any company as before."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from booking.models import Reservation, ReservationHistory
from booking.rules import Contact, Party
from core.errors import AppValidationError
from events.models import Audience, MemberOrganisation, PartyCounting
from staffdesk.services import walk_in_add
from tests.factories import (
    FacilityFactory,
    ProgramFactory,
    SessionFactory,
    alliance_list,
    staff_user,
)
from tests.pages.conftest import fill
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/reservations/"


@pytest.fixture
def alliance():
    return alliance_list()


@pytest.fixture
def centre():
    return FacilityFactory(no_quiet_hours=True)


def seminar_for(centre, member_list):
    program = ProgramFactory(
        title="イクボスセミナー",
        audience=Audience.MEMBER_MANAGERS,
        requires_company=True,
        member_list=member_list,
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
    )
    return SessionFactory(program=program, facility=centre, capacity=10)


@pytest.fixture
def seminar(centre, alliance):
    return seminar_for(centre, alliance)


def body(session, **extra):
    return {
        "session": session.pk,
        "name": "山田 太郎",
        "email": "t@example.jp",
        "adults": 1,
    } | extra


def written() -> tuple[int, int]:
    return Reservation.objects.count(), ReservationHistory.objects.count()


def test_the_api_stores_the_official_name_of_a_member_typed_another_way(seminar):
    answer = APIClient().post(URL, body(seminar, company="株式会社ＡＢＣ　商事 "), format="json")
    assert answer.status_code == 201, answer.json()
    assert Reservation.objects.get().company == "株式会社ABC商事"
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1


@pytest.mark.parametrize("typed", ["(株)わかば", "㈱わかば", "（株）　わかば", "わかば"])
def test_a_member_typed_with_its_legal_form_short_is_the_member(seminar, typed):
    """(株), ㈱ and （株） say 株式会社, as parents write it; a name without its form is no match
    (another company may hold it)."""
    answer = APIClient().post(URL, body(seminar, company=typed), format="json")
    if typed == "わかば":
        assert answer.status_code == 400 and "company" in answer.json()["fields"]
        return
    assert answer.status_code == 201, answer.json()
    assert Reservation.objects.get().company == "株式会社わかば"


@pytest.mark.parametrize(
    "company", ["株式会社デモ商事", "有限会社あおい", ""], ids=["stranger", "inactive", "none"]
)
def test_the_api_refuses_a_company_that_is_no_active_member(seminar, company):
    before = written()
    for language, message in [
        ("ja", "加盟企業・団体の一覧からお選びください。"),
        ("en", "Choose your company or organisation from the list of members."),
    ]:
        answer = APIClient().post(
            URL, body(seminar, company=company), format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert answer.status_code == 400
        data = answer.json()
        assert data["code"] == "invalid" and "company" in data["fields"], data
        if company:
            assert data["fields"]["company"] == [message]
    assert written() == before
    seminar.refresh_from_db()
    assert seminar.seats_taken == 0


def test_a_programme_without_a_list_takes_any_company_as_typed(centre):
    session = seminar_for(centre, None)
    answer = APIClient().post(URL, body(session, company="（株）どこでも商事"), format="json")
    assert answer.status_code == 201
    assert Reservation.objects.get().company == "（株）どこでも商事"
    refused = APIClient().post(URL, body(session, email="u@example.jp"), format="json")
    assert refused.status_code == 400 and "company" in refused.json()["fields"]


def test_the_form_offers_the_active_members_in_the_order_of_their_reading(seminar):
    html = Client(HTTP_ACCEPT_LANGUAGE="ja").get(f"/sessions/{seminar.pk}/reserve/").content
    select = re.search(r'<select name="company"[^>]*>(.*?)</select>', html.decode(), re.S)
    assert select, "the company is chosen from a list"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options == [
        ("", "選択してください"),
        ("株式会社ABC商事", "株式会社ABC商事"),
        ("さくら電機株式会社", "さくら電機株式会社"),
        ("株式会社わかば", "株式会社わかば"),
    ]
    assert "会社名・団体名" in html.decode()  # labelled as before


def test_the_form_books_a_member_and_refuses_any_other(seminar):
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    response, _ = fill(client, seminar, company="有限会社あおい")
    assert response.status_code == 400
    assert "加盟企業・団体の一覧からお選びください。" in response.content.decode()
    assert Reservation.objects.count() == 0
    response, _ = fill(client, seminar, company="さくら電機株式会社")
    assert response.status_code == 303
    assert Reservation.objects.get().company == "さくら電機株式会社"


def test_a_member_made_inactive_after_the_form_was_shown_is_refused(seminar):
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    page = client.get(f"/sessions/{seminar.pk}/reserve/")
    assert "株式会社わかば" in page.content.decode()
    MemberOrganisation.objects.filter(name="株式会社わかば").update(active=False)
    response, _ = fill(client, seminar, company="株式会社わかば")
    assert response.status_code == 400 and Reservation.objects.count() == 0


def phone_caller(**fields) -> dict:
    return {"name": "山田 太郎", "name_kana": "やまだ たろう", "phone": "090-1234-5678"} | {
        "adults": "1",
        "children": "0",
        **fields,
    }


def test_the_desks_phone_booking_takes_a_member_from_its_list(seminar, centre):
    client = page_client(staff_user(centre, username="desk"))
    form = client.get(f"/staff/sessions/{seminar.pk}/phone/").content.decode()
    assert re.search(r'<select name="company"', form)
    refused = client.post(f"/staff/sessions/{seminar.pk}/phone/", phone_caller())
    assert refused.status_code == 400 and "会社名・団体名を入力してください。" in (
        refused.content.decode()
    )
    assert Reservation.objects.count() == 0
    booked = client.post(
        f"/staff/sessions/{seminar.pk}/phone/", phone_caller(company="株式会社ABC商事")
    )
    assert booked.status_code == 302
    assert Reservation.objects.get().company == "株式会社ABC商事"


def test_the_desks_phone_api_refuses_a_stranger_without_a_reason(seminar, centre):
    client = token_client(staff_user(centre, username="desk"))
    url = f"/api/v1/sessions/{seminar.pk}/phone-bookings/"
    data = {"name": "山田 太郎", "phone": "090-1234-5678", "adults": 1}
    refused = client.post(url, data | {"company": "株式会社デモ商事"}, format="json")
    assert refused.status_code == 400, refused.content
    assert "company" in refused.json()["fields"] and Reservation.objects.count() == 0
    member = client.post(url, data | {"company": "ＡＢＣ商事 株式会社"}, format="json")
    assert member.status_code == 400  # the words in another order are another name
    booked = client.post(url, data | {"company": "株式会社ＡＢＣ商事"}, format="json")
    assert booked.status_code == 201, booked.content
    assert Reservation.objects.get().company == "株式会社ABC商事"
    lifted = client.post(
        url,
        data
        | {"company": "株式会社デモ商事", "phone": "090-2222-3333", "override_reason": "所長了承"},
        format="json",
    )
    assert lifted.status_code == 201, lifted.content
    assert Reservation.objects.filter(company="株式会社デモ商事").count() == 1


def test_a_walk_in_at_the_door_is_added_without_a_company(seminar, centre):
    desk = staff_user(centre, username="desk")
    party = Party(adults=1)
    result = walk_in_add(
        session=seminar, by=desk, party=party, contact=Contact(name="山田"), check_in_now=False
    )
    assert result.reservation.company == ""
    with pytest.raises(AppValidationError) as refused:
        walk_in_add(
            session=seminar,
            by=desk,
            party=Party(adults=1, company="株式会社デモ商事"),
            contact=Contact(name="佐藤"),
            check_in_now=False,
        )
    assert "company" in refused.value.fields


def walk_in(**fields) -> dict:
    return {"name": "山田 太郎", "adults": "1", "children": "0", "childcare": "0"} | fields


def test_the_desks_walk_in_form_records_a_member_or_none(seminar, centre):
    client = page_client(staff_user(centre, username="desk"))
    url = f"/staff/sessions/{seminar.pk}/walk-in/"
    assert re.search(r'<select name="company"', client.get(url).content.decode())
    stranger = client.post(url, walk_in(company="株式会社デモ商事"))
    assert stranger.status_code == 400 and Reservation.objects.count() == 0
    member = client.post(url, walk_in(company="株式会社わかば"))
    assert member.status_code == 302
    unsaid = client.post(url, walk_in(name="佐藤 花子"))
    assert unsaid.status_code == 302
    assert sorted(Reservation.objects.values_list("company", flat=True)) == ["", "株式会社わかば"]


def test_the_desks_walk_in_api_stores_the_members_official_name(seminar, centre):
    client = token_client(staff_user(centre, username="desk"))
    url = f"/api/v1/sessions/{seminar.pk}/walk-ins/"
    data = {"name": "山田 太郎", "adults": 1, "check_in": False}
    refused = client.post(url, data | {"company": "株式会社デモ商事"}, format="json")
    assert refused.status_code == 400 and "company" in refused.json()["fields"]
    booked = client.post(url, data | {"company": "(株)わかば"}, format="json")
    assert booked.status_code == 201, booked.content
    assert Reservation.objects.get().company == "株式会社わかば"


def test_a_reason_to_go_over_capacity_lifts_no_member_list_at_the_door(seminar, centre):
    desk = staff_user(centre, username="desk")
    seminar.capacity = 0
    seminar.save(update_fields=["capacity"])
    with pytest.raises(AppValidationError) as refused:
        walk_in_add(
            session=seminar,
            by=desk,
            party=Party(adults=1, company="株式会社デモ商事"),
            contact=Contact(name="佐藤"),
            override_reason="所長了承",
            check_in_now=False,
        )
    assert "company" in refused.value.fields and Reservation.objects.count() == 0
    added = walk_in_add(
        session=seminar,
        by=desk,
        party=Party(adults=1, company="㈱わかば"),
        contact=Contact(name="佐藤"),
        override_reason="所長了承",
        check_in_now=False,
    )
    assert added.reservation.company == "株式会社わかば"
