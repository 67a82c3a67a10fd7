"""Calendar feeds (webcal): all sessions, a facility's, a programme's, an audience's, and a
parent's private feed; one session's download.

Every body comes from ``calendars.ics``; this module chooses the sessions, keeps rendered
bodies in the cache keyed by what they show, and answers conditional requests (ETag,
Last-Modified) with 304.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from booking.models import LIVE, Reservation
from calendars import ics as calendar
from calendars.invites import with_left_date_steps
from calendars.tokens import feed_token_lookup, feed_token_touch, reservation_language
from core.errors import MESSAGES, error_body, json_not_found
from core.languages import current_language, language_codes, spoken_language
from core.throttling import lookup_blocked, lookup_failed
from events.models import Audience, Facility, Program, Session, SessionStatus

# Raise when the output of calendars.ics changes, so cached bodies are not reused.
FEED_FORMAT = "2"

UNSPOKEN = gettext_lazy("Calendars are not available in this language.")


CACHE_TIMEOUT = 60 * 60 * 24


CONTENT_TYPE = "text/calendar; charset=utf-8"


# What calendar.py reads. Programmes and facilities are prefetched rather than joined: a feed
# has thousands of sessions but a handful of each, and one shared instance per programme or
# facility costs far less than one per row (model instantiation is most of the query's cost).
SESSION_FIELDS = (
    "id",
    "program_id",
    "facility_id",
    "course_id",
    "title",
    "start",
    "end",
    "status",
    "cancel_reason",
    "sequence",
    "created_at",
    "updated_at",
)


PROGRAM_FIELDS = ("id", "title", "what_to_bring", "calendar_alarm", "updated_at")


FACILITY_FIELDS = (
    "id",
    "name",
    "address",
    "access",
    "latitude",
    "longitude",
    "phone",
    "email",
    "noreply_email",
    "updated_at",
)


def with_calendar_relations(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Load exactly what calendar.py needs of sessions, programmes and facilities."""
    return sessions.only(*SESSION_FIELDS).prefetch_related(
        Prefetch("program", queryset=Program.objects.only(*PROGRAM_FIELDS)),
        Prefetch("facility", queryset=Facility.objects.only(*FACILITY_FIELDS)),
    )


def feed_day(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), calendar.TOKYO).date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=calendar.TOKYO)


def feed_sessions(where: Q, *, day: date) -> QuerySet[Session]:
    """Return the sessions a feed shows on ``day`` (retention in the module docstring)."""
    start = _day_start(day)
    return with_calendar_relations(
        Session.objects.filter(where, end__gte=start - settings.CALENDAR_PAST_RETENTION)
        .exclude(
            status=SessionStatus.CANCELLED,
            updated_at__lt=start - settings.CALENDAR_CANCELLED_RETENTION,
        )
        .order_by("start", "id")
    )


@dataclass(frozen=True)
class Validator:
    etag: str
    last_modified: datetime

    @property
    def key(self) -> str:
        return self.etag.strip('"')


def _validator(parts: list[object], times: list[datetime | None], day: date) -> Validator:
    digest = hashlib.sha256(
        "|".join([FEED_FORMAT, settings.SITE_URL, day.isoformat(), *map(str, parts)]).encode()
    ).hexdigest()[:40]
    latest = max([_day_start(day), *(t for t in times if t is not None)])
    return Validator(etag=f'"{digest}"', last_modified=latest)


def feed_validator(sessions: QuerySet[Session], *, scope: str, day: date) -> Validator:
    """Compute a feed's validator with one aggregate query, without loading its sessions."""
    figures = sessions.order_by().aggregate(
        n=Count("id"),
        updated=Max("updated_at"),
        sequence=Max("sequence"),
        program=Max("program__updated_at"),
        facility=Max("facility__updated_at"),
    )
    times = [figures["updated"], figures["program"], figures["facility"]]
    return _validator([scope, *figures.values()], times, day)


