"""Private feed tokens: issued to an address that has booked, looked up, rotated, revoked,
and the email that carries the links.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from booking.models import Reservation
from booking.services import generate_token, hash_token
from calendars.models import CalendarFeedToken
from calendars.signals import feed_link_issued


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
    """Have the feed-link email queued (by notifications, through ``calendars.signals``): the
    links, and the page that stops them (all secrets)."""
    stop_url = settings.SITE_URL + reverse("calendar-links-stop", kwargs={"token": token})
    feed_link_issued.send(
        CalendarFeedToken,
        email=email,
        language=language or reservation_language(email) or "ja",
        links={**feed_urls(token), "stop_url": stop_url},
    )
