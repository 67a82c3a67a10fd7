"""Public subscription feeds over HTTP: content against the database, validators and the
cache, what they leave out (personal data, old sessions), and the links the API gives."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from booking.models import Reservation
from calendars import feeds
from calendars import ics as calendar
from events.models import Audience, Session
from staffdesk.services import session_cancel_all as session_cancel
from staffdesk.services import session_update
from tests.calendars.feed_requests import days_from_now, get_feed
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.notifications.icalcheck import assert_matches_db, parse_both, uid_of, unfolded

pytestmark = pytest.mark.django_db


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
    expecting = get_feed(api, "/calendar/audiences/expectant_parents.ics").content
    assert "妊娠中の方" in unfolded(expecting)


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


def test_a_feed_is_served_without_its_cache_while_redis_does_not_answer(api, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    monkeypatch.setattr(feeds, "cache", dead)
    session = SessionFactory()
    response = api.get(f"/calendar/facilities/{session.facility.slug}.ics")
    assert response.status_code == 200
    assert len(parse_both(response.content)[2]) == 1
