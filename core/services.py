"""Staff API tokens: issue, revoke, rotate, and find the one a request presents."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from core.models import ApiToken

PREFIX_LENGTH = 8
# Longer keys are refused unhashed: a real one is 43 characters (token_urlsafe(32)), an old
# rest_framework.authtoken key 40.
MAX_KEY_LENGTH = 100
# last_used_at is written at most this often per token, so a busy client costs no extra UPDATE
# on most requests.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; never stored


def api_token_issue(token: ApiToken) -> str:
    """Give an unsaved token a new key (256 bits from ``secrets``), save it, return the key.

    Only the key's hash and first characters are saved: the key is shown once, by the caller.
    """
    key = secrets.token_urlsafe(32)
    while key.startswith("-"):  # its prefix would read as an option: staff_token --prefix -Ab3
        key = secrets.token_urlsafe(32)
    token.prefix = key[:PREFIX_LENGTH]
    token.key_hash = api_key_hash(key)
    token.save()
    return key


def api_token_create(
    *, user: AbstractBaseUser, label: str = "", expires_at: datetime | None = None
) -> IssuedToken:
    """Make a new token for a user and return it with its key."""
    token = ApiToken(user=user, label=label, expires_at=expires_at)
    return IssuedToken(token=token, key=api_token_issue(token))


def api_token_revoke(*, tokens, now: datetime | None = None) -> int:
    """Revoke tokens (a queryset); return how many were live. Revoking twice changes nothing."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


@transaction.atomic
def api_token_rotate(
    *, user: AbstractBaseUser, label: str = "", expires_at: datetime | None = None
) -> IssuedToken:
    """Make a new token for a user and revoke all their others."""
    issued = api_token_create(user=user, label=label, expires_at=expires_at)
    api_token_revoke(tokens=ApiToken.objects.filter(user=user).exclude(pk=issued.token.pk))
    return issued


def api_token_authenticate(key: str, now: datetime | None = None) -> ApiToken | None:
    """Return the live token of an active user a key stands for, or None.

    The row is found by the key's hash (an indexed equality, so the time taken says nothing
    about how close a guess was) and the hash compared again in constant time.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    digest = api_key_hash(key)
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    now = now or timezone.now()
    if not token.is_live(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
