"""core.filters: the dates of query strings and forms are ASCII, from 2000 to 2100 in Japan time."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.filters import BoundedDateFormField, BoundedDateTimeFormField


def refused(field, value) -> str:
    with pytest.raises(ValidationError) as raised:
        field.clean(value)
    return raised.value.error_list[0].code


def test_a_form_date_is_taken_from_2000_to_2100():
    field = BoundedDateFormField()
    assert field.clean("2000-01-01") == date(2000, 1, 1)
    assert field.clean("2100-12-31") == date(2100, 12, 31)
    for value in ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"):
        assert refused(field, value) == "date_range"
    assert refused(field, "２０２６-04-01") == "invalid"


@pytest.mark.parametrize(
    "value", ["2000-01-01 00:00", "2000-01-01T00:00:00+09:00", "2100-12-31 23:59"]
)
def test_a_form_time_on_a_day_from_2000_to_2100_in_japan_is_taken(value):
    assert BoundedDateTimeFormField().clean(value).year in {2000, 2100}


@pytest.mark.parametrize(
    "value",
    [
        "1999-12-31 23:59",
        "2100-12-31T23:00:00-01:00",  # 2101-01-01 in Japan
        "0001-01-01 00:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31 23:59",
        "9999-12-31T23:59:59-12:00",
    ],
)
def test_a_form_time_outside_is_refused_not_an_overflow(value):
    assert refused(BoundedDateTimeFormField(), value) == "date_range"


def test_a_form_time_in_other_digits_is_invalid():
    assert refused(BoundedDateTimeFormField(), "２０２６-04-01 10:00") == "invalid"
