"""Private feed links: tokens long, random and stored hashed; asking for a link, rotating,
revoking and stopping links; the cap per address and the note of last use; malformed requests;
the endpoints in the API schema."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from calendars import tokens
from calendars.models import CalendarFeedToken
from notifications.models import Notification, NotificationKind
from tests.calendars.feed_requests import get_feed
from tests.notifications.icalcheck import parse_both

pytestmark = pytest.mark.django_db


def test_feed_tokens_are_long_random_and_stored_hashed(parent_bookings):
    token = tokens.feed_token_issue(email="hanako@example.jp")

    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    row = CalendarFeedToken.objects.get(email="hanako@example.jp", revoked_at__isnull=True)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not CalendarFeedToken.objects.filter(token_hash=token).exists()
    assert tokens.feed_token_issue(email="hanako@example.jp") != token


def live_tokens(email: str = "hanako@example.jp"):
    return CalendarFeedToken.objects.filter(email=email, revoked_at__isnull=True)


def test_rotation_kills_every_old_url_of_the_address_at_once(api, parent_bookings):
    old = tokens.feed_token_issue(email="hanako@example.jp")
    older = tokens.feed_token_issue(email="hanako@example.jp")
    others = tokens.feed_token_issue(email="taro@example.jp")
    assert get_feed(api, f"/calendar/private/{old}.ics")

    response = api.post(f"/api/v1/calendar/private/{old}/rotate/")

    assert response.status_code == 200
    body = response.json()
    new_path = body["feed_url"].removeprefix(settings.SITE_URL)
    assert body["webcal_url"] == "webcal://" + body["feed_url"].split("://", 1)[1]
    assert api.get(f"/calendar/private/{old}.ics").status_code == 404
    assert api.get(f"/calendar/private/{older}.ics").status_code == 404
    assert len(parse_both(get_feed(api, new_path).content)[2]) == 3
    assert api.post(f"/api/v1/calendar/private/{old}/rotate/").status_code == 404
    assert CalendarFeedToken.objects.filter(email="hanako@example.jp").count() == 3
    assert live_tokens().count() == 1
    # Another address's link is not touched.
    assert get_feed(api, f"/calendar/private/{others}.ics")


def test_revoking_ends_every_link_of_the_address(api, parent_bookings):
    first = tokens.feed_token_issue(email="hanako@example.jp")
    second = tokens.feed_token_issue(email="hanako@example.jp")
    others = tokens.feed_token_issue(email="taro@example.jp")

    response = api.post(f"/api/v1/calendar/private/{second}/revoke/")

    assert response.status_code == 204
    for token in (first, second):
        assert api.get(f"/calendar/private/{token}.ics").status_code == 404
    assert not live_tokens().exists()
    assert get_feed(api, f"/calendar/private/{others}.ics")
    again = api.post(f"/api/v1/calendar/private/{second}/revoke/")
    assert again.status_code == 404 and again.json()["code"] == "not_found"
    assert api.post("/api/v1/calendar/private/not-a-token/revoke/").status_code == 404


def test_private_link_answers_the_same_for_known_and_unknown_addresses(api, parent_bookings):
    known = api.post(
        "/api/v1/calendar/private-link/", {"email": "HANAKO@example.jp"}, format="json"
    )
    unknown = api.post(
        "/api/v1/calendar/private-link/", {"email": "nobody@example.jp"}, format="json"
    )

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert {k: v for k, v in known.headers.items() if k.lower() != "date"} == {
        k: v for k, v in unknown.headers.items() if k.lower() != "date"
    }
    links = Notification.objects.filter(kind=NotificationKind.FEED_LINK)
    assert [n.to_email for n in links] == ["hanako@example.jp"]
    assert not CalendarFeedToken.objects.filter(email="nobody@example.jp").exists()
    feed_url = links.get().payload["feed_url"]
    assert links.get().payload["webcal_url"].startswith("webcal://")
    events = parse_both(get_feed(api, feed_url.removeprefix(settings.SITE_URL)).content)[2]
    assert len(events) == 3


def test_asking_for_the_link_again_keeps_the_old_one_working(api, parent_bookings):
    for _ in range(2):
        response = api.post(
            "/api/v1/calendar/private-link/", {"email": "hanako@example.jp"}, format="json"
        )
        assert response.status_code == 202
    first, second = (
        n.payload["feed_url"].removeprefix(settings.SITE_URL)
        for n in Notification.objects.filter(kind=NotificationKind.FEED_LINK).order_by("id")
    )
    assert first != second
    assert api.get(first).status_code == 200
    assert api.get(second).status_code == 200


def test_someone_asking_for_a_parents_link_cannot_break_the_subscription(
    api, parent_bookings, settings
):
    settings.API_THROTTLE_ENABLED = False
    subscribed = tokens.feed_token_issue(email="hanako@example.jp")
    assert get_feed(api, f"/calendar/private/{subscribed}.ics")  # the calendar app polls it
    for _ in range(12):  # a stranger who knows the address keeps asking
        api.post("/api/v1/calendar/private-link/", {"email": "hanako@example.jp"}, format="json")

    assert get_feed(api, f"/calendar/private/{subscribed}.ics")
    assert live_tokens().count() == tokens.FEED_TOKENS_PER_EMAIL
    newest = Notification.objects.filter(kind=NotificationKind.FEED_LINK).order_by("-id").first()
    assert api.get(newest.payload["feed_url"].removeprefix(settings.SITE_URL)).status_code == 200


def test_past_the_cap_the_oldest_unused_then_the_least_recently_used_links_end(
    api, parent_bookings
):
    now = timezone.now()
    issued = [tokens.feed_token_issue(email="hanako@example.jp") for _ in range(5)]
    rows = {
        t: CalendarFeedToken.objects.get(token_hash=hashlib.sha256(t.encode()).hexdigest())
        for t in issued
    }
    # issued[0] and issued[3] are in use (issued[0] most recently); the others never were.
    CalendarFeedToken.objects.filter(pk=rows[issued[0]].pk).update(last_used_at=now)
    CalendarFeedToken.objects.filter(pk=rows[issued[3]].pk).update(
        last_used_at=now - timedelta(days=2)
    )

    def alive():
        return {t for t in issued if tokens.feed_token_lookup(t) is not None}

    newer = [tokens.feed_token_issue(email="hanako@example.jp")]
    assert alive() == {issued[0], issued[2], issued[3], issued[4]}  # issued[1]: oldest unused
    newer += [tokens.feed_token_issue(email="hanako@example.jp") for _ in range(2)]
    assert alive() == {issued[0], issued[3]}  # the unused ones went first, oldest first
    assert all(tokens.feed_token_lookup(t) for t in newer)
    # Once every live link is in use, the least recently used one ends.
    live_tokens().filter(last_used_at__isnull=True).update(last_used_at=now)
    latest = tokens.feed_token_issue(email="hanako@example.jp")
    assert alive() == {issued[0]}
    assert all(tokens.feed_token_lookup(t) for t in [*newer, latest])
    assert live_tokens().count() == tokens.FEED_TOKENS_PER_EMAIL


def test_reading_a_feed_notes_its_last_use_at_most_once_an_hour(
    api, parent_bookings, django_assert_num_queries
):
    token = tokens.feed_token_issue(email="hanako@example.jp")
    row = CalendarFeedToken.objects.get()
    assert row.last_used_at is None
    get_feed(api, f"/calendar/private/{token}.ics")
    first = CalendarFeedToken.objects.get().last_used_at
    assert first is not None
    get_feed(api, f"/calendar/private/{token}.ics")
    assert CalendarFeedToken.objects.get().last_used_at == first
    row = CalendarFeedToken.objects.get()
    later = first + tokens.FEED_LAST_USED_RESOLUTION
    with django_assert_num_queries(1):
        tokens.feed_token_touch(row, now=later)
    assert CalendarFeedToken.objects.get().last_used_at == later


def test_private_link_rejects_a_malformed_address(api):
    response = api.post("/api/v1/calendar/private-link/", {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_calendar_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/schema/?format=json").json()

    paths = schema["paths"]
    assert "/api/v1/calendar/private-link/" in paths
    assert "/api/v1/calendar/private/{token}/rotate/" in paths
    assert "204" in paths["/api/v1/calendar/private/{token}/revoke/"]["post"]["responses"]
    assert "202" in paths["/api/v1/calendar/private-link/"]["post"]["responses"]
    assert "200" in paths["/api/v1/calendar/private/{token}/rotate/"]["post"]["responses"]
    for name in ("Facility", "Program"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert {"calendar_url", "webcal_url"} <= set(properties)


def test_the_feed_link_email_links_to_a_page_that_stops_the_links(api, parent_bookings):
    from django.test import Client

    from notifications.emails import render

    api.post("/api/v1/calendar/private-link/", {"email": "hanako@example.jp"}, format="json")
    first = Notification.objects.get(kind=NotificationKind.FEED_LINK)
    stop_url = first.payload["stop_url"]
    assert stop_url.startswith(settings.SITE_URL + "/calendar-links/")
    email = render(first)
    assert stop_url in email.text and stop_url in email.html
    old_feed = first.payload["feed_url"].removeprefix(settings.SITE_URL)
    also_old = tokens.feed_urls(tokens.feed_token_issue(email="hanako@example.jp"))["feed_url"]
    taros = tokens.feed_urls(tokens.feed_token_issue(email="taro@example.jp"))["feed_url"]
    page = Client(HTTP_ACCEPT_LANGUAGE="ja")
    path = stop_url.removeprefix(settings.SITE_URL)

    # Opening the link (a mail scanner does) only asks.
    asked = page.get(path)
    assert asked.status_code == 200 and "リンクを無効にして" in asked.content.decode()
    assert asked["Cache-Control"] == "no-store"
    assert api.get(old_feed).status_code == 200

    done = page.post(path)
    assert done.status_code == 303 and done["Location"] == "/calendar-links/stopped/"
    assert "新しいリンクをお送りしました" in page.get(done["Location"]).content.decode()
    for url in (old_feed, also_old.removeprefix(settings.SITE_URL)):
        assert api.get(url).status_code == 404
    assert api.get(taros.removeprefix(settings.SITE_URL)).status_code == 200  # another address
    # The new link went by email to the address, and is not on the page.
    new = Notification.objects.filter(kind=NotificationKind.FEED_LINK).exclude(pk=first.pk).get()
    assert new.to_email == "hanako@example.jp"
    new_feed = new.payload["feed_url"]
    assert new_feed not in done.content.decode()
    assert api.get(new_feed.removeprefix(settings.SITE_URL)).status_code == 200
    # The stopped link's page is gone, for a GET and a POST alike.
    assert page.get(path).status_code == 404
    assert page.post(path).status_code == 404
    assert Notification.objects.filter(kind=NotificationKind.FEED_LINK).count() == 2
    assert page.get("/calendar-links/not-a-token/stop/").status_code == 404


def test_the_stop_link_leaves_the_row_with_the_other_secrets(api, parent_bookings):
    from notifications.services import scrub_payload

    api.post("/api/v1/calendar/private-link/", {"email": "hanako@example.jp"}, format="json")
    payload = Notification.objects.get(kind=NotificationKind.FEED_LINK).payload
    assert "stop_url" in payload and "stop_url" not in scrub_payload(payload)


@pytest.mark.parametrize("value", [5, True, ["hanako@example.jp"]], ids=repr)
def test_asking_for_the_link_with_a_non_string_email_is_400_and_sends_nothing(
    api, parent_bookings, value
):
    response = api.post("/api/v1/calendar/private-link/", {"email": value}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == ["email"]
    assert not Notification.objects.filter(kind=NotificationKind.FEED_LINK).exists()
    assert not CalendarFeedToken.objects.exists()
