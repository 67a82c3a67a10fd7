"""Calendar subscription feeds (webcal) and parents' private feeds.

Every calendar body comes from notifications.calendar; this module chooses the sessions,
answers conditional requests and keeps rendered feeds in the cache.

What a feed holds
    Public feeds (all sessions, per facility, per programme, per audience) hold sessions and
    nothing about the people who booked them. Past sessions stay for
    ``settings.CALENDAR_PAST_RETENTION`` (90 days) after they ended. A cancelled session stays,
    as ``STATUS:CANCELLED``, for ``settings.CALENDAR_CANCELLED_RETENTION`` (30 days) after its
    cancellation, so subscribed calendars mark or remove it; a cancelled session is not edited
    afterwards, so its ``updated_at`` is the time of the cancellation. Both windows are counted
    from the start of the current day in Asia/Tokyo, so a feed changes at most once a day on
    its own, which the validator below accounts for.

    A private feed (``/calendar/private/<token>.ics``) holds the sessions one email address
    reserved, is waiting for, applied for or won, with that state in SUMMARY and STATUS; a
    reservation cancelled or lapsed stays as ``STATUS:CANCELLED`` for the same 30 days. Its
    token has 192 bits from ``secrets``; only its SHA-256 is stored, looked up by that hash
    and compared with ``hmac.compare_digest``.

Private feed tokens
    Asking for the link again (by email, or on the manage page) issues a new token and leaves
    the earlier ones working, so someone who knows a parent's address cannot break the
    parent's subscription by asking. An address keeps at most ``FEED_TOKENS_PER_EMAIL`` live
    tokens: a new one beyond that ends the oldest never used, then the least recently used
    (``last_used_at``, written at most once an hour per token). Rotating (the API, with a live
    token of the address) or "stop my old links" (the manage page, with the reservation's
    token) ends every token of the address and issues one new one; revoking (the API) ends
    them all.

Conditional GET and caching
    One aggregate query over the feed's sessions (count, latest ``updated_at`` and
    ``sequence``, latest change of their programme and facility) plus the current day makes the
    validator: the ``ETag`` is its hash and ``Last-Modified`` the latest of those times and the
    start of the day. A matching ``If-None-Match`` (or ``If-Modified-Since`` without it) gets
    304 without rendering. A rendered body is cached under its validator, so a changed session
    makes a new key and the old body simply expires. Seat counts change through
    ``QuerySet.update()`` without touching ``updated_at``; feeds do not show seats, so
    bookings do not invalidate them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from redis.exceptions import RedisError
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.models import LIVE, Reservation
from booking.services import generate_token, hash_token
from core.errors import json_not_found
from core.fields import StrictCharField, StrictEmailField, StrictURLField
from core.schema import ERROR_RESPONSES
from core.throttling import EmailLinkEmailThrottle, EmailLinkIPThrottle, TokenLookupThrottle
from events.models import Audience, Facility, Program, Session, SessionStatus
from notifications import calendar
from notifications.models import CalendarFeedToken, NotificationKind

# Raise when the output of notifications.calendar changes, so cached bodies are not reused.
FEED_FORMAT = "1"
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


# --- selectors -----------------------------------------------------------------------------


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


# --- private feed tokens (services) --------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def feed_urls(token: str) -> dict[str, str]:
    """Return the https and webcal URLs of a private feed."""
    url = settings.SITE_URL + reverse("calendar-private", kwargs={"token": token})
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


FEED_TOKENS_PER_EMAIL = 5
FEED_LAST_USED_RESOLUTION = timedelta(hours=1)


def _live_tokens(email: str) -> QuerySet[CalendarFeedToken]:
    return CalendarFeedToken.objects.filter(email=email, revoked_at__isnull=True)


@transaction.atomic
def feed_token_issue(*, email: str, now: datetime | None = None) -> str:
    """Give an email address one more private feed token and return it.

    The address's earlier tokens keep working; past ``FEED_TOKENS_PER_EMAIL`` the oldest
    never-used ones end first, then the least recently used.
    """
    email = normalise_email(email)
    now = now or timezone.now()
    # Lock the address's live tokens, so two requests at once cannot both keep five.
    live = list(_live_tokens(email).select_for_update().order_by("created_at", "id"))
    excess = len(live) + 1 - FEED_TOKENS_PER_EMAIL
    if excess > 0:
        unused = [row for row in live if row.last_used_at is None]
        used = sorted(
            (row for row in live if row.last_used_at is not None), key=lambda r: r.last_used_at
        )
        ended = [row.pk for row in (unused + used)[:excess]]
        CalendarFeedToken.objects.filter(pk__in=ended).update(revoked_at=now)
    token = generate_token()
    CalendarFeedToken.objects.create(email=email, token_hash=hash_token(token))
    return token


def feed_tokens_revoke(*, email: str, now: datetime | None = None) -> int:
    """End every live private feed token of an address; return how many."""
    return _live_tokens(normalise_email(email)).update(revoked_at=now or timezone.now())


@transaction.atomic
def feed_token_replace_all(*, email: str) -> str:
    """End every private feed token of an address and issue one new one; return it."""
    feed_tokens_revoke(email=email)
    return feed_token_issue(email=email)


def feed_token_lookup(token: str) -> CalendarFeedToken | None:
    """Return the active feed token row for a raw token, or None."""
    if not token or len(token) > 128:
        return None
    digest = hash_token(token)
    row = CalendarFeedToken.objects.filter(token_hash=digest, revoked_at__isnull=True).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


def feed_token_touch(row: CalendarFeedToken, *, now: datetime | None = None) -> None:
    """Note that a token was used (at most once per ``FEED_LAST_USED_RESOLUTION``)."""
    now = now or timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= FEED_LAST_USED_RESOLUTION:
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


def _live_token_locked(token: str) -> CalendarFeedToken | None:
    """The live token row, locked for the rest of the transaction; None if unknown or ended."""
    row = feed_token_lookup(token)
    if row is None:
        return None
    locked = CalendarFeedToken.objects.select_for_update().filter(pk=row.pk).first()
    return locked if locked is not None and locked.revoked_at is None else None


@transaction.atomic
def feed_token_rotate(*, token: str) -> str | None:
    """With a live token, end all of its address's tokens and return a new one; None if unknown."""
    locked = _live_token_locked(token)
    if locked is None:
        return None
    return feed_token_replace_all(email=locked.email)


