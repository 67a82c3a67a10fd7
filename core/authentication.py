"""The staff API's token authentication: ``Authorization: Token <key>``, keys stored hashed."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from core.throttling import lookup_blocked, lookup_failed


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's header format (so clients keep working) over our hashed ``core.ApiToken`` rows.

    Unknown, revoked and expired keys, and keys of inactive users, are all refused the same
    way: 401 with ``WWW-Authenticate: Token`` and the ``not_authenticated`` error body
    (core.errors). drf-spectacular documents it as ``tokenAuth``: its extension for
    ``TokenAuthentication`` matches subclasses.
    """

    keyword = "Token"

    # Imported when used, not at import time: DRF loads this class while apps are loading.
    def get_model(self):
        from core.models import ApiToken

        return ApiToken

    def authenticate(self, request):
        """Refuse a client that sent too many wrong keys (429) before looking at its key; count
        each wrong key it sends (``core.throttling.LookupFailureLimit``). A request without an
        ``Authorization`` header looks nothing up: it is neither refused nor counted here (a
        parent booking from an address that guessed is not a guess)."""
        if not authentication.get_authorization_header(request):
            return None
        wait = lookup_blocked(request)
        if wait is not None:
            raise exceptions.Throttled(wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            lookup_failed(request)
            raise

    def authenticate_credentials(self, key):
        from core.services import api_token_authenticate

        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed()
        return token.user, token
