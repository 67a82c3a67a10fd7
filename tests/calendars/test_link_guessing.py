"""Guessing private calendar tokens is refused like guessing manage links: each wrong token
counts against the client, and after the limit even a right one waits (429)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from calendars.tokens import feed_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    settings.API_THROTTLE_ENABLED = True
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "lookup_failures": "3/hour"}


@pytest.mark.parametrize("action", ["rotate", "revoke"])
def test_wrong_feed_tokens_count_and_then_the_client_waits(limit, action):
    client = APIClient()
    answers = [
        client.post(f"/api/v1/calendar/private/guess{n}/{action}/").status_code for n in range(3)
    ]
    assert answers == [404, 404, 404]

    refused = client.post(f"/api/v1/calendar/private/guess9/{action}/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"


def test_the_stop_page_counts_wrong_tokens_too(limit):
    client = Client()
    assert [client.get(f"/calendar-links/x{n}/stop/").status_code for n in range(3)] == [404] * 3
    assert client.get("/calendar-links/x9/stop/").status_code == 429
    assert client.post("/calendar-links/x9/stop/").status_code == 429


def test_a_right_token_never_counts(limit):
    client = APIClient()
    token = feed_token_issue(email="owner@example.jp")
    for _ in range(5):
        answer = client.post(f"/api/v1/calendar/private/{token}/rotate/")
        assert answer.status_code == 200
        token = answer.json()["feed_url"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".ics")