def private_entries(email: str, *, day: date) -> list[calendar.PrivateEntry]:
    """Return what a private feed shows: one entry per session, the parent's current place."""
    start = _day_start(day)
    past = start - settings.CALENDAR_PAST_RETENTION
    ended_since = start - settings.CALENDAR_CANCELLED_RETENTION
    reservations = list(
        Reservation.objects.filter(email=email)
        .only(
            "id",
            "session_id",
            "course_id",
            "status",
            "code",
            "created_at",
            "updated_at",
            "party_changes",
            "moves",
        )
        .order_by("created_at", "id")
    )
    ended_before: dict[tuple[int | None, int | None], int] = {}
    chosen: dict[tuple[int | None, int | None], tuple[Reservation, int]] = {}
    for reservation in reservations:
        target = (reservation.session_id, reservation.course_id)
        prior = ended_before.get(target, 0)
        live = reservation.status in LIVE
        if live or reservation.updated_at >= ended_since:
            current = chosen.get(target)
            # A live reservation wins over an ended one; otherwise the latest one.
            if current is None or live or current[0].status not in LIVE:
                chosen[target] = (reservation, prior)
        if reservation.status in calendar.ENDED:
            ended_before[target] = prior + calendar.used_sequence_steps(reservation)
    if not chosen:
        return []
    chosen = with_left_date_steps(email, reservations, chosen)
    session_ids = [t[0] for t in chosen if t[0]]
    course_ids = [t[1] for t in chosen if t[1]]
    sessions = with_calendar_relations(
        Session.objects.filter(
            Q(pk__in=session_ids) | Q(course_id__in=course_ids), end__gte=past
        ).order_by("start", "id")
    )
    entries = []
    for session in sessions:
        pick = chosen.get((session.pk, None)) or chosen.get((None, session.course_id))
        if pick is None:
            continue
        reservation, prior = pick
        if session.status == SessionStatus.CANCELLED and session.updated_at < ended_since:
            continue
        entries.append(
            calendar.PrivateEntry(session=session, reservation=reservation, prior_steps=prior)
        )
    return entries


def private_validator(email: str, *, day: date) -> Validator:
    """Validator of a private feed: the parent's reservations and the sessions they cover."""
    mine = Reservation.objects.filter(email=email)
    booked = mine.order_by().aggregate(n=Count("id"), updated=Max("updated_at"))
    sessions = Session.objects.filter(
        Q(pk__in=mine.filter(session__isnull=False).values("session_id"))
        | Q(course_id__in=mine.filter(course__isnull=False).values("course_id"))
    )
    figures = sessions.order_by().aggregate(
        n=Count("id"),
        updated=Max("updated_at"),
        sequence=Max("sequence"),
        program=Max("program__updated_at"),
        facility=Max("facility__updated_at"),
    )
    times = [booked["updated"], figures["updated"], figures["program"], figures["facility"]]
    return _validator(["private", email, *booked.values(), *figures.values()], times, day)


def _serve(
    request: HttpRequest,
    *,
    scope: str,
    validator: Validator,
    render: Callable[[], bytes],
    filename: str,
    private: bool = False,
    disposition: str = "inline",
) -> HttpResponse:
    last_modified = int(validator.last_modified.timestamp())
    response = get_conditional_response(request, etag=validator.etag, last_modified=last_modified)
    if response is None:
        key = f"calendar-feed:{scope}:{validator.key}"
        try:
            body = cache.get(key)
        except RedisError:  # a feed is served without its cache while Redis does not answer
            body = None
        if body is None:
            body = render()
            with contextlib.suppress(RedisError):
                cache.set(key, body, CACHE_TIMEOUT)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = validator.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"{'private' if private else 'public'}, max-age=300"
    if private:
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
    return response


def feed_language(request: HttpRequest) -> str | None:
    """The language a public feed is written in: its ``lang`` (the subscribe link of a page in
    that language carries it), else Japanese. Never the Accept-Language: a calendar server
    polls for all its users at once, and one URL must give one body to cache.

    None for a language the product does not speak, answered 400 rather than Japanese: a
    subscription URL is pasted once and polled for years, and a typo answered in Japanese
    would look like a working feed whose translation broke, while the calendar app shows a 400
    when subscribing. It also keeps the cache to one body per language spoken."""
    given = request.GET.get("lang")
    return settings.LANGUAGE_CODE if given is None else spoken_language(given)


