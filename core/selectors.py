"""Reads of staff API tokens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import ApiToken


def api_tokens_live(user: AbstractBaseUser, now: datetime | None = None) -> QuerySet[ApiToken]:
    """Return the user's tokens that still work (not revoked, not expired)."""
    now = now or timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
