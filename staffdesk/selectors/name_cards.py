"""名札: a card for each person a session expects, printed on A4 and cut for name holders.

A seminar that asks who comes (asks_attendee_names) gets one card per name, under its
company; any other session one card per party, with the name and ふりがな of the one who booked
(the desk knows no other name of the party).
"""

from __future__ import annotations

from dataclasses import dataclass

from events.models import Session
from staffdesk.selectors.roster import roster


@dataclass(frozen=True)
class NameCard:
    name: str
    reading: str  # ふりがな, where the party gave one for this name
    company: str


def name_cards(*, session: Session, sort: str = "kana") -> list[NameCard]:
    """The cards of the parties holding seats (the roster's door list), in its order."""
    cards: list[NameCard] = []
    for row in roster(session=session, sort=sort, scope="active").rows:
        party = row.reservation
        if party.attendee_names:
            cards += [
                NameCard(name, party.name_kana if name == party.name else "", party.company)
                for name in party.attendee_names
            ]
        else:
            cards.append(NameCard(party.name, party.name_kana, party.company))
    return cards
