"""Pure rules of a programme: how a party is counted and whether it may come."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.kana import is_kana, kana_normalised
from core.text import company_folded
from events.models import PartyCounting, Program

# A due date more than this many days after the session is not a pregnancy now.
MAX_DUE_DATE_DAYS_AFTER_SESSION = 300


@dataclass(frozen=True)
class Party:
    adults: int
    children: int = 0
    children_ages: list[int] = field(default_factory=list)
    childcare: int = 0
    due_date: date | None = None
    resident: bool | None = None
    company: str = ""
    priority_group: str = ""
    attendee_names: tuple[str, ...] = ()


def party_resized(
    reservation,
    *,
    adults: int,
    children: int,
    ages: list[int] | None,
    childcare: int,
    attendee_names: list[str] | None = None,
) -> Party:
    """A reservation's party with new numbers (the manage page's and the desk's change): what
    else it said (due date, residence, company, priority group) is kept, and so are children's
    ages and the names of those who come that the form did not ask for (None) while they still
    fit the children and the adults."""
    if ages is None:
        kept = list(reservation.children_ages or [])
        ages = kept if len(kept) == children else []
    if attendee_names is None:
        kept_names = list(reservation.attendee_names or [])
        attendee_names = kept_names if len(kept_names) == adults else []
    return Party(
        adults=adults,
        children=children,
        children_ages=ages,
        childcare=childcare,
        due_date=reservation.due_date,
        resident=reservation.resident,
        company=reservation.company,
        priority_group=reservation.priority_group,
        attendee_names=tuple(attendee_names),
    )


@dataclass(frozen=True)
class Seats:
    """Seats a party takes: general seats, children's seats, childcare places."""

    seats: int
    child_seats: int
    childcare: int


NOT_A_MEMBER_MESSAGE = _("Choose your company or organisation from the list of members.")


def member_named(company: str, members: Iterable[str]) -> str | None:
    """The official name of the member ``company`` names, or None: compared after NFKC, without
    spaces and with the legal form written out (``core.text.company_folded``), as parents type
    ＡＢＣ　商事 for ABC商事 and (株)わかば for 株式会社わかば."""
    wanted = company_folded(company)
    if not wanted:
        return None
    return next((name for name in members if company_folded(name) == wanted), None)


ATTENDEE_NAMES_MESSAGE = _("Enter the name of each adult who comes, one for each.")


def attendee_names_kept(program: Program, names: Iterable[str]) -> list[str]:
    """The names of those who come as a reservation keeps them: written as given without the
    spaces around them, and none where the programme does not ask for them."""
    return [name.strip() for name in names] if program.asks_attendee_names else []


NOT_KANA_MESSAGE = _(
    "Write your name in hiragana or katakana, e.g. やまだ はなこ, or leave it empty."
)


def reading_refused(name_kana: str) -> bool:
    """Whether a ふりがな holds anything but kana once normalised (kanji, letters): staff sort
    and search the roster by it, so every way of booking refuses such a reading."""
    kana = kana_normalised(name_kana)
    return bool(kana) and not is_kana(kana)


def party_from_data(data: dict) -> Party:
    """Build a party from validated request data (API bodies, staff forms)."""
    return Party(
        adults=data["adults"],
        children=data.get("children", 0),
        children_ages=data.get("children_ages") or [],
        childcare=data.get("childcare", 0),
        due_date=data.get("due_date"),
        resident=data.get("resident"),
        company=data.get("company", ""),
        priority_group=data.get("priority_group", ""),
        attendee_names=tuple(data.get("attendee_names") or ()),
    )


def party_patched(reservation, changes: dict) -> Party:
    """A reservation's party with what a PATCH names changed (the parents' API and the desk's):
    the rest is the reservation's, and the whole party is checked again by the change."""
    return party_from_data(
        {
            "adults": reservation.adults,
            "children": reservation.children,
            "children_ages": reservation.children_ages,
            "due_date": reservation.due_date,
            "childcare": reservation.childcare,
            "attendee_names": reservation.attendee_names,
            **changes,
            "resident": reservation.resident,
            "company": reservation.company,
            "priority_group": reservation.priority_group,
        }
    )


