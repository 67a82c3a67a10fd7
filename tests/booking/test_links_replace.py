"""A manage link that may have leaked can be ended; the parent gets back in by email."""

import re

import pytest

from booking.manage_links import manage_link_token
from booking.models import Reservation
from notifications.models import Notification, NotificationKind
from tests.factories import SessionFactory, book

pytestmark = pytest.mark.django_db


def emailed_key(email: str) -> str:
    notification = Notification.objects.filter(
        kind=NotificationKind.MY_RESERVATIONS, to_email=email
    ).latest("id")
    return re.search(r"/my-reservations/([^/]+)/$", notification.payload["link_url"]).group(1)


def test_replacing_the_links_ends_the_token_and_every_emailed_link(api):
    result = book(SessionFactory(), email="a@example.jp")
    code, old_hash = result.reservation.code, result.reservation.token_hash
    old_link = manage_link_token(code, old_hash)
    assert api.get(f"/api/v1/reservations/{code}/?token={old_link}").status_code == 200

    response = api.post(f"/api/v1/reservations/{code}/replace-links/?token={result.token}")
    assert response.status_code == 202, response.json()
    assert response.json() == {"emailed": True}
    for token in (result.token, old_link):
        gone = api.get(f"/api/v1/reservations/{code}/?token={token}")
        assert gone.status_code == 404
        assert gone.json()["code"] == "not_found"
    reservation = Reservation.objects.get(pk=result.reservation.pk)
    assert reservation.token_hash != old_hash
    assert reservation.status == "confirmed"  # nothing else changed

    # The address gets a "my reservations" link that opens the manage page again.
    key = emailed_key("a@example.jp")
    listing = api.get(f"/my-reservations/{key}/")
    assert listing.status_code == 200 and code in listing.content.decode()
    assert api.get(f"/manage/{code}/?me={key}", follow=True).status_code == 200


def test_a_wrong_token_replaces_nothing(api):
    result = book(SessionFactory(), email="a@example.jp")
    code = result.reservation.code
    other = book(SessionFactory(), email="b@example.jp")
    for token in ("wrong", other.token):
        response = api.post(f"/api/v1/reservations/{code}/replace-links/?token={token}")
        assert response.status_code == 404
    assert Reservation.objects.get(pk=result.reservation.pk).token_hash == (
        result.reservation.token_hash
    )
    assert not Notification.objects.filter(kind=NotificationKind.MY_RESERVATIONS).exists()


def test_the_manage_page_stops_its_own_link(client):
    result = book(SessionFactory(), email="a@example.jp", language="ja")
    page = f"/manage/{result.reservation.code}/?token={result.token}"
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="ja", follow=True).content.decode()
    assert 'value="links_replace"' in html
    response = client.post(page, {"action": "links_replace"})
    assert response.status_code == 303
    assert response["Location"] == "/my-reservations/sent/"
    assert client.get(page).status_code == 404
    assert emailed_key("a@example.jp")
