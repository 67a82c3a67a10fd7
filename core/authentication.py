"""The staff API's token authentication: ``Authorization: Token <key>``, keys stored hashed."""

from __future__ import annotations

from rest_framework import authentication, exceptions


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

    def authenticate_credentials(self, key):
        from core.services import api_token_authenticate

        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed()
        return token.user, token