def unspoken_language(request: HttpRequest) -> HttpResponse:
    body = error_body("unsupported_language", UNSPOKEN, languages=language_codes())
    return JsonResponse(body, status=400)


def _public_feed(
    request: HttpRequest, *, scope: str, where: Q, name: Callable[[], str], filename: str
) -> HttpResponse:
    """Serve a public feed; ``name`` gives the calendar's name in the active language."""
    language = feed_language(request)
    if language is None:
        return unspoken_language(request)
    scope = f"{scope}:{language}"  # in the cache key and the ETag

    def render() -> bytes:
        with override(language):  # titles, places and notes staff translated
            return calendar.feed_ics(sessions, name=name(), language=language)

    day = feed_day()
    sessions = feed_sessions(where, day=day)
    return _serve(
        request,
        scope=scope,
        validator=feed_validator(sessions, scope=scope, day=day),
        render=render,
        filename=filename,
    )


@require_safe
def all_sessions_feed(request: HttpRequest) -> HttpResponse:
    """Every session of every facility."""
    return _public_feed(
        request,
        scope="all",
        where=Q(),
        name=lambda: calendar.default_feed_name(current_language()),
        filename="sessions.ics",
    )


@require_safe
def facility_feed(request: HttpRequest, slug: str) -> HttpResponse:
    facility = Facility.objects.filter(slug=slug).only("id", "name", "updated_at").first()
    if facility is None:
        return json_not_found(request)
    return _public_feed(
        request,
        scope=f"facility:{facility.pk}:{facility.updated_at.isoformat()}",
        where=Q(facility_id=facility.pk),
        name=lambda: facility.name,
        filename=f"{slug}.ics",
    )


@require_safe
def program_feed(request: HttpRequest, slug: str) -> HttpResponse:
    program = Program.objects.filter(slug=slug).only("id", "title", "updated_at").first()
    if program is None:
        return json_not_found(request)
    return _public_feed(
        request,
        scope=f"program:{program.pk}:{program.updated_at.isoformat()}",
        where=Q(program_id=program.pk),
        name=lambda: program.title,
        filename=f"{slug}.ics",
    )


@require_safe
def audience_feed(request: HttpRequest, audience: str) -> HttpResponse:
    if audience not in Audience.values:
        return json_not_found(request)
    return _public_feed(
        request,
        scope=f"audience:{audience}",
        where=Q(program__audience=audience),
        name=lambda: calendar.audience_feed_name(audience, current_language()),
        filename=f"{audience}.ics",
    )


@require_safe
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    wait = lookup_blocked(request)
    if wait is not None:
        return JsonResponse(
            error_body("throttled", MESSAGES["throttled"]),
            status=429,
            headers={"Retry-After": str(int(wait))},
        )
    row = feed_token_lookup(token)
    if row is None:
        lookup_failed(request)
        return json_not_found(request)
    feed_token_touch(row)
    day = feed_day()
    language = reservation_language(row.email) or "ja"
    return _serve(
        request,
        scope=f"private:{row.token_hash}:{language}",
        validator=private_validator(row.email, day=day),
        render=lambda: calendar.private_feed_ics(
            private_entries(row.email, day=day), language=language
        ),
        filename="my-reservations.ics",
        private=True,
    )


@require_safe
def session_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One session as an .ics file, for an "add to calendar" button."""
    session = Session.objects.select_related("program", "facility").filter(pk=pk).first()
    if session is None:
        return json_not_found(request)
    # The page's language (the link is followed from it), or a ``lang`` as the feeds take it.
    language = feed_language(request) if "lang" in request.GET else current_language()
    if language is None:
        return unspoken_language(request)
    times = [session.updated_at, session.program.updated_at, session.facility.updated_at]
    return _serve(
        request,
        scope=f"session:{pk}:{language}",
        validator=_validator(
            [f"session:{pk}:{language}", session.sequence, *times], times, feed_day()
        ),
        render=lambda: calendar.session_ics(session, language=language),
        filename=f"session-{pk}.ics",
        disposition="attachment",
    )
