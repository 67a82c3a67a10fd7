"""Member lists loaded at once: the admin's "one per line: name, reading" import of a list's
members (e.g. the 81 加盟企業・団体 of 鹿児島市イクボス推進同盟), checked whole before anything is
written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.kana import is_kana, reading_folded
from core.text import company_folded, line_breaks_normalised, text_problem
from events.models import MemberList, MemberOrganisation

# The reading is after the last separator: a name may hold a comma (Sakura, Inc.), a reading
# never does. A tab is what a spreadsheet's two columns paste as.
SEPARATOR = re.compile(r"[,，、\t](?=[^,，、\t]*$)")
NAME_LENGTH = MemberOrganisation._meta.get_field("name").max_length


@dataclass(frozen=True)
class MemberLine:
    name: str
    reading: str


def member_lines_parsed(text: str) -> list[MemberLine]:
    """The members of an import, or ValidationError naming every bad line by its number."""
    members: list[MemberLine] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(line_breaks_normalised(text).split("\n"), start=1):
        if not line.strip():
            continue
        parts = SEPARATOR.split(line, maxsplit=1)
        name = " ".join(parts[0].split())
        reading = reading_folded(parts[1]) if len(parts) == 2 else ""
        where = {"n": number}
        if len(parts) != 2 or not name or not reading:
            problems.append(_("Line %(n)d: write the name, a comma and its reading.") % where)
        elif len(name) > NAME_LENGTH or text_problem(name, multiline=False):
            problems.append(
                _("Line %(n)d: the name is too long or holds hidden characters.") % where
            )
        elif not is_kana(reading):
            problems.append(_("Line %(n)d: write the reading in hiragana or katakana.") % where)
        elif company_folded(name) in seen:
            problems.append(
                _("Line %(n)d: the same name as line %(first)d.")
                % {"n": number, "first": seen[company_folded(name)]}
            )
        else:
            seen[company_folded(name)] = number
            members.append(MemberLine(name, reading))
    if problems:
        raise ValidationError(problems)
    return members


@transaction.atomic
def member_list_import(*, member_list: MemberList, members: list[MemberLine]) -> int:
    """Add the members to the list, or give those it holds (by the same name once folded) the
    reading imported and make them active again; return how many were added."""
    held = {company_folded(m.name): m for m in member_list.members.select_for_update()}
    added = 0
    for line in members:
        member = held.get(company_folded(line.name))
        if member is None:
            MemberOrganisation.objects.create(
                member_list=member_list, name=line.name, reading=line.reading
            )
            added += 1
        else:
            member.reading, member.active = line.reading, True
            member.save(update_fields=["reading", "active"])
    return added
