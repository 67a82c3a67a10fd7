"""Server-rendered pages for parents: the list of upcoming sessions and a session's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.fields import query_integer
from core.languages import lang_query
from events import selectors
from events.filters import SessionFilter
from events.models import Audience, Session
from events.templatetags.parent_pages import session_title
from parents.availability import session_availability
from parents.page_cache import cached_main
from parents.share import share_links

PAGE_SIZE = 20


def sessions_for_pages():
    """Sessions with everything a page shows about them, in one query."""
    return selectors.session_list().select_related("lottery_draw")


def not_found(request, message: str = "") -> HttpResponse:
    return render(request, "pages/not_found.html", {"message": message}, status=404)


@require_GET
def session_list(request):
    """Show upcoming sessions, filtered by facility, programme, audience, day and free seats."""
    page = cached_main(request, "session-list", lambda: _session_list_main(request))
    return render(request, "events/session_list.html", page)


def _session_list_main(request):
    now = timezone.now()
    upcoming = sessions_for_pages().filter(end__gt=now)
    filterset = SessionFilter(request.GET or None, queryset=upcoming)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(
        query_integer(request.GET.get("page"), minimum=1) or 1
    )
    rows = [(session, session_availability(session, now)) for session in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "filter_errors": filterset.form.errors if filterset.is_bound else {},
        "values": request.GET,
        "facilities": selectors.facility_list(),
        "programs": selectors.program_list(),
        "audiences": Audience.choices,
        "filtered": any(request.GET.get(k) for k in FILTER_KEYS),
    }
    return _("Upcoming events"), "events/_session_list_main.html", context


FILTER_KEYS = ("facility", "program", "audience", "date_from", "has_seats")


def webcal(request, name: str, slug: str) -> str:
    """Return a webcal:// subscription link to one of the public calendar feeds, in the
    page's language (the feed writes its events in it)."""
    url = request.build_absolute_uri(reverse(name, kwargs={"slug": slug}) + lang_query())
    return "webcal://" + url.split("://", 1)[1]


@require_GET
def session_detail(request, pk: int):
    """Show everything a parent needs to decide, and the button to reserve."""
    page = cached_main(request, "session-detail", lambda: _session_detail_main(request, pk))
    if page is None:
        return not_found(request)
    return render(request, "events/session_detail.html", page)


OTHER_DATES = 5


def other_dates_of(session: Session, now) -> list[Session]:
    """The programme's next dates besides this one (single sessions, not over, at any of its
    facilities): a parent who finds this one full, or the wrong day, sees where else to go."""
    return list(
        sessions_for_pages()
        .filter(program_id=session.program_id, course__isnull=True, end__gt=now)
        .exclude(pk=session.pk)
        .order_by("start", "pk")[:OTHER_DATES]
    )


def _session_detail_main(request, pk: int):
    session = sessions_for_pages().filter(pk=pk).first()
    if session is None:
        return None
    now = timezone.now()
    course_sessions: list[Session] = []
    other_dates: list = []
    if session.course_id:
        course_sessions = list(session.course.sessions.order_by("start"))
    else:
        other_dates = [
            (other, session_availability(other, now)) for other in other_dates_of(session, now)
        ]
    context = {
        "session": session,
        "program": session.program,
        "facility": session.facility,
        "availability": session_availability(session, now),
        "course_sessions": course_sessions,
        "other_dates": other_dates,
        "webcal_program": webcal(request, "calendar-program", session.program.slug),
        "webcal_facility": webcal(request, "calendar-facility", session.facility.slug),
        "share": share_links(request, session, course_sessions),
    }
    return session_title(session), "events/_session_detail_main.html", context
