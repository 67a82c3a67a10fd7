"""Malformed input never gives a 500 on the server-rendered pages (the API has schemathesis).

The pages come from the URL resolver (all but the admin, the API and static files), so a new
page is fuzzed without a line here, as long as its path parameters are named as the others'
(the ``world`` fixture fills them from objects it makes; an unknown one fails the test). Each page
is opened by the anonymous parent, and by each visitor who reaches it where the anonymous
parent does not: a parent with a reservation's cookie, a consultation's holder, a manager. It
gets malformed query strings and path parameters, and every form that posts to it (found on
the page, or on the nearest page above it in the path) gets malformed fields one kind at a
time, every other field kept as the page filled it, and bodies that are not a form at all.
"""

from __future__ import annotations

import re
import sys
from datetime import time, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from booking.links import my_reservations_link_issue
from booking.models import Reservation
from booking.services import lottery_draw
from calendars.tokens import feed_token_issue
from consultations.models import Appointment, AvailabilityWindow, ConsultationType, Counsellor
from consultations.selectors import free_slots
from consultations.services import Family, appointment_book
from events.models import Audience, BookingMode
from notifications.models import Notification
from schedule.services import SeriesPattern, series_publish
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book, staff_user
from tests.staff.conftest import book_before, started_session

pytestmark = pytest.mark.django_db
SKIPPED = ("admin/", "api/", "static/", "media/")
FORM_ENCODED = "application/x-www-form-urlencoded"
ANSWERS = {200, 301, 302, 303, 400, 403, 404, 405, 409, 410, 413, 422, 429}
# Pages whose forms book: an answer that is not a redirect wrote nothing.
BOOKING_PAGES = {
    "reservation-form", "staff:walk-in", "staff:phone-booking", "consultation-page",
    "consult_staff:book",
}  # fmt: skip


