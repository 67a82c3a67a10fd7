"""Subscription feeds over HTTP: content against the database, validators, privacy, tokens."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from booking.models import Reservation
from booking.rules import Contact, Party
from booking.services import reservation_cancel, reservation_create
from calendars import feeds, invites, tokens
from calendars import ics as calendar
from calendars.models import CalendarFeedToken
from events.models import Audience, BookingMode, Course, Session
from notifications.models import Notification, NotificationKind
from staffdesk.services import session_cancel_all as session_cancel
from staffdesk.services import session_update
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.notifications.icalcheck import assert_matches_db, parse_both, uid_of, unfolded

pytestmark = pytest.mark.django_db


def days_from_now(days: float):
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


@pytest.fixture
def catalogue():
    """Two facilities, two programmes with different audiences, sessions spread over them."""
    ribbon = FacilityFactory(name="すこやか子育て交流館", slug="ribbon")
    east = FacilityFactory(name="親子つどいの広場 東", slug="east")
    maternity = ProgramFactory(
        title="マタニティ教室", slug="maternity", audience=Audience.EXPECTANT_PARENTS
    )
    papa = ProgramFactory(title="スマイルパパ講座", slug="papa", audience=Audience.FATHERS)
    sessions = {
        "ribbon-maternity": [
            SessionFactory(facility=ribbon, program=maternity, start=days_from_now(d))
            for d in (3, 10, 17)
        ],
        "ribbon-papa": [SessionFactory(facility=ribbon, program=papa, start=days_from_now(5))],
        "east-papa": [
            SessionFactory(facility=east, program=papa, start=days_from_now(d)) for d in (4, 11)
        ],
    }
    return ribbon, east, maternity, papa, sessions


def get_feed(api, url, **headers):
    response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    return response


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/calendar/sessions.ics", ["ribbon-maternity", "ribbon-papa", "east-papa"]),
        ("/calendar/facilities/ribbon.ics", ["ribbon-maternity", "ribbon-papa"]),
        ("/calendar/facilities/east.ics", ["east-papa"]),
        ("/calendar/programs/papa.ics", ["ribbon-papa", "east-papa"]),
        ("/calendar/programs/maternity.ics", ["ribbon-maternity"]),
        ("/calendar/audiences/expectant_parents.ics", ["ribbon-maternity"]),
        ("/calendar/audiences/fathers.ics", ["ribbon-papa", "east-papa"]),
        ("/calendar/audiences/anyone.ics", []),
    ],
)
def test_each_feed_holds_exactly_its_sessions(api, catalogue, url, expected):
    *_, sessions = catalogue

    body = get_feed(api, url).content

    ical, vobj, events = parse_both(body)
    wanted = [s for group in expected for s in sessions[group]]
    assert_matches_db(events, wanted)
    assert [e.decoded("DTSTART") for e in ical.walk("VEVENT")] == sorted(s.start for s in wanted)
    assert str(ical["X-WR-TIMEZONE"]) == "Asia/Tokyo"
    assert str(ical["X-WR-CALNAME"])
    assert vobj.contents["x-wr-calname"][0].value == str(ical["X-WR-CALNAME"])
    assert "METHOD" not in ical
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded(body)
    assert "X-PUBLISHED-TTL:PT1H" in unfolded(body)
    for event in ical.walk("VEVENT"):
        assert event.decoded("DTSTAMP") and event.decoded("LAST-MODIFIED")
        assert str(event["URL"]).startswith(f"{settings.SITE_URL}/sessions/")


def test_feed_names_say_what_they_hold(api, catalogue):
    assert "すこやか子育て交流館" in unfolded(
        get_feed(api, "/calendar/facilities/ribbon.ics").content
    )
    assert "X-WR-CALNAME:スマイルパパ講座" in unfolded(
        get_feed(api, "/calendar/programs/papa.ics").content
    )
    assert "妊婦" in unfolded(get_feed(api, "/calendar/audiences/expectant_parents.ics").content)


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/facilities/nowhere.ics",
        "/calendar/programs/nothing.ics",
        "/calendar/audiences/aliens.ics",
        "/calendar/private/not-a-token.ics",
        "/calendar/sessions/999999.ics",
    ],
)
def test_unknown_feed_is_404_with_the_error_body(api, catalogue, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_matching_if_none_match_gets_304_without_rendering(api, catalogue, monkeypatch):
    first = get_feed(api, "/calendar/facilities/ribbon.ics")
    rendered = []
    real = calendar.feed_ics
    monkeypatch.setattr(calendar, "feed_ics", lambda *a, **k: rendered.append(1) or real(*a, **k))

    response = api.get("/calendar/facilities/ribbon.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert rendered == []
    by_date = api.get(
        "/calendar/facilities/ribbon.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert by_date.status_code == 304
    other = api.get("/calendar/facilities/ribbon.ics", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content
    assert rendered == []  # served from the cache, not rendered again


def test_a_changed_session_changes_the_validator_and_the_feed(api, catalogue):
    *_, sessions = catalogue
    first = get_feed(api, "/calendar/facilities/ribbon.ics")
    session = sessions["ribbon-papa"][0]

    moved = session_update(
        session=session,
        start=session.start + timedelta(days=1),
        end=session.end + timedelta(days=1),
    )

    response = api.get("/calendar/facilities/ribbon.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    events = parse_both(response.content)[2]
    assert events[uid_of(moved)].sequence == moved.sequence == session.sequence + 1
    assert events[uid_of(moved)].start == moved.start
    # Another facility's feed is not disturbed.
    east = get_feed(api, "/calendar/facilities/east.ics")
    assert (
        api.get("/calendar/facilities/east.ics", HTTP_IF_NONE_MATCH=east["ETag"]).status_code == 304
    )


def test_a_renamed_facility_changes_the_feed(api, catalogue):
    ribbon, *_ = catalogue
    first = get_feed(api, "/calendar/facilities/ribbon.ics")

    ribbon.address = "鹿児島市新しい住所1-1"
    ribbon.save()

    response = api.get("/calendar/facilities/ribbon.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert "鹿児島市新しい住所1-1" in unfolded(response.content)


def test_public_feeds_hold_no_personal_data(api, catalogue):
    ribbon, east, maternity, papa, sessions = catalogue
    session = sessions["ribbon-maternity"][0]
    people = [
        ("parent-one@example.jp", "佐藤 美咲", "サトウ ミサキ", "090-1234-5678", "アレルギーあり"),
        ("parent-two@example.jp", "Jane Smith", "", "080-9876-5432", "wheelchair access"),
    ]
    for email, name, kana, phone, notes in people:
        book(session, email=email, name=name, name_kana=kana, phone=phone, notes=notes)
    assert Reservation.objects.filter(session=session).count() == 2

    urls = [
        "/calendar/sessions.ics",
        "/calendar/facilities/ribbon.ics",
        "/calendar/programs/maternity.ics",
        "/calendar/audiences/expectant_parents.ics",
        f"/calendar/sessions/{session.pk}.ics",
    ]
    for url in urls:
        body = get_feed(api, url).content
        text = unfolded(body)
        for email, name, kana, phone, notes in people:
            for value in filter(None, (email, name, kana, phone, notes, email.split("@")[0])):
                assert value not in text, (url, value)
        for code in Reservation.objects.values_list("code", flat=True):
            assert code not in text
        assert "ATTENDEE" not in text and "mailto:" not in text
        assert uid_of(session) in text


def test_cancelled_session_stays_30_days_as_cancelled_then_goes(api, catalogue):
    *_, sessions = catalogue
    session = sessions["east-papa"][0]
    cancelled = session_cancel(session=session, reason="講師の都合により中止")

    events = parse_both(get_feed(api, "/calendar/facilities/east.ics").content)[2]
    assert_matches_db(events, sessions["east-papa"])
    assert events[uid_of(session)].status == "CANCELLED"
    assert events[uid_of(session)].summary == f"【中止】{session.display_title}"
    assert events[uid_of(session)].sequence == cancelled.sequence

    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now() - timedelta(days=29))
    assert uid_of(session) in parse_both(get_feed(api, "/calendar/facilities/east.ics").content)[2]

    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now() - timedelta(days=31))
    events = parse_both(get_feed(api, "/calendar/facilities/east.ics").content)[2]
    assert uid_of(session) not in events
    assert_matches_db(events, sessions["east-papa"][1:])


def test_past_sessions_stay_90_days(api, facility, program):
    kept = SessionFactory(facility=facility, program=program, start=days_from_now(-88))
    SessionFactory(facility=facility, program=program, start=days_from_now(-92))
    upcoming = SessionFactory(facility=facility, program=program, start=days_from_now(2))

    events = parse_both(get_feed(api, f"/calendar/facilities/{facility.slug}.ics").content)[2]

    assert_matches_db(events, [kept, upcoming])


def test_the_feed_follows_the_day_even_when_nothing_changes(api, catalogue, monkeypatch):
    first = get_feed(api, "/calendar/sessions.ics")
    tomorrow = feeds.feed_day() + timedelta(days=1)
    monkeypatch.setattr(feeds, "feed_day", lambda now=None: tomorrow)

    response = api.get("/calendar/sessions.ics", HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def test_facility_and_programme_api_give_feed_links(api, catalogue):
    ribbon, east, maternity, papa, sessions = catalogue

    facility = api.get("/api/v1/facilities/ribbon/").json()
    program = api.get("/api/v1/programs/papa/").json()

    assert facility["calendar_url"] == f"{settings.SITE_URL}/calendar/facilities/ribbon.ics"
    assert program["calendar_url"] == f"{settings.SITE_URL}/calendar/programs/papa.ics"
    for item in (facility, program):
        assert item["webcal_url"] == "webcal://" + item["calendar_url"].split("://", 1)[1]
        path = item["calendar_url"].removeprefix(settings.SITE_URL)
        assert parse_both(get_feed(api, path).content)[2]


def test_session_download_is_one_published_event(api, catalogue):
    *_, sessions = catalogue
    session = sessions["ribbon-papa"][0]

    response = api.get(f"/calendar/sessions/{session.pk}.ics")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ical, _, events = parse_both(response.content)
    assert str(ical["METHOD"]) == "PUBLISH"
    assert_matches_db(events, [session])


def test_session_download_follows_the_page_language(api, catalogue):
    *_, sessions = catalogue
    session = sessions["ribbon-maternity"][0]
    session_cancel(session=session, reason="")

    ja = api.get(f"/calendar/sessions/{session.pk}.ics", HTTP_ACCEPT_LANGUAGE="ja")
    en = api.get(f"/calendar/sessions/{session.pk}.ics", HTTP_ACCEPT_LANGUAGE="en")

    assert parse_both(ja.content)[2][uid_of(session)].summary.startswith("【中止】")
    assert parse_both(en.content)[2][uid_of(session)].summary.startswith("[Cancelled] ")
    assert ja["ETag"] != en["ETag"]


# --- private feeds -------------------------------------------------------------------------


@pytest.fixture
def parent_bookings(facility):
    """hanako@ has a seat, a waiting-list place and a lottery application; taro@ has a seat."""
    program = ProgramFactory(title="親子ふれあい遊び")
    seat = SessionFactory(facility=facility, program=program, start=days_from_now(3))
    full = SessionFactory(facility=facility, program=program, start=days_from_now(4), capacity=1)
    lottery_program = ProgramFactory(title="離乳食教室", booking_mode=BookingMode.LOTTERY)
    lottery = SessionFactory(
        facility=facility,
        program=lottery_program,
        start=days_from_now(20),
        registration_closes=days_from_now(10),
    )
    others = SessionFactory(facility=facility, program=program, start=days_from_now(6))
    book(full, email="someone@example.jp", name="先着 さん")
    mine = {
        "seat": book(seat, email="hanako@example.jp").reservation,
        "waitlisted": book(full, email="hanako@example.jp").reservation,
        "applied": book(lottery, email="Hanako@Example.jp").reservation,
    }
    book(others, email="taro@example.jp", name="田中 太郎")
    assert [r.status for r in mine.values()] == ["confirmed", "waitlisted", "applied"]
    return mine, others


def test_private_feed_shows_the_parents_sessions_with_their_state(api, parent_bookings):
    mine, others = parent_bookings
    token = tokens.feed_token_issue(email="hanako@example.jp")

    response = get_feed(api, f"/calendar/private/{token}.ics")

    ical, vobj, events = parse_both(response.content)
    sessions = {key: r.session for key, r in mine.items()}
    assert_matches_db(
        events,
        list(sessions.values()),
        status={
            sessions["seat"].pk: "CONFIRMED",
            sessions["waitlisted"].pk: "TENTATIVE",
            sessions["applied"].pk: "TENTATIVE",
        },
    )
    assert uid_of(others) not in events
    assert events[uid_of(sessions["waitlisted"])].summary.startswith("【キャンセル待ち】")
    assert events[uid_of(sessions["applied"])].summary.startswith("【抽選申込中】")
    assert events[uid_of(sessions["seat"])].summary == sessions["seat"].display_title
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "田中" not in unfolded(response.content)


def test_private_feed_marks_cancelled_then_forgets(api, parent_bookings):
    mine, _ = parent_bookings
    token = tokens.feed_token_issue(email="hanako@example.jp")
    before = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    session = mine["seat"].session

    cancelled = session_cancel(session=session, reason="台風")

    first = get_feed(api, f"/calendar/private/{token}.ics")
    events = parse_both(first.content)[2]
    assert events[uid_of(session)].status == "CANCELLED"
    assert events[uid_of(session)].summary == f"【中止】{session.display_title}"
    assert events[uid_of(session)].sequence > before[uid_of(session)].sequence
    assert events[uid_of(session)].sequence >= cancelled.sequence
    assert (
        api.get(f"/calendar/private/{token}.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
    old = timezone.now() - timedelta(days=31)
    Session.objects.filter(pk=session.pk).update(updated_at=old)
    Reservation.objects.filter(session=session).update(updated_at=old)
    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    assert uid_of(session) not in events
    assert len(events) == 2


def test_private_feed_keeps_a_cancelled_reservation_as_its_cancel_invite_said(api, parent_bookings):
    mine, _ = parent_bookings
    reservation = mine["seat"]
    token = tokens.feed_token_issue(email="hanako@example.jp")

    reservation_cancel(reservation=reservation, reason="")
    reservation.refresh_from_db()

    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    cancel = parse_both(invites.reservation_invite(reservation, method="CANCEL"))[2]
    uid = uid_of(reservation.session)
    assert events[uid].status == "CANCELLED"
    assert events[uid].summary == f"【キャンセル済み】{reservation.session.display_title}"
    assert events[uid].sequence == cancel[uid].sequence
    # Booking the same session again shows the new, live reservation above the cancel.
    again = book(reservation.session, email="hanako@example.jp").reservation
    events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)[2]
    assert events[uid].status == "CONFIRMED"
    assert events[uid].sequence > cancel[uid].sequence
    request = parse_both(invites.reservation_invite(again, method="REQUEST"))[2]
    assert events[uid].sequence == request[uid].sequence


def test_private_feed_lists_every_session_of_a_booked_course(api, facility):
    program = ProgramFactory(title="ペアレントトレーニング")
    course = Course.objects.create(program=program, facility=facility, title="全4回", slug="pt")
    sessions = [
        SessionFactory(program=program, facility=facility, course=course, start=days_from_now(d))
        for d in (7, 14, 21, 28)
    ]
    reservation_create(
        course=course,
        party=Party(adults=1),
        contact=Contact(name="高橋 由美", email="yumi@example.jp"),
    )
    token = tokens.feed_token_issue(email="yumi@example.jp")

    ical, _, events = parse_both(get_feed(api, f"/calendar/private/{token}.ics").content)

    assert_matches_db(events, sessions)
    assert str(ical["X-WR-CALNAME"]) == "わたしの予約"


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
    assert asked.status_code == 200 and "リンクを止めて" in asked.content.decode()
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


def test_a_feed_is_served_without_its_cache_while_redis_does_not_answer(api, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    monkeypatch.setattr(feeds, "cache", dead)
    session = SessionFactory()
    response = api.get(f"/calendar/facilities/{session.facility.slug}.ics")
    assert response.status_code == 200
    assert len(parse_both(response.content)[2]) == 1


@pytest.mark.parametrize("value", [5, True, ["hanako@example.jp"]], ids=repr)
def test_asking_for_the_link_with_a_non_string_email_is_400_and_sends_nothing(
    api, parent_bookings, value
):
    response = api.post("/api/v1/calendar/private-link/", {"email": value}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == ["email"]
    assert not Notification.objects.filter(kind=NotificationKind.FEED_LINK).exists()
    assert not CalendarFeedToken.objects.exists()
