"""Read calendars back with two unrelated parsers and hold them against the database.

icalendar wrote them; vobject (a separate code base with its own line unfolding, text
unescaping and VTIMEZONE handling) checks that what was written means what we meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import icalendar
import vobject
from django.conf import settings

from events.models import Session


@dataclass(frozen=True)
class Seen:
    """One VEVENT as a parser understood it."""

    uid: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    summary: str


def uid_of(session: Session) -> str:
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def check_wire_format(body: bytes) -> None:
    """Assert RFC 5545 3.1: CRLF line ends, lines of at most 75 octets, folds between
    whole UTF-8 characters."""
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in body.replace(b"\r\n", b""), "bare CR"
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold inside a multi-byte character would fail here


def unfolded(body: bytes) -> str:
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")


def by_icalendar(body: bytes) -> tuple[icalendar.Calendar, dict[str, Seen]]:
    cal = icalendar.Calendar.from_ical(body)
    seen = {}
    for event in cal.walk("VEVENT"):
        item = Seen(
            uid=str(event["UID"]),
            start=event.decoded("DTSTART"),
            end=event.decoded("DTEND"),
            status=str(event["STATUS"]),
            sequence=int(event["SEQUENCE"]),
            summary=str(event["SUMMARY"]),
        )
        assert item.uid not in seen, f"duplicate UID {item.uid}"
        seen[item.uid] = item
    return cal, seen


def by_vobject(body: bytes):
    cal = vobject.readOne(body.decode("utf-8"))
    seen = {}
    for event in getattr(cal, "vevent_list", []):
        item = Seen(
            uid=event.uid.value,
            start=event.dtstart.value,
            end=event.dtend.value,
            status=event.status.value,
            sequence=int(event.sequence.value),
            summary=event.summary.value,
        )
        assert item.uid not in seen, f"duplicate UID {item.uid}"
        seen[item.uid] = item
    return cal, seen


def parse_both(body: bytes):
    """Return (icalendar calendar, vobject calendar, events) after checking both agree."""
    check_wire_format(body)
    ical_cal, ical_seen = by_icalendar(body)
    vobj_cal, vobj_seen = by_vobject(body)
    assert ical_seen.keys() == vobj_seen.keys()
    for uid, a in ical_seen.items():
        b = vobj_seen[uid]
        # Aware datetimes compare by instant, whatever tzinfo class each parser used.
        assert (a.start, a.end, a.status, a.sequence, a.summary) == (
            b.start,
            b.end,
            b.status,
            b.sequence,
            b.summary,
        ), uid
        assert a.start.utcoffset() is not None and b.start.utcoffset() is not None
    return ical_cal, vobj_cal, ical_seen


def assert_matches_db(
    events: dict[str, Seen],
    sessions: list[Session],
    *,
    status: dict[int, str] | None = None,
    sequence: dict[int, int] | None = None,
) -> None:
    """Hold parsed events against sessions read fresh from the database, field by field."""
    fresh = {s.pk: s for s in Session.objects.filter(pk__in=[s.pk for s in sessions])}
    assert len(events) == len(sessions)
    assert set(events) == {uid_of(s) for s in sessions}
    for pk, session in fresh.items():
        event = events[uid_of(session)]
        assert event.start == session.start
        assert event.end == session.end
        expected_status = (status or {}).get(pk) or (
            "CANCELLED" if session.status == "cancelled" else "CONFIRMED"
        )
        assert event.status == expected_status, (pk, event.status)
        expected_sequence = (sequence or {}).get(pk, session.sequence)
        assert event.sequence == expected_sequence, (pk, event.sequence)
