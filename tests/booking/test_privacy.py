from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Reservation
from booking.privacy import ANONYMISED_DOMAIN, personal_data_purge
from events.models import Session
from tests.factories import FacilityFactory, SessionFactory, api_key, book, staff_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/reservations/"


def create(api, session, email="a@example.jp", **extra):
    body = {
        "session": session.pk,
        "name": "山田 花子",
        "email": email,
        "adults": 1,
        "children": 0,
        "phone": "090-1234-5678",
        **extra,
    }
    return api.post(URL, body, format="json").json()


def assert_anonymised(code):
    r = Reservation.objects.get(code=code)
    assert r.email.endswith(ANONYMISED_DOMAIN)
    assert "山田" not in r.name and r.phone == "" and r.children_ages == [] and r.due_date is None


def test_parent_erases_their_data_which_cancels_and_frees_the_seat(api, session):
    body = create(api, session)
    response = api.post(f"{URL}{body['code']}/erase/?token={body['token']}")
    assert response.status_code == 204
    assert_anonymised(body["code"])
    r = Reservation.objects.get(code=body["code"])
    assert r.status == "cancelled"
    session.refresh_from_db()
    assert session.seats_taken == 0
    # The link is dead: the token no longer opens anything.
    assert api.get(f"{URL}{body['code']}/?token={body['token']}").status_code == 404


def test_erase_with_a_wrong_token_is_404_and_changes_nothing(api, session):
    body = create(api, session)
    assert api.post(f"{URL}{body['code']}/erase/?token=nope").status_code == 404
    assert Reservation.objects.get(code=body["code"]).name == "山田 花子"


def test_staff_export_and_erase_only_their_facilities(api, db):
    mine, theirs = SessionFactory(), SessionFactory(facility=FacilityFactory())
    a = create(api, mine, email="Parent@Example.jp")
    b = create(api, theirs, email="parent@example.jp")
    manager = staff_user(mine.facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    export = api.get("/api/v1/privacy/export/?email=parent@example.jp")
    assert export.status_code == 200
    assert [row["code"] for row in export.json()["reservations"]] == [a["code"]]
    assert export.json()["reservations"][0]["phone"] == "090-1234-5678"
    erased = api.post("/api/v1/privacy/erase/", {"email": "parent@example.jp"}, format="json")
    assert erased.json() == {"erased": 1, "appointments": 0}
    assert_anonymised(a["code"])
    assert Reservation.objects.get(code=b["code"]).name == "山田 花子"


def test_privacy_endpoints_refuse_anonymous_viewers_and_bad_input(api, session):
    assert api.get("/api/v1/privacy/export/?email=a@example.jp").status_code == 401
    viewer = staff_user(session.facility, role="viewer")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(viewer)}")
    assert (
        api.post("/api/v1/privacy/erase/", {"email": "a@example.jp"}, format="json").status_code
        == 403
    )
    bad = api.get("/api/v1/privacy/export/?email=nope")
    assert bad.status_code == 400 and "email" in bad.json()["fields"]


def test_retention_job_anonymises_old_reservations_and_keeps_counts(db):
    session = SessionFactory()
    kept = book(session, email="recent@example.jp").reservation
    old = SessionFactory(facility=session.facility, program=session.program)
    gone = book(old, email="old@example.jp").reservation
    Session.objects.filter(pk=old.pk).update(
        start=timezone.now() - timedelta(days=100),
        end=timezone.now() - timedelta(days=100) + timedelta(hours=1),
        registration_opens=timezone.now() - timedelta(days=130),
        registration_closes=timezone.now() - timedelta(days=101),
        cancellation_deadline=timezone.now() - timedelta(days=101),
    )
    Reservation.objects.filter(pk=gone.pk).update(status="attended")
    assert personal_data_purge() == 1
    assert_anonymised(gone.code)
    gone.refresh_from_db()
    assert gone.status == "attended" and gone.adults == 1  # the report still counts it
    assert Reservation.objects.get(pk=kept.pk).email == "recent@example.jp"
    assert personal_data_purge() == 0  # idempotent


def test_retention_job_deletes_expired_my_reservations_links(db):
    from booking.links import MY_RESERVATIONS_MAX_AGE, my_reservations_email
    from booking.links import my_reservations_link_issue as issue
    from booking.models import MyReservationsLink
    from booking.tasks import purge_personal_data

    session = SessionFactory()
    book(session, email="me@example.jp")
    fresh = issue(email="me@example.jp")
    stale = issue(email="me@example.jp", now=timezone.now() - MY_RESERVATIONS_MAX_AGE)
    assert my_reservations_email(stale) is None  # expired, though still stored
    assert MyReservationsLink.objects.count() == 2
    purge_personal_data.apply().get()
    assert MyReservationsLink.objects.count() == 1
    assert my_reservations_email(fresh) == "me@example.jp"
    purge_personal_data.apply().get()  # idempotent
    assert MyReservationsLink.objects.count() == 1


def test_staff_erase_deletes_the_addresses_my_reservations_links(api, session):
    from booking.links import my_reservations_email, my_reservations_link_issue
    from booking.models import MyReservationsLink

    create(api, session, email="parent@example.jp")
    create(api, session, email="other@example.jp")
    link = my_reservations_link_issue(email="Parent@example.jp")
    other = my_reservations_link_issue(email="other@example.jp")
    manager = staff_user(session.facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    erased = api.post("/api/v1/privacy/erase/", {"email": "PARENT@example.jp"}, format="json")
    assert erased.json() == {"erased": 1, "appointments": 0}
    assert my_reservations_email(link) is None
    assert list(MyReservationsLink.objects.values_list("email", flat=True)) == ["other@example.jp"]
    assert my_reservations_email(other) == "other@example.jp"


def test_erasing_by_a_non_string_email_is_400_and_erases_nothing(api, session):
    body = create(api, session)
    manager = staff_user(session.facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    for value in [5, True, ["a@example.jp"], {"email": "a@example.jp"}]:
        response = api.post("/api/v1/privacy/erase/", {"email": value}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert list(response.json()["fields"]) == ["email"]
    assert Reservation.objects.get(code=body["code"]).name == "山田 花子"
