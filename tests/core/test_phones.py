"""A phone number's digits however it was typed; anything that is not a number is None."""

import pytest

from core.phones import phone_digits


@pytest.mark.parametrize(
    "typed, digits",
    [
        ("090-1234-5678", "09012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),  # the long-vowel mark typed for a hyphen
        ("090 1234　5678", "09012345678"),
        ("(0598) 00-1234", "0598001234"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81 (0)90 1234 5678", "09012345678"),
        ("+1 415 555 0100", "14155550100"),
        ("090‐1234−5678", "09012345678"),
    ],
)
def test_the_digits_of_a_number(typed, digits):
    assert phone_digits(typed) == digits


@pytest.mark.parametrize("typed", ["", None, "abc", "090-1234-5678 内線12", "+", "٠٩٠١٢٣"])
def test_what_is_not_a_number(typed):
    assert phone_digits(typed) is None
