"""core.throttling.LookupFailureLimit: only failed look-ups count, per client address."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.throttling import LookupFailureLimit, lookup_blocked, lookup_failed, throttle_wait

SECRET = "the-right-token"


class LookUpApi(APIView):
    """A view that looks a credential up, as the calendar and manage views do."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LookupFailureLimit]

    def get(self, request, token: str):
        if token != SECRET:
            lookup_failed(request)
            raise NotFound()
        return Response({"ok": True})


@pytest.fixture
def limit(settings):
    settings.API_THROTTLE_ENABLED = True
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "lookup_failures": "3/hour"}


def get(token: str, address: str = "192.0.2.1"):
    request = APIRequestFactory().get(f"/look/{token}/", REMOTE_ADDR=address)
    return LookUpApi.as_view()(request, token=token)


def test_successes_never_count(limit):
    assert [get(SECRET).status_code for _ in range(10)] == [200] * 10


def test_failures_count_and_then_every_look_up_of_that_client_waits(limit):
    assert [get("guess").status_code for _ in range(3)] == [404, 404, 404]
    refused = get(SECRET)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert get(SECRET, address="192.0.2.2").status_code == 200  # another client


def test_the_same_limit_for_plain_views_and_functions(limit):
    request = APIRequestFactory().get("/", REMOTE_ADDR="192.0.2.9")
    assert throttle_wait(request, [LookupFailureLimit]) is None
    assert lookup_blocked(request) is None
    for _ in range(3):
        lookup_failed(request)
    assert throttle_wait(request, [LookupFailureLimit]) > 0
    assert lookup_blocked(request) > 0


def test_api_throttle_off_turns_it_off(limit, settings):
    settings.API_THROTTLE_ENABLED = False
    assert [get("guess").status_code for _ in range(5)] == [404] * 5
    assert get(SECRET).status_code == 200
