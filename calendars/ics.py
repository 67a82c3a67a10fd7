"""iCalendar bodies (RFC 5545) of sessions: public feeds, a parent's private feed, one session.

Every calendar body of the product is written here or in ``calendars.invites`` with the
icalendar package: UIDs stable per session, SEQUENCE raised on every change of time, place or
status (``Session.sequence``), times in Asia/Tokyo with a VTIMEZONE, cancelled sessions kept as
STATUS:CANCELLED for a while so clients drop them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language, gettext, override, pgettext
from icalendar import (
    Calendar,
    Event,
    Timezone,
    vDDDTypes,
    vDuration,
    vGeo,
    vInt,
    vText,
    vUri,
)

from booking.models import Reservation, ReservationStatus
from core.languages import EASY_JAPANESE, html_lang, supported_language, url_in_language
from core.ruby import ruby_plain
from events.models import Audience, Session, SessionStatus
from events.selectors import shown_language

TZID = "Asia/Tokyo"


TOKYO = ZoneInfo(TZID)


PRODID = "-//Kosodate booking//kosodate-booking 1.0//JA"


REFRESH = timedelta(hours=1)


METHOD_REQUEST = "REQUEST"


METHOD_CANCEL = "CANCEL"


METHOD_PUBLISH = "PUBLISH"


# Reservation statuses shown as a firm booking in the private feed; the other live ones are
# tentative (the parent does not hold a seat yet, or must still confirm it).
FIRM = (ReservationStatus.CONFIRMED, ReservationStatus.ATTENDED, ReservationStatus.NO_SHOW)


ENDED = (ReservationStatus.CANCELLED, ReservationStatus.LAPSED)


# Keys are label names and reservation statuses; they must not collide ("cancelled" is a
# reservation status, so the session's own cancellation is "session_cancelled"). The words
# come from the catalogues, in the language of the reservation or feed.
LABELS: dict[str, Callable[[], str]] = {
    "session_cancelled": lambda: pgettext("calendar summary", "[Cancelled] "),
    "what_to_bring": lambda: gettext("What to bring"),
    "access": lambda: pgettext("calendar", "Access"),
    "reason": lambda: gettext("Reason for cancellation"),
    "details": lambda: pgettext("calendar", "Details"),
    "code": lambda: gettext("Reservation code"),
    "manage": lambda: gettext(
        "To check, change or cancel your reservation, use the link in your confirmation "
        "email (the manage page)."
    ),
    "contact": lambda: pgettext("calendar", "Contact"),
    # Japanese writes a full-width colon after a label, as the pages and emails do.
    "sep": lambda: pgettext("label separator", ": "),
    "alarm": lambda: pgettext("calendar alarm", "Tomorrow"),
    ReservationStatus.WAITLISTED: lambda: pgettext("calendar summary", "[Waiting list] "),
    ReservationStatus.APPLIED: lambda: pgettext("calendar summary", "[Lottery application] "),
    ReservationStatus.WON: lambda: pgettext("calendar summary", "[Won - please confirm] "),
    ReservationStatus.CANCELLED: lambda: pgettext("calendar summary", "[Reservation cancelled] "),
    ReservationStatus.LAPSED: lambda: pgettext("calendar summary", "[Reservation cancelled] "),
    "calname_all": lambda: gettext("Child-care support events"),
    "calname_private": lambda: pgettext("calendar name", "My reservations"),
}


@lru_cache(maxsize=16)
def language_labels(language: str | None) -> dict[str, str]:
    """The calendar's words in a language (やさしい日本語's ふりがな as 漢字(かんじ))."""
    code = supported_language(language)
    with override(code):
        labels = {key: text() for key, text in LABELS.items()}
    if code == EASY_JAPANESE:
        labels = {key: ruby_plain(text) for key, text in labels.items()}
    return labels


def text_language(language: str | None) -> str:
    """The LANGUAGE parameter (RFC 5545) of a text written in ``language``: a BCP 47 tag."""
    return html_lang(supported_language(language))


def session_uid(session: Session) -> str:
    """Return the session's UID, the same in every feed and invite."""
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def session_url(session: Session, language: str | None = None) -> str:
    """Return the public page of a session; opening in ``language`` if one is given (an
    email's invite), else in the browser's (a feed: its ``?lang=`` is not the page's)."""
    url = f"{settings.SITE_URL}/sessions/{session.pk}/"
    return url_in_language(url, language) if language else url


def organizer_email(session: Session) -> str:
    return session.facility.noreply_email or settings.DEFAULT_FROM_EMAIL


@lru_cache(maxsize=1)
def _tokyo_vtimezone() -> Timezone:
    # Japan has kept +09:00 without daylight saving since 1951: one STANDARD block is exact.
    tz = Timezone()
    tz.add("tzid", TZID)
    standard = Timezone.from_tzid(TZID).walk("STANDARD")[0]
    tz.add_component(standard)
    return tz


