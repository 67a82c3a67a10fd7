"""How staff read a series: by its rule and what it holds ("毎週水曜 10:00 ブックスタート",
"第2・4水曜 10:00 ブックスタート"), never by its id. Pure wording, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

WEEKDAYS = [
    (1, _("Mon")),
    (2, _("Tue")),
    (3, _("Wed")),
    (4, _("Thu")),
    (5, _("Fri")),
    (6, _("Sat")),
    (7, _("Sun")),
]


def rule_label(weekdays: Iterable[int], nth: Iterable[int] = ()) -> str:
    """The days a series falls on: 毎週月・木曜, 第2・4水曜 / every Mon, Thu; Wed of weeks 2, 4."""
    names = dict(WEEKDAYS)
    separator = pgettext("series rule", ", ")
    days = separator.join(str(names[d]) for d in sorted(set(weekdays)) if d in names)
    weeks = sorted(set(nth))
    if weeks:
        return pgettext("series rule", "%(weekdays)s of weeks %(weeks)s") % {
            "weekdays": days,
            "weeks": separator.join(str(n) for n in weeks),
        }
    return pgettext("series rule", "every %(weekdays)s") % {"weekdays": days}


def series_name(*, weekdays: Iterable[int], nth: Iterable[int], start: time, title: str) -> str:
    """A series as staff call it: its rule, its start and its title."""
    return pgettext("series name", "%(rule)s %(time)s %(title)s") % {
        "rule": rule_label(weekdays, nth),
        "time": f"{start:%H:%M}",
        "title": title,
    }
