"""A session sent from its page to someone else: a parent plans with a partner or a friend.

City pages give plain links, which open LINE or the mail app with the message written, with no
script of theirs on our page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import strip_tags

from core.languages import lang_query
from events.models import Session
from events.templatetags.parent_pages import local_name, session_title, span

LINE_SHARE_URL = "https://line.me/R/share?text={text}"


@dataclass(frozen=True)
class ShareLinks:
    line: str
    mail: str


def share_links(request, session: Session, dates: Sequence[Session] = ()) -> ShareLinks:
    """A message naming the event, when (``dates``: each session of a course, else the
    session's own) and where it is and its page in the page's language, ready to send by LINE
    or by email. It holds nothing of a reservation: a parent sends her booked day to her
    partner without its code or link."""
    title = session_title(session)
    url = request.build_absolute_uri(
        reverse("session-detail", kwargs={"pk": session.pk}) + lang_query()
    )
    days = [strip_tags(span(each)) for each in dates or [session]]
    text = "\n".join((title, *days, local_name(session.facility), url))
    return ShareLinks(
        line=LINE_SHARE_URL.format(text=quote(text, safe="")),
        mail=f"mailto:?subject={quote(title, safe='')}&body={quote(text, safe='')}",
    )