def new_calendar(*, method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name is not None:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
        # Unknown to icalendar's type map: without vDuration it would write "1:00:00".
        cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH))
    cal.add_component(_tokyo_vtimezone())
    return cal


def utc(value: datetime) -> datetime:
    if value.tzinfo is not UTC:  # the database already gives UTC
        value = value.astimezone(UTC)
    return value.replace(microsecond=0) if value.microsecond else value


def _tokyo(value: datetime) -> datetime:
    return value.astimezone(TOKYO)


def _place(facility) -> tuple[vText, vGeo | None]:
    """Return LOCATION and GEO of a facility, made once per facility instance.

    Feeds share one facility instance among all its sessions (feeds.py prefetches it), so
    this is computed once per facility and request, never kept beyond the instance.
    """
    places = facility.__dict__.setdefault("_calendar_places", {})
    language = get_language()  # the name and address are translated fields
    place = places.get(language)
    if place is None:
        geo = None
        if facility.latitude is not None and facility.longitude is not None:
            geo = vGeo((float(facility.latitude), float(facility.longitude)))
        text = f"{facility.name} {facility.address}".strip()
        location = vText(ruby_plain(text) if language == EASY_JAPANESE else text)
        location.params["LANGUAGE"] = html_lang(shown_language(facility, "name"))
        place = (location, geo)
        places[language] = place
    return place


def session_text(
    session: Session,
    labels: dict[str, str],
    *,
    extra: Sequence[str] = (),
    page_language: str | None = None,
) -> str:
    program = session.program
    parts: list[str] = []
    if session.status == SessionStatus.CANCELLED and session.cancel_reason:
        parts.append(f"{labels['reason']}{labels['sep']}{session.cancel_reason}")
    if program.what_to_bring:
        parts.append(f"{labels['what_to_bring']}{labels['sep']}{program.what_to_bring}")
    if session.facility.access:
        parts.append(f"{labels['access']}{labels['sep']}{session.facility.access}")
    parts.extend(extra)
    parts.append(f"{labels['details']}{labels['sep']}{session_url(session, page_language)}")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class EventFields:
    """What one VEVENT says, beyond what the session itself gives."""

    dtstamp: datetime
    sequence: int
    status: str
    summary: str
    description: str
    last_modified: datetime
    # The language SUMMARY and DESCRIPTION are written in (a BCP 47 tag), if said; a title
    # shown in Japanese for want of a translation says so on SUMMARY alone.
    language: str | None = None
    summary_language: str | None = None
    # The language the session's page opens in from the event's URL: an invite's, not a feed's.
    page_language: str | None = None


_OPAQUE = vText("OPAQUE")


def session_vevent(session: Session, fields: EventFields) -> Event:
    # Properties are set already typed rather than through Component.add(), which looks the
    # type up by name for every value: the same bytes, for a good part less work in a feed of
    # thousands of events. Shared values (TRANSP, a facility's LOCATION and GEO) are never
    # mutated, so one instance can serve every event.
    location, geo = _place(session.facility)
    stamp = vDDDTypes(fields.dtstamp)
    event = Event()
    event["UID"] = vText(session_uid(session))
    event["DTSTAMP"] = stamp
    event["CREATED"] = vDDDTypes(utc(session.created_at))
    event["LAST-MODIFIED"] = (
        stamp if fields.last_modified == fields.dtstamp else vDDDTypes(fields.last_modified)
    )
    event["SEQUENCE"] = vInt(fields.sequence)
    event["DTSTART"] = vDDDTypes(_tokyo(session.start))
    event["DTEND"] = vDDDTypes(_tokyo(session.end))
    summary = event["SUMMARY"] = vText(fields.summary)
    event["LOCATION"] = location
    if geo is not None:
        event["GEO"] = geo
    event["URL"] = vUri(session_url(session, fields.page_language))
    description = event["DESCRIPTION"] = vText(fields.description)
    if fields.language:
        summary.params["LANGUAGE"] = fields.summary_language or fields.language
        description.params["LANGUAGE"] = fields.language
    event["STATUS"] = vText(fields.status)
    event["TRANSP"] = _OPAQUE
    return event


def _public_summary(session: Session, labels: dict[str, str]) -> str:
    title = session.display_title
    if session.status == SessionStatus.CANCELLED:
        return f"{labels['session_cancelled']}{title}"
    return title


def title_language(session: Session) -> str:
    """The language a session's title is shown in now: staff write a session's own title in
    Japanese; a programme's title is the active language's where entered."""
    return settings.LANGUAGE_CODE if session.title else shown_language(session.program, "title")


