"""A party's details as the desk takes them (a walk-in, a phone booking), checked in one place.

Staff enter a party on the walk-in and 電話予約 pages and through the API; every one of these
ends in ``walk_in_add`` or ``phone_booking_create``, which check the details here before they
write, so no entry point can hold a rule of its own or miss one. The ふりがな is stored as
``reservation_create`` normalises it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from booking.rules import Contact, Party, reading_refused
from core.errors import AppValidationError


def party_details_errors(
    *,
    name: str | None = None,
    name_kana: str | None = None,
    children: int | None = None,
    childcare: int | None = None,
) -> dict[str, list[Any]]:
    """Return the field errors of a party's details; a detail given as None is not checked.

    A page whose form has mistakes of its own passes only the fields that are valid, so that it
    lists these mistakes with them at once.
    """
    errors: dict[str, list[Any]] = {}
    if name is not None and not name.strip():
        errors["name"] = [_("Enter a name.")]
    if name_kana is not None and reading_refused(name_kana):
        errors["name_kana"] = [_("Write the name in hiragana or katakana.")]
    if children is not None and childcare is not None and childcare > children:
        errors["childcare"] = [_("Childcare cannot be more than the number of children.")]
    return errors


def party_details_check(*, party: Party, contact: Contact, phone_required: bool = False) -> None:
    """Refuse details the desk never takes (400 with field errors).

    Staff book past the programme's rules with an override, so ``reservation_create`` may not
    check the party at all: these rules hold with or without one.
    """
    errors = party_details_errors(
        name=contact.name,
        name_kana=contact.name_kana,
        children=party.children,
        childcare=party.childcare,
    )
    if phone_required and not contact.phone.strip():
        errors["phone"] = [_("Enter the caller's phone number.")]
    if errors:
        raise AppValidationError(errors)