@dataclass(frozen=True)
class Contact:
    """Who books and how to reach them: what a reservation holds besides its party."""

    name: str
    email: str = ""
    name_kana: str = ""
    phone: str = ""
    notes: str = ""
    needs: tuple[str, ...] = ()
    needs_detail: str = ""


def contact_from_data(data: Mapping[str, Any]) -> Contact:
    """Build the contact from validated request data (API bodies, staff and parents' forms)."""
    return Contact(
        name=data["name"],
        email=data.get("email", ""),
        name_kana=data.get("name_kana", ""),
        phone=data.get("phone", ""),
        notes=data.get("notes", ""),
        needs=tuple(data.get("needs", ())),
        needs_detail=data.get("needs_detail", ""),
    )


def party_seats(program: Program, party: Party) -> Seats:
    """Count a party the way the programme counts it."""
    if program.party_counting == PartyCounting.ADULTS_AND_CHILDREN:
        return Seats(party.adults + party.children, 0, party.childcare)
    if program.party_counting == PartyCounting.CHILDREN_SEPARATE:
        return Seats(party.adults, party.children, party.childcare)
    return Seats(party.adults, 0, party.childcare)


def party_errors(program: Program, party: Party, session_day: date) -> dict[str, list[Any]]:
    """Return field errors for a party that the programme does not accept."""
    errors: dict[str, list[Any]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    if party.adults < 1:
        add("adults", _("At least one adult must come."))
    elif party.adults > program.max_adults:
        add("adults", _("At most %(n)d adults per reservation.") % {"n": program.max_adults})
    if party.children < 0:
        add("children", _("Must not be negative."))
    elif party.children > program.max_children:
        add("children", _("At most %(n)d children per reservation.") % {"n": program.max_children})
    if program.requires_child_ages:
        if party.children < 1:
            add("children", _("This programme is for parents coming with their child."))
        elif len(party.children_ages) != party.children:
            add("children_ages", _("Give the age in months of each child."))
        else:
            low, high = program.child_age_min_months, program.child_age_max_months
            for age in party.children_ages:
                if (low is not None and age < low) or (high is not None and age > high):
                    add(
                        "children_ages",
                        _("Children aged %(low)s to %(high)s months only.")
                        % {
                            "low": low if low is not None else 0,
                            "high": high if high is not None else "-",
                        },
                    )
                    break
    elif party.children_ages and len(party.children_ages) != party.children:
        add("children_ages", _("Give one age per child, or none."))
    if program.requires_due_date:
        if party.due_date is None:
            add("due_date", _("Enter the expected due date."))
        elif party.due_date < session_day:
            add("due_date", _("This programme is for parents who are still expecting."))
        elif (party.due_date - session_day).days > MAX_DUE_DATE_DAYS_AFTER_SESSION:
            add("due_date", _("The due date is too far after the session."))
    if party.childcare:
        if not program.childcare_offered:
            add("childcare", _("This programme does not offer childcare."))
        elif party.childcare > party.children:
            add("childcare", _("Childcare cannot be more than the number of children."))
    if program.requires_residency and party.resident is not True:
        add("resident", _("This programme is for residents of the city."))
    if program.requires_company and not party.company.strip():
        add("company", _("Enter your company or organisation."))
    if program.asks_attendee_names and (
        len(party.attendee_names) != party.adults
        or not all(name.strip() for name in party.attendee_names)
    ):
        add("attendee_names", ATTENDEE_NAMES_MESSAGE)
    if party.priority_group:
        keys = {g.get("key") for g in program.priority_groups if isinstance(g, dict)}
        if party.priority_group not in keys:
            add("priority_group", _("Unknown priority group."))
    return errors