def session_event(session: Session, *, language: str = "ja") -> Event:
    """Return the public VEVENT of a session, as every public feed shows it, in ``language``:
    the labels, and the titles, places and notes staff translated (else the Japanese), which
    read the active language: the caller renders under ``override(language)``."""
    code = supported_language(language)
    labels = language_labels(code)
    updated = utc(session.updated_at)
    summary = _public_summary(session, labels)
    description = session_text(session, labels)
    if code == EASY_JAPANESE:  # ふりがな of staff's text as 漢字(かんじ)
        summary, description = ruby_plain(summary), ruby_plain(description)
    return session_vevent(
        session,
        EventFields(
            dtstamp=updated,
            last_modified=updated,
            sequence=session.sequence,
            status="CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED",
            summary=summary,
            description=description,
            language=text_language(code),
            summary_language=html_lang(title_language(session)),
        ),
    )


def feed_ics(
    sessions: Iterable[Session], *, name: str, description: str = "", language: str = "ja"
) -> bytes:
    """Return a public subscription feed of the given sessions (program, facility loaded),
    written in ``language``; ``name`` is the calendar's name in that language."""
    code = supported_language(language)
    cal = new_calendar(method=None, name=ruby_plain(name) if code == EASY_JAPANESE else name)
    if description:
        cal.add("x-wr-caldesc", description)
    with override(code):
        for session in sessions:
            cal.add_component(session_event(session, language=code))
    return cal.to_ical()


@dataclass(frozen=True)
class PrivateEntry:
    """One line of a parent's private feed: a session and where the parent stands."""

    session: Session
    reservation: Reservation
    prior_steps: int = 0  # calendars.invites.prior_sequence_steps


def own_sequence_steps(reservation: Reservation) -> int:
    """The SEQUENCE steps a reservation's own changes add to its invites: one per change of its
    party, two per move to another date (the old date's CANCEL, the new date's REQUEST)."""
    return reservation.party_changes + 2 * reservation.moves


def used_sequence_steps(reservation: Reservation) -> int:
    """The steps a reservation given up (or moved away from a date) used there: its REQUEST
    and CANCEL and its own changes; a later booking's invite must outrank them."""
    return 2 + own_sequence_steps(reservation)


def private_entry_sequence(entry: PrivateEntry) -> int:
    """Return the sequence the parent's last invite for this session carried (see above)."""
    base = entry.session.sequence + entry.prior_steps + own_sequence_steps(entry.reservation)
    return base + 1 if entry.reservation.status in ENDED else base


def private_feed_ics(entries: Iterable[PrivateEntry], *, language: str = "ja") -> bytes:
    """Return a parent's private feed: their sessions, each with the state of their place."""
    labels = language_labels(language)
    cal = new_calendar(method=None, name=labels["calname_private"])
    for entry in entries:
        session, reservation = entry.session, entry.reservation
        updated = utc(max(session.updated_at, reservation.updated_at))
        if session.status == SessionStatus.CANCELLED:
            status, prefix = "CANCELLED", labels["session_cancelled"]
        elif reservation.status in ENDED:
            status, prefix = "CANCELLED", labels[reservation.status]
        elif reservation.status in FIRM:
            status, prefix = "CONFIRMED", ""
        else:
            status, prefix = "TENTATIVE", labels.get(reservation.status, "")
        cal.add_component(
            session_vevent(
                session,
                EventFields(
                    dtstamp=updated,
                    last_modified=updated,
                    sequence=private_entry_sequence(entry),
                    status=status,
                    summary=f"{prefix}{session.display_title}",
                    description=session_text(
                        session,
                        labels,
                        extra=[f"{labels['code']}{labels['sep']}{reservation.code}"],
                    ),
                ),
            )
        )
    return cal.to_ical()


def session_ics(session: Session, *, language: str = "ja") -> bytes:
    """Return one session as a downloadable .ics ("add to calendar"), METHOD:PUBLISH."""
    cal = new_calendar(method=METHOD_PUBLISH)
    with override(supported_language(language)):
        cal.add_component(session_event(session, language=language))
    return cal.to_ical()


def default_feed_name(language: str = "ja") -> str:
    return language_labels(language)["calname_all"]


def audience_feed_name(audience: str, language: str = "ja") -> str:
    """Return the calendar name of a public feed for one audience, in the words the site's own
    filter uses for it (a calendar named otherwise than the page it was subscribed from)."""
    code = supported_language(language)
    if audience not in Audience.values:
        return f"{default_feed_name()}（{audience}）"
    with override(code):
        label = str(Audience(audience).label)
    if code == EASY_JAPANESE:
        return ruby_plain(f"{default_feed_name(code)}（{label}）")
    if code == settings.LANGUAGE_CODE:
        return f"{default_feed_name(code)}（{label}）"
    return f"{default_feed_name(code)} ({label})"