def page_routes(patterns=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(route, URL name) of every page outside the admin, the API and static files."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += page_routes(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            found.append((route, f"{namespace}{entry.name or route}"))
    return found


ROUTES = page_routes()
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

# Values that every kind of query key or form field may meet: numbers out of any range, dates
# that do not exist or cannot be written, full-width digits, NUL and control characters, a
# lone surrogate (percent-encoded: it cannot be UTF-8), unknown codes and very long text.
BAD_VALUES = [
    "abc", "-1", "99999999999999999999999", "2026-02-30", "2026-13", "99999-01-01",
    "２０２６-０１-０１", "0001-01-01T00:00", "9999-12-31T23:59", "%00", "%01%1b%7f%e2%80%ae",
    "%ED%A0%80", "x" * 10_000,
]  # fmt: skip
QUERY_KEYS = [
    "page", "id", "pk", "date", "date_from", "date_to", "month", "fiscal_year", "facility",
    "program", "audience", "has_seats", "span", "start", "counsellor", "session", "code",
    "token", "me", "q", "sort", "scope", "lang", "next", "series", "kind", "format",
]  # fmt: skip
PATH_VALUES = {
    "int": ["0", "99999999999999999999999", "9223372036854775808"],
    "str": ["NO-SUCH-CODE", "%00", "%ED%A0%80", "%EF%BC%91", "x" * 300, "..%2F.."],
}
# fmt: off
FIELD_VALUES = {
    "number": ["-1", "99999999999999999999999", "1.5", "１", "abc"],
    "date": ["2026-02-30", "99999-01-01", "２０２６-０１-０１", "0001-01-01", "9999-12-31"],
    "datetime": ["2026-02-30T10:00", "0001-01-01T00:00", "9999-12-31T23:59", "99999-01-01T00:00",
                 "２０２６-０１-０１T10:00", "0001-01-01 00:00:00+14:00"],
    "time": ["25:61", "-1:00", "99999999:00", "１０:００"],
    "choice": ["no-such-choice", "99999999999999999999999"],
    "text": ["a\x00b", "\x01\x1b\x7f\u202e", "x" * 10_000],
}
# fmt: on
RAW_BODIES = [
    ("application/json", '{"name": ["x"], "adults": {"$gt": 1}}'),
    ("text/plain", "not a form\x00"),
    ("multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data\r\n\r\nx"),
    ("application/x-www-form-urlencoded", "name=%ED%A0%80&email=%00&adults=%FF&&=&a[b]=c"),
]


class Forms(HTMLParser):
    """The forms of a page: method, action, fields with their kind and the page's value."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.open_text: str | None = None
        self.select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = {"method": a.get("method", "get").lower(), "action": a.get("action", "")}
            self.form |= {"fields": {}, "buttons": []}
            self.forms.append(self.form)
        if tag == "option" and self.form and self.select:
            chosen = self.form["fields"][self.select]  # the selected option, else the first
            if "selected" in a or not chosen[1]:
                chosen[1] = a.get("value", "")
        if self.form is None or not a.get("name"):
            return
        fields, name, kind = self.form["fields"], a["name"], a.get("type", "text")
        if tag == "button" or kind == "submit":
            self.form["buttons"].append((name, a.get("value", "")))
        elif tag == "select":
            fields[name], self.select = ["choice", ""], name
        elif tag == "textarea":
            fields[name], self.open_text = ["text", ""], name
        elif kind in ("checkbox", "radio"):
            value = a.get("value", "on")
            if name not in fields or "checked" in a:
                dated = field_kind(kind, value) in ("date", "datetime")
                kind = field_kind(kind, value) if dated else "choice"
                fields[name] = [kind, value if "checked" in a or dated else ""]
        else:
            value = a.get("value", "")
            fields[name] = [field_kind(kind, value), value]

    def handle_data(self, data):
        if self.open_text and self.form:
            self.form["fields"][self.open_text][1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.open_text = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.form = None


def field_kind(kind: str, value: str) -> str:
    if kind in ("number", "date", "time"):
        return kind
    if kind == "datetime-local" or re.match(r"\d{4}-\d\d-\d\dT", value):
        return "datetime"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "date"
    return "number" if value.isdigit() else "text"


@pytest.fixture
def world(settings):
    """A facility with a session, a booked party, a series, a counsellor and an appointment."""
    settings.API_THROTTLE_ENABLED = False
    facility = FacilityFactory(no_quiet_hours=True)
    program = ProgramFactory()
    session = SessionFactory(facility=facility, program=program)
    manager = staff_user(facility)
    booked = book(session, email="hanako@example.jp")
    today_session = started_session(facility=facility, program=program)
    book_before(today_session)
    lottery = ProgramFactory(booking_mode=BookingMode.LOTTERY)
    draw = SessionFactory(facility=facility, program=lottery)
    book(draw, email="won@example.jp")
    lottery_draw(session=draw, seed="s")
    start = timezone.localdate() + timedelta(days=14)
    # fmt: off
    series, _sessions = series_publish(SeriesPattern(
        program=program, facility=facility, weekdays=[start.isoweekday()], start_time=time(10),
        end_time=time(11), first_date=start, last_date=start + timedelta(days=27), capacity=5,
    ), by=manager)
    counsellor = Counsellor.objects.create(facility=facility, role="concierge", display_name="S")
    for weekday in range(7):
        AvailabilityWindow.objects.create(counsellor=counsellor, weekday=weekday,
                                          start_time=time(10), end_time=time(12))
    kind = ConsultationType.objects.create(facility=facility, slug="nyuen", title="入園相談",
                                           minutes=30, topics=["入園"])
    # fmt: on
    kind.counsellors.add(counsellor)
    today = timezone.localdate()
    slots = list(free_slots(kind, first=today, last=today + timedelta(days=28)).values())
    family = Family("山田 花子", "hanako@example.jp")
    appointment, apt_token = appointment_book(kind=kind, start=slots[0][0].start, family=family)
    feed = feed_token_issue(email="hanako@example.jp")
    code = booked.reservation.code
    kwargs = {
        "pk": session.pk,
        "code": code,
        "slug": facility.slug,
        "token": feed,
        "key": my_reservations_link_issue(email="hanako@example.jp"),
        "audience": Audience.ANYONE,
        "uidb64": urlsafe_base64_encode(force_bytes(manager.pk)),
        ("staff:password_reset_confirm", "token"): default_token_generator.make_token(manager),
        ("consult_staff:plan", "pk"): counsellor.pk,
        ("consult_staff:block", "pk"): counsellor.pk,
        ("schedule:series", "pk"): series.pk,
        ("staff:check-in", "pk"): today_session.pk,
        ("staff:no-shows", "pk"): today_session.pk,
        ("staff:confirm-win", "pk"): draw.pk,
        ("calendar-program", "slug"): program.slug,
        ("consultation-page", "slug"): kind.slug,
        ("consult_staff:book", "slug"): kind.slug,
        ("appointment-page", "code"): appointment.code,
        ("consult_staff:appointment", "code"): appointment.code,
    }
    free = slots[1][0] if len(slots) > 1 else slots[0][-1]
    query = {
        "consult_staff:book": f"start={quote(free.start.isoformat())}&counsellor={counsellor.pk}",
        "schedule:month": f"facility={facility.slug}",
        "schedule:month-copy": f"facility={facility.slug}",
        "schedule:closed-days": f"facility={facility.slug}",
    }
    parent, holder, staff = Client(), Client(), Client()
    assert parent.get(f"/manage/{code}/?token={booked.token}").status_code == 303
    opened = holder.get(f"/consultations/appointments/{appointment.code}/?token={apt_token}")
    assert opened.status_code == 303
    staff.force_login(manager)
    visitors = {"anonymous": Client(), "parent": parent, "holder": holder, "manager": staff}
    return kwargs, query, visitors


def path_of(route: str, name: str, kwargs: dict, bad: tuple[str, str] | None = None) -> str:
    def value(match):
        key = match.group(2)
        if bad and bad[0] == key:
            return bad[1]
        found = kwargs.get((name, key), kwargs.get(key))
        assert found is not None, f"{route}: add a value for <{key}> to the world fixture"
        return str(found)

    return "/" + PARAM.sub(value, route).lstrip("^").rstrip("$")


def written() -> tuple[int, int, int]:
    return Reservation.objects.count(), Notification.objects.count(), Appointment.objects.count()


def route_of(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return None


def forms_posting_to(client: Client, url: str, route: str) -> list[tuple[str, dict, tuple]]:
    """The POST forms whose action is this route: on the page, or the nearest page above it."""
    path = urlsplit(url).path
    page = client.get(url)
    while True:
        found, seen = [], set()
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            for form in Forms(page.content.decode()).forms:
                action = urljoin(path, form["action"] or url)
                if form["method"] != "post" or route_of(action) != route:
                    continue
                for button in form["buttons"] or [None]:
                    signature = (tuple(sorted(form["fields"])), button)
                    if signature not in seen:
                        seen.add(signature)
                        found.append((action, form["fields"], button))
        if found or path == "/":
            return found
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        page = client.get(path)


def query_fields(page) -> set[str]:
    """The names of the fields of the page's GET forms (its filters)."""
    if "html" not in page.get("Content-Type", ""):
        return set()
    forms = Forms(page.content.decode()).forms
    return {name for form in forms if form["method"] == "get" for name in form["fields"]}


def mutations(fields: dict, button: tuple | None):
    """(label, form data) with one kind of field malformed at a time, the others as given."""
    base = {name: value for name, (_kind, value) in fields.items()}
    if button:
        base[button[0]] = button[1]
    yield "nothing", {}
    yield "half missing", {k: v for i, (k, v) in enumerate(base.items()) if i % 2}
    yield "lists", {k: [v, "x", ""] for k, v in base.items()}
    kinds = {kind for kind, _value in fields.values()}
    for kind, values in FIELD_VALUES.items():
        if kind not in kinds and kind != "text":
            continue
        for bad in values:
            yield (
                f"{kind}={bad[:30]!r}",
                base | {n: bad for n, (k, _v) in fields.items() if k == kind},
            )
    for bad in FIELD_VALUES["datetime"][:3] + FIELD_VALUES["number"][:2]:
        yield f"every field={bad!r}", {k: bad for k in base}


class Probe:
    """Send requests as one visitor; keep every answer outside ``ANSWERS``, with its cause."""

    def __init__(self, client: Client, who: str):
        self.client, self.who = client, who
        self.failures: list[str] = []
        self.errors: list[BaseException | None] = []
        client.raise_request_exception = False

    def __call__(self, method: str, url: str, what: str, *args):
        self.errors.clear()
        response = getattr(self.client, method)(url, *args)
        if response.status_code not in ANSWERS:
            cause = f" ({self.errors[-1]!r})" if self.errors else ""
            self.failures.append(f"{response.status_code} {self.who} {what}{cause}"[:400])
        return response

    def remember(self, sender, **extra):
        self.errors.append(sys.exc_info()[1])


def fuzz_forms(probe: Probe, base: str, route: str, name: str) -> int:
    """Post every malformed variant of the forms that post to the route; return their number."""
    forms = forms_posting_to(probe.client, base, route)
    for action, fields, button in forms:
        for label, data in mutations(fields, button):
            before = written()
            body = urlencode(data, doseq=True)
            answer = probe("post", action, f"POST {action} {label}", body, FORM_ENCODED)
            refused = answer.status_code not in (301, 302, 303)
            if refused and (name in BOOKING_PAGES or answer.status_code >= 400):
                if written() != before:
                    probe.failures.append(f"{probe.who} POST {action} {label}: wrote rows")
        for content_type, body in RAW_BODIES:
            probe("post", action, f"POST {action} {content_type}", body.encode(), content_type)
    return len(forms)


def fuzz_queries(probe: Probe, base: str, keys: list[str]) -> None:
    """Every key with each bad value at once, then each key alone (and repeated)."""
    sep = "&" if "?" in base else "?"
    for bad in map(encoded, BAD_VALUES):
        target = base + sep + "&".join(f"{key}={bad}" for key in keys)
        probe("get", target, f"GET {target[:150]}")
    for i, key in enumerate(keys):
        bad = encoded(BAD_VALUES[i % len(BAD_VALUES)])
        probe("get", f"{base}{sep}{key}={bad}&{key}=1", f"GET ?{key}={bad[:30]}")


def encoded(value: str) -> str:
    return value if "%" in value else quote(value)


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[route for route, _ in ROUTES])
def test_malformed_input_never_answers_a_server_error(world, route, name):
    kwargs, query, visitors = world
    base = path_of(route, name, kwargs) + (f"?{query[name]}" if name in query else "")
    failures, anonymous_reached = [], False
    for who, client in visitors.items():
        probe = Probe(client, who)
        page = probe("get", base, f"GET {base}")
        reached = page.status_code in (200, 405)  # 405: a page that only takes forms
        if who != "anonymous" and (not reached or anonymous_reached):
            continue
        anonymous_reached |= who == "anonymous" and reached
        got_request_exception.connect(probe.remember)
        try:
            # Forms first: a wrong credential in a query string may end a visitor's cookie.
            forms = fuzz_forms(probe, base, route, name)
            assert forms or name not in BOOKING_PAGES or not reached, f"{who}: no form on {base}"
            fuzz_queries(probe, base, QUERY_KEYS + sorted(query_fields(page)))
            for key, converter in [(m[1], m[0] or "str") for m in PARAM.findall(route)]:
                for bad in PATH_VALUES.get(converter, PATH_VALUES["str"]):
                    target = path_of(route, name, kwargs, bad=(key, bad))
                    probe("get", target, f"GET {target[:150]}")
        finally:
            got_request_exception.disconnect(probe.remember)
        failures += probe.failures
    assert not failures, "\n".join(failures)