@transaction.atomic
def feed_token_revoke(*, token: str) -> bool:
    """With a live token, end every token of its address (no new one); False if unknown."""
    locked = _live_token_locked(token)
    if locked is None:
        return False
    feed_tokens_revoke(email=locked.email)
    return True


@transaction.atomic
def feed_links_stop(*, token: str) -> bool:
    """With a live token, end every link of its address and email the address a new one.

    The new link goes to the address only, never to the page of whoever held the old one (it
    may have leaked). False, and nothing done, for a token that is unknown or already ended.
    """
    locked = _live_token_locked(token)
    if locked is None:
        return False
    _email_feed_link(email=locked.email, token=feed_token_replace_all(email=locked.email))
    return True


def private_link_request(*, email: str, language: str = "ja") -> None:
    """Email a private feed link to an address that has reservations; do nothing otherwise.

    The caller answers the same either way, so the API does not reveal who has booked.
    """
    email = normalise_email(email)
    booked_in = reservation_language(email)
    if booked_in is None:
        return
    with transaction.atomic():
        token = feed_token_issue(email=email)
        _email_feed_link(email=email, token=token, language=booked_in or language)


def reservation_language(email: str) -> str | None:
    """The language of the address's latest reservation; None when it has none."""
    return (
        Reservation.objects.filter(email=email)
        .order_by("-created_at", "-id")
        .values_list("language", flat=True)
        .first()
    )


