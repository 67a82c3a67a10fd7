"""Links that let a parent in without an account: the emailed "my reservations" link.

The link carries the email address signed with the site's secret and the time it was made
(``TimestampSigner``); it works for 24 hours. A reservation's own manage link carries its token
instead (see ``booking.selectors.reservation_by_code_and_token``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

MY_RESERVATIONS_SALT = "booking.my-reservations"
MY_RESERVATIONS_MAX_AGE = timedelta(hours=24)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=MY_RESERVATIONS_SALT)


def my_reservations_key(email: str) -> str:
    """Return a signed, timestamped key that stands for an email address for 24 hours."""
    return _signer().sign_object({"e": email.strip().lower()}, compress=True)


def my_reservations_email(key: str | None) -> str | None:
    """Return the email address a key stands for, or None when it is forged or expired."""
    if not key:
        return None
    try:
        value = _signer().unsign_object(key, max_age=MY_RESERVATIONS_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    email = value.get("e") if isinstance(value, dict) else None
    return email if isinstance(email, str) and email else None


def my_reservations_url(email: str) -> str:
    """Return the absolute link emailed to a parent: their live reservations for 24 hours."""
    path = reverse("my-reservations-list", kwargs={"key": my_reservations_key(email)})
    return f"{settings.SITE_URL}{path}"
