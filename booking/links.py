"""Links that let a parent in without an account: the emailed "my reservations" link.

The link carries a random token (192 bits from ``secrets``); the database keeps only its
SHA-256, with the email address it stands for and when it expires (24 hours after it was
made). It opens that address's reservations as often as needed until then; the daily
retention job deletes it afterwards. No personal data is in the URL. A reservation's own manage
link carries its token instead (see ``booking.selectors.reservation_by_code_and_token``).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from booking.models import MyReservationsLink, Reservation
from booking.other_bookings import other_bookings_for_email
from booking.selectors import reservations_for_email
from booking.services import generate_token, hash_token
from booking.signals import my_reservations_link_issued

MY_RESERVATIONS_MAX_AGE = timedelta(hours=24)
VALID_HOURS = int(MY_RESERVATIONS_MAX_AGE.total_seconds() // 3600)
MAX_TOKEN_LENGTH = 128


def normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def my_reservations_link_issue(*, email: str, now: datetime | None = None) -> str | None:
    """Return a new link token for an address that has reservations or other bookings
    (``booking.other_bookings``: consultations); None for any other.

    The token is made either way (the same work whatever the address), but stored only for
    an address that has booked, so nothing is kept for addresses typed at random.
    """
    email = normalise_email(email)
    token = generate_token()
    digest = hash_token(token)
    now = now or timezone.now()
    # Both asked every time: the same work for an address with reservations and without.
    has_reservations = reservations_for_email(email).exists()
    has_others = bool(other_bookings_for_email(email=email, key="", now=now))
    if not (has_reservations or has_others):
        return None
    MyReservationsLink.objects.create(
        email=email, token_hash=digest, expires_at=now + MY_RESERVATIONS_MAX_AGE
    )
    return token


def my_reservations_email(token: str | None, now: datetime | None = None) -> str | None:
    """Return the email address a link token stands for, or None when unknown or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = hash_token(token)
    link = (
        MyReservationsLink.objects.filter(token_hash=digest, expires_at__gt=now or timezone.now())
        .only("email", "token_hash")
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link.email


def my_reservations_url(token: str) -> str:
    """Return the absolute link emailed to a parent: their live reservations for 24 hours."""
    path = reverse("my-reservations-list", kwargs={"key": token})
    return f"{settings.SITE_URL}{path}"


def my_reservations_links_purge(*, now: datetime | None = None) -> int:
    """Delete the links that have expired; return how many."""
    deleted, _ = MyReservationsLink.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def my_reservations_links_erase(*, email: str) -> int:
    """Delete every link of an address (its personal data is being erased)."""
    deleted, _ = MyReservationsLink.objects.filter(email=normalise_email(email)).delete()
    return deleted


@transaction.atomic
def my_reservations_link_send(*, email: str, language: str = "ja") -> None:
    """Email an address its "my reservations" link (or, with no reservations, a note saying so).

    The answer, and the work done, are the same for every address.
    """
    token = my_reservations_link_issue(email=email)
    my_reservations_link_issued.send(
        Reservation,
        email=email,
        language=language,
        link_url=my_reservations_url(token) if token else "",
        valid_hours=VALID_HOURS,
    )


@transaction.atomic
def reservation_links_replace(*, reservation: Reservation, language: str | None = None) -> None:
    """End every manage link of a reservation and email its address the way back in.

    A new random manage token replaces the old one, which is never shown: the old token and
    every link token derived from it (``booking.manage_links``) stop working at once. The
    reservation's address gets a "my reservations" link, which opens the manage page again, so
    whoever held a leaked link is locked out and the parent is not.
    """
    Reservation.objects.filter(pk=reservation.pk).update(
        token_hash=hash_token(generate_token()), updated_at=timezone.now()
    )
    reservation.refresh_from_db(fields=["token_hash", "updated_at"])
    my_reservations_link_send(email=reservation.email, language=language or reservation.language)