def _email_feed_link(*, email: str, token: str, language: str | None = None) -> None:
    """Queue the feed-link email: the links, and the page that stops them (all secrets)."""
    from notifications import services

    stop_url = settings.SITE_URL + reverse("calendar-links-stop", kwargs={"token": token})
    services.notification_enqueue(
        kind=NotificationKind.FEED_LINK,
        to_email=email,
        language=language or reservation_language(email) or "ja",
        payload={**feed_urls(token), "stop_url": stop_url},
    )


def private_entries(email: str, *, day: date) -> list[calendar.PrivateEntry]:
    """Return what a private feed shows: one entry per session, the parent's current place."""
    start = _day_start(day)
    past = start - settings.CALENDAR_PAST_RETENTION
    ended_since = start - settings.CALENDAR_CANCELLED_RETENTION
    reservations = list(
        Reservation.objects.filter(email=email)
        .only("id", "session_id", "course_id", "status", "code", "created_at", "updated_at")
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
            ended_before[target] = prior + 1
    if not chosen:
        return []
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
            calendar.PrivateEntry(session=session, reservation=reservation, prior_ended=prior)
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


# --- views ---------------------------------------------------------------------------------


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


def _public_feed(
    request: HttpRequest, *, scope: str, where: Q, name: str, filename: str
) -> HttpResponse:
    day = feed_day()
    sessions = feed_sessions(where, day=day)
    return _serve(
        request,
        scope=scope,
        validator=feed_validator(sessions, scope=scope, day=day),
        render=lambda: calendar.feed_ics(sessions, name=name),
        filename=filename,
    )


@require_safe
def all_sessions_feed(request: HttpRequest) -> HttpResponse:
    """Every session of every facility."""
    return _public_feed(
        request,
        scope="all",
        where=Q(),
        name=calendar.default_feed_name(),
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
        name=facility.name,
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
        name=program.title,
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
        name=calendar.audience_feed_name(audience),
        filename=f"{audience}.ics",
    )


@require_safe
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    row = feed_token_lookup(token)
    if row is None:
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
    language = "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "ja"
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


# --- API -----------------------------------------------------------------------------------


class PrivateLinkRequestSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


PRIVATE_LINK_ACCEPTED = {
    "detail": "If this address has reservations, a link to its private calendar is on its way."
}

FeedUrlsSerializer = inline_serializer(
    "PrivateCalendarFeed",
    {"feed_url": StrictURLField(), "webcal_url": StrictCharField()},
)


class PrivateFeedLinkApi(APIView):
    """Email the link of a parent's private calendar feed to the address given."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [EmailLinkIPThrottle, EmailLinkEmailThrottle]

    @extend_schema(
        operation_id="calendar_private_link",
        request=PrivateLinkRequestSerializer,
        responses={
            202: OpenApiResponse(
                inline_serializer("PrivateLinkAccepted", {"detail": StrictCharField()}),
                description="Always the same answer, whether or not the address has booked.",
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request):
        data = PrivateLinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        private_link_request(
            email=data.validated_data["email"],
            language=(getattr(request, "LANGUAGE_CODE", None) or "ja")[:2],
        )
        return Response(PRIVATE_LINK_ACCEPTED, status=status.HTTP_202_ACCEPTED)


class PrivateFeedRotateApi(APIView):
    """End every private feed link of the token's address and return a new one."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        operation_id="calendar_private_rotate",
        request=None,
        responses={200: FeedUrlsSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, token: str):
        new_token = feed_token_rotate(token=token)
        if new_token is None:
            raise NotFound()
        return Response(feed_urls(new_token), status=status.HTTP_200_OK)


class PrivateFeedRevokeApi(APIView):
    """End every private feed link of the token's address (ask for a new one by email)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenLookupThrottle]

    @extend_schema(
        operation_id="calendar_private_revoke",
        request=None,
        responses={
            204: OpenApiResponse(description="Every link of the address ended."),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request, token: str):
        if not feed_token_revoke(token=token):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
