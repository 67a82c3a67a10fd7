"""The booking page's times as a parent reads them on a phone."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_one_counsellors_name_is_said_once_above_the_times(kind, tuesday_ahead):
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/consultations/nyuen/").content.decode()
    assert page.count("子育てコンシェルジュ") == 1
    assert "相談員：子育てコンシェルジュ" in page
