"""A public holiday and 年末年始 are named in the page's language where the holidays package
names them (English: Coming of Age Day), else in Japanese; the month's copy for staff reading
in English no longer shows (成人の日)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from schedule.days import NEW_YEAR_CLOSURE_NAME, holiday_name
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def test_the_holidays_name_follows_the_language():
    coming_of_age = date(2027, 1, 11)
    with translation.override("en"):
        assert holiday_name(coming_of_age) == "Coming of Age Day"
        assert str(NEW_YEAR_CLOSURE_NAME) == "New Year holidays"
    for language in ("ja", "vi", "zh-hans"):
        with translation.override(language):
            assert holiday_name(coming_of_age) == "成人の日"
    with translation.override("ja"):
        assert str(NEW_YEAR_CLOSURE_NAME) == "年末年始"
        assert holiday_name(date(2027, 1, 12)) is None


def test_the_printable_month_names_them_in_the_pages_language():
    FacilityFactory(slug="ribbon")
    path = "/facilities/ribbon/calendar/"
    english = Client().get(path, {"month": "2027-01", "lang": "en"}).content.decode()
    japanese = Client().get(path, {"month": "2027-01", "lang": "ja"}).content.decode()
    assert "Coming of Age Day" in english and "New Year holidays" in english
    assert "成人の日" not in english and "年末年始" not in english
    assert "成人の日" in japanese and "年末年始" in japanese
