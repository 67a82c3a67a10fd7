"""Rate limits on the staff login pages: failed attempts per client IP and per username."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/staff/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "pw-Staff-123"


@pytest.fixture
def limits(settings):
    settings.API_THROTTLE_ENABLED = True
    settings.API_THROTTLE_RATES = {
        **settings.API_THROTTLE_RATES,
        "login_ip": "6/hour",
        "login_username": "3/hour",
    }
    return settings


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="staff@example.jp", password=PASSWORD, is_staff=True
    )


def attempt(client: Client, url: str, username: str, password: str, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_failed_logins_for_one_username_are_limited(limits, staff, url):
    client = Client()
    answers = [attempt(client, url, staff.username, "wrong").status_code for _ in range(3)]
    assert answers == [200, 200, 200]  # the form again, with "wrong password"
    refused = attempt(client, url, staff.username, PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "ログインの失敗が続いたため" in html and "分後にもう一度お試しください" in html
    assert "_auth_user_id" not in client.session
    # Another username from the same address may still try.
    other = get_user_model().objects.create_user(username="other@example.jp", password=PASSWORD)
    other.is_staff = True
    other.save()
    assert attempt(client, url, other.username, PASSWORD).status_code == 302


def test_the_message_is_in_english_for_english_pages(limits, staff):
    client = Client(headers={"accept-language": "en"})
    for _ in range(3):
        attempt(client, STAFF_LOGIN, staff.username, "wrong")
    refused = attempt(client, STAFF_LOGIN, "STAFF@example.jp ", "wrong")
    assert refused.status_code == 429
    assert "Too many failed login attempts. Please try again in" in refused.content.decode()


def test_failed_logins_from_one_address_are_limited_across_usernames(limits, staff):
    client = Client()
    answers = [
        attempt(client, STAFF_LOGIN, f"guess{i}@example.jp", "wrong").status_code for i in range(7)
    ]
    assert answers == [200] * 6 + [429]
    # Another address is not affected.
    elsewhere = attempt(Client(REMOTE_ADDR="192.0.2.7"), STAFF_LOGIN, staff.username, PASSWORD)
    assert elsewhere.status_code == 302


def test_successful_logins_never_count_and_clear_the_usernames_failures(limits, staff):
    for _ in range(8):  # more than both limits
        assert attempt(Client(), STAFF_LOGIN, staff.username, PASSWORD).status_code == 302
    client = Client()
    for _ in range(2):
        attempt(client, STAFF_LOGIN, staff.username, "wrong")
    assert attempt(client, STAFF_LOGIN, staff.username, PASSWORD).status_code == 302
    for _ in range(2):  # the count started again after the success
        assert attempt(Client(), STAFF_LOGIN, staff.username, "wrong").status_code == 200


def test_api_throttle_off_turns_the_login_limits_off(limits, staff):
    limits.API_THROTTLE_ENABLED = False
    client = Client()
    answers = [attempt(client, STAFF_LOGIN, staff.username, "wrong").status_code for _ in range(8)]
    assert answers == [200] * 8
    assert attempt(client, STAFF_LOGIN, staff.username, PASSWORD).status_code == 302


def test_the_default_limits_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("THROTTLE_LOGIN_IP", "7/min")
    monkeypatch.setenv("THROTTLE_LOGIN_USERNAME", "2/hour")
    rates = importlib.reload(base).API_THROTTLE_RATES
    assert (rates["login_ip"], rates["login_username"]) == ("7/min", "2/hour")
    monkeypatch.delenv("THROTTLE_LOGIN_IP")
    monkeypatch.delenv("THROTTLE_LOGIN_USERNAME")
    importlib.reload(base)
