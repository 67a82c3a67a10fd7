"""Invites and single-event downloads from calendars (ics, invites), read back by two parsers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from booking.services import reservation_cancel
from calendars import ics
from calendars import invites as calendar
from events.models import SessionStatus
from staffdesk.services import session_cancel_all as session_cancel
from staffdesk.services import session_update
from tests.factories import SessionFactory, book, course_of_three
from tests.notifications.icalcheck import assert_matches_db, parse_both, uid_of, unfolded

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_session(facility, program):
    facility.noreply_email = "noreply@ribbon.example.jp"
    facility.latitude = Decimal("31.591000")
    facility.longitude = Decimal("130.557000")
    facility.access = "市電「いづろ通」電停から徒歩3分"
    facility.save()
    program.what_to_bring = "バスタオル、着替え、母子健康手帳"
    program.save()
    return SessionFactory(facility=facility, program=program, title="マタニティ教室（沐浴）")


def test_request_invite_carries_every_field_for_the_parent(rich_session):
    reservation = book(rich_session, email="hanako@example.jp", name="山田 花子").reservation

    body = calendar.reservation_invite(reservation, method="REQUEST")

    ical, vobj, events = parse_both(body)
    assert_matches_db(events, [rich_session])
    assert str(ical["METHOD"]) == "REQUEST" and vobj.method.value == "REQUEST"
    assert str(ical["VERSION"]) == "2.0" and str(ical["PRODID"])
    assert [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    (event,) = ical.walk("VEVENT")
    assert str(event["UID"]) == f"session-{rich_session.pk}@{settings.CALENDAR_UID_DOMAIN}"
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert str(event["ORGANIZER"]) == "mailto:noreply@ribbon.example.jp"
    assert event["ORGANIZER"].params["CN"] == rich_session.facility.name
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:hanako@example.jp"
    assert attendee.params["CN"] == "山田 花子"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert str(event["LOCATION"]) == f"{rich_session.facility.name} 鹿児島県鹿児島市山下町15-1"
    assert event["GEO"].latitude == pytest.approx(31.591)
    assert event["GEO"].longitude == pytest.approx(130.557)
    # The session's page opens in the invite's language (its email's), not the browser's.
    assert str(event["URL"]) == f"{settings.SITE_URL}/sessions/{rich_session.pk}/?lang=ja"
    description = str(event["DESCRIPTION"])
    assert "バスタオル、着替え、母子健康手帳" in description
    assert reservation.code in description
    assert "予約確認メール" in description  # the manage hint
    assert event.decoded("DTSTAMP") <= timezone.now()
    assert event.decoded("LAST-MODIFIED") == rich_session.updated_at.replace(microsecond=0)
    assert "VALARM" not in [c.name for c in event.subcomponents]
    # vobject reads the same people and place.
    vevent = vobj.vevent
    assert vevent.organizer.value == "mailto:noreply@ribbon.example.jp"
    assert vevent.attendee.params["CN"] == ["山田 花子"]
    assert vevent.location.value == str(event["LOCATION"])
    assert vevent.description.value == description


def test_organizer_falls_back_to_the_site_sender(session):
    reservation = book(session).reservation

    ical, _, _ = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))

    (event,) = ical.walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
    assert "GEO" not in event


def test_cancel_invite_is_cancelled_with_a_higher_sequence(session):
    reservation = book(session).reservation
    request_ical, _, request_events = parse_both(
        calendar.reservation_invite(reservation, method="REQUEST")
    )
    reservation_cancel(reservation=reservation, reason="都合が悪くなった")
    reservation.refresh_from_db()

    ical, vobj, events = parse_both(calendar.reservation_invite(reservation, method="CANCEL"))

    assert str(ical["METHOD"]) == "CANCEL" and vobj.method.value == "CANCEL"
    uid = uid_of(session)
    assert events[uid].status == "CANCELLED"
    assert events[uid].summary == f"【キャンセル済み】{session.display_title}"
    assert events[uid].sequence > request_events[uid].sequence
    assert_matches_db(
        events,
        [session],
        status={session.pk: "CANCELLED"},
        sequence={session.pk: session.sequence + 1},
    )
    (event,) = ical.walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_booking_again_after_cancelling_outranks_the_cancel(session):
    first = book(session).reservation
    reservation_cancel(reservation=first, reason="")
    first.refresh_from_db()
    cancel_seq = parse_both(calendar.reservation_invite(first, method="CANCEL"))[2][
        uid_of(session)
    ].sequence

    second = book(session).reservation
    events = parse_both(calendar.reservation_invite(second, method="REQUEST"))[2]

    assert events[uid_of(session)].sequence > cancel_seq
    assert events[uid_of(session)].status == "CONFIRMED"


def test_time_change_raises_sequence_in_the_invite_and_the_feed(api, session):
    reservation = book(session).reservation
    before = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))[2]
    feed_before = parse_both(api.get(f"/calendar/facilities/{session.facility.slug}.ics").content)[
        2
    ]

    moved = session_update(
        session=session,
        start=session.start + timedelta(hours=2),
        end=session.end + timedelta(hours=2),
    )

    after = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))[2]
    feed_after = parse_both(api.get(f"/calendar/facilities/{session.facility.slug}.ics").content)[2]
    uid = uid_of(session)
    assert after[uid].sequence == before[uid].sequence + 1 == moved.sequence
    assert feed_after[uid].sequence == feed_before[uid].sequence + 1 == moved.sequence
    assert after[uid].start == moved.start == feed_after[uid].start
    assert after[uid].start - before[uid].start == timedelta(hours=2)
    assert_matches_db(after, [moved])
    assert_matches_db(feed_after, [moved])


def test_session_cancelled_by_staff_sends_cancel_above_every_request(session):
    reservation = book(session).reservation
    request_seq = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))[2][
        uid_of(session)
    ].sequence

    cancelled = session_cancel(session=session, reason="台風のため")
    reservation.refresh_from_db()
    ical, _, events = parse_both(calendar.reservation_invite(reservation, method="CANCEL"))

    assert cancelled.status == SessionStatus.CANCELLED
    assert events[uid_of(session)].status == "CANCELLED"
    assert events[uid_of(session)].summary == f"【中止】{session.display_title}"
    assert events[uid_of(session)].sequence > request_seq
    assert events[uid_of(session)].sequence == cancelled.sequence + 1
    assert "台風のため" in str(ical.walk("VEVENT")[0]["DESCRIPTION"])


def test_a_course_has_one_invite_per_session_each_with_one_uid(facility, program):
    """Thunderbird takes a REQUEST of several UIDs for PUBLISH and Outlook keeps its first event:
    each session is its own iTIP object, read the same by icalendar and vobject."""
    sessions, reservation = course_of_three(facility, program)

    invites = calendar.reservation_invites(reservation, method="REQUEST")

    assert len(invites) == 3
    for body, session in zip(invites, sessions, strict=True):
        ical, vobj, events = parse_both(body)
        assert list(events) == [uid_of(session)]
        assert len(vobj.vevent_list) == 1
        assert str(ical["METHOD"]) == "REQUEST"
        assert_matches_db(events, [session])
    with pytest.raises(ValueError):
        calendar.reservation_invite(reservation, method="REQUEST")


def test_a_course_cancel_keeps_each_session_uid(facility, program):
    sessions, reservation = course_of_three(facility, program)
    requested = [
        list(parse_both(body)[2].items())[0]
        for body in calendar.reservation_invites(reservation, method="REQUEST")
    ]
    reservation_cancel(reservation=reservation)
    reservation.refresh_from_db()

    cancelled = [
        list(parse_both(body)[2].items())[0]
        for body in calendar.reservation_invites(reservation, method="CANCEL")
    ]

    assert [uid for uid, _ in cancelled] == [uid for uid, _ in requested]
    for (_, before), (_, after) in zip(requested, cancelled, strict=True):
        assert after.status == "CANCELLED" and after.sequence > before.sequence


def test_alarm_a_day_before_only_when_the_programme_asks(session):
    reservation = book(session).reservation
    session.program.calendar_alarm = True
    session.program.save()

    ical, vobj, _ = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))

    (alarm,) = ical.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert vobj.vevent.valarm.trigger.value == timedelta(days=-1)
    cancel = parse_both(calendar.reservation_invite(reservation, method="CANCEL"))[0]
    assert cancel.walk("VALARM") == []


def test_english_reservation_gets_english_text(session):
    session.program.what_to_bring = "towel"
    session.program.save()
    reservation = book(session, language="en").reservation

    ical = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))[0]

    description = str(ical.walk("VEVENT")[0]["DESCRIPTION"])
    assert "What to bring: towel" in description
    assert "confirmation email" in description


def test_japanese_labels_take_the_full_width_colon(session):
    session.program.what_to_bring = "タオル"
    session.program.save()
    reservation = book(session).reservation
    ical = parse_both(calendar.reservation_invite(reservation, method="REQUEST"))[0]
    description = str(ical.walk("VEVENT")[0]["DESCRIPTION"])
    assert "持ち物：タオル" in description
    assert f"予約番号：{reservation.code}" in description
    assert ": " not in description.replace("https: ", "")


def test_long_japanese_text_folds_on_character_boundaries_and_round_trips(facility, program):
    title = "親子ふれあい遊び（0〜1歳）：絵本の読み聞かせ、わらべうた、手遊び🎵" * 3
    bring = "バスタオル、着替え; 飲み物, 母子健康手帳\\ おむつ\n帰りの荷物袋"
    program.what_to_bring = bring
    program.save()
    facility.address = "鹿児島県鹿児島市山下町15-1 みなと大通り別館ビル5階（すこやか子育て交流館）"
    facility.save()
    session = SessionFactory(facility=facility, program=program, title=title)
    reservation = book(session, name="長谷川 美穂子").reservation

    for body in (
        calendar.reservation_invite(reservation, method="REQUEST"),
        ics.session_ics(session),
    ):
        ical, vobj, events = parse_both(body)  # checks CRLF, 75 octets, UTF-8 boundaries
        assert any(len(line) > 60 for line in body.split(b"\r\n"))
        assert b"\r\n " in body  # long lines were folded
        assert events[uid_of(session)].summary == title
        assert vobj.vevent.summary.value == title
        description = str(ical.walk("VEVENT")[0]["DESCRIPTION"])
        assert bring in description
        assert bring in vobj.vevent.description.value
        assert facility.address in vobj.vevent.location.value
        assert "\\;" in unfolded(body) and "\\," in unfolded(body)  # text was escaped


def test_session_ics_is_a_published_single_event(session):
    ical, vobj, events = parse_both(ics.session_ics(session))

    assert str(ical["METHOD"]) == "PUBLISH" and vobj.method.value == "PUBLISH"
    assert_matches_db(events, [session])
    assert "ATTENDEE" not in ical.walk("VEVENT")[0]


def test_request_for_an_unknown_method_is_refused(session):
    reservation = book(session).reservation
    with pytest.raises(ValueError):
        calendar.reservation_invite(reservation, method="PUBLISH")
