"""A party's details as the desk takes them: one rule (``staffdesk.services.party_details``) for
every way staff enter a party (the walk-in and 電話予約 pages, the walk-in and phone-booking
API). A ふりがな that is not kana and more childcare places than children are refused with the
field's error, in the request's language, and nothing is written.
"""

from __future__ import annotations

import pytest

from booking.models import Reservation
from notifications.models import Notification
from staffdesk.models import StaffAction
from tests.factories import ProgramFactory, SessionFactory
from tests.staff.conftest import page_client, started_session, token_client

pytestmark = pytest.mark.django_db

MESSAGES = {
    "name_kana": {
        "ja": "ふりがなは、ひらがなかカタカナで入力してください。",
        "en": "Write the name in hiragana or katakana.",
    },
    "childcare": {
        "ja": "託児の人数は、参加する子どもの人数以下にしてください。",
        "en": "Childcare cannot be more than the number of children.",
    },
}

PARTY = {
    "name": "飛込 花子",
    "name_kana": "とびこみ はなこ",
    "adults": 1,
    "children": 1,
    "childcare": 0,
}
MISTAKES = {
    "name_kana": {"name_kana": "Tobikomi"},
    "childcare": {"children": 1, "childcare": 2},
}


def _page_body(values: dict) -> dict:
    body = {k: str(v) for k, v in values.items()}
    body["check_in"] = "on"  # ignored by the phone page, which has no such field
    return body


# Each entry point: where it is posted, the body it takes, and how it says what is wrong.
ENTRY_POINTS = {
    "walk-in page": ("page", "/staff/sessions/{pk}/walk-in/", {}),
    "walk-in API": ("api", "/api/v1/sessions/{pk}/walk-ins/", {}),
    "phone page": ("page", "/staff/sessions/{pk}/phone/", {"phone": "090-1234-5678"}),
    "phone API": ("api", "/api/v1/sessions/{pk}/phone-bookings/", {"phone": "090-1234-5678"}),
}


@pytest.fixture
def sessions(facility_a):
    """A walk-in's session (begun, check-in open) and a caller's (in its booking period), both
    of a programme with 託児 so that the pages show the childcare field."""
    program = ProgramFactory(title="親子ひろば", childcare_offered=True)
    return {
        "walk-in": started_session(facility=facility_a, program=program, childcare_capacity=5),
        "phone": SessionFactory(facility=facility_a, program=program, childcare_capacity=5),
    }


def written() -> tuple:
    return (
        Reservation.objects.count(),
        Notification.objects.count(),
        StaffAction.objects.count(),
    )


def post(manager, entry: str, session, values: dict, language: str):
    kind, path, extra = ENTRY_POINTS[entry]
    url = path.format(pk=session.pk)
    body = {**values, **extra}
    if kind == "api":
        return token_client(manager).post(url, body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    return page_client(manager).post(url, _page_body(body), HTTP_ACCEPT_LANGUAGE=language)


def field_errors(entry: str, answer) -> dict[str, list[str]]:
    if ENTRY_POINTS[entry][0] == "api":
        body = answer.json()
        assert body["code"] == "invalid"
        return body["fields"]
    return {name: list(errors) for name, errors in answer.context["form"].errors.items()}


@pytest.mark.parametrize("field", list(MISTAKES))
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_every_entry_point_refuses_the_mistake_with_the_field_error_and_writes_nothing(
    manager_a, sessions, entry, field
):
    session = sessions[entry.split()[0]]
    bad = {**PARTY, **MISTAKES[field]}
    for language in ("ja", "en"):
        answer = post(manager_a, entry, session, bad, language)
        assert answer.status_code == 400
        assert field_errors(entry, answer) == {field: [MESSAGES[field][language]]}
        assert written() == (0, 0, 0)
        session.refresh_from_db()
        assert (session.seats_taken, session.childcare_taken) == (0, 0)
    # The same party with the detail put right is taken: the rule, not the session, refused it.
    fixed = {**PARTY, "childcare": 1} if field == "childcare" else PARTY
    answer = post(manager_a, entry, session, fixed, "ja")
    assert answer.status_code in (201, 302)
    assert Reservation.objects.get().name_kana == "とびこみ はなこ"


@pytest.mark.parametrize("entry", ["walk-in API", "phone API"])
def test_half_width_kana_is_stored_full_width(manager_a, sessions, entry):
    session = sessions[entry.split()[0]]
    answer = post(manager_a, entry, session, {**PARTY, "name_kana": "ﾄﾋﾞｺﾐ　ﾊﾅｺ"}, "ja")
    assert answer.status_code == 201
    assert answer.json().get("code")
    assert Reservation.objects.get().name_kana == "トビコミ ハナコ"


def test_the_walk_in_page_lists_the_kana_with_the_forms_own_mistakes(manager_a, sessions):
    session = sessions["walk-in"]
    answer = post(
        manager_a,
        "walk-in page",
        session,
        {**PARTY, "name": "", "name_kana": "Tobikomi", "childcare": 2},
        "en",
    )
    assert answer.status_code == 400
    errors = field_errors("walk-in page", answer)
    assert set(errors) == {"name", "name_kana", "childcare"}
    assert errors["name_kana"] == [MESSAGES["name_kana"]["en"]]
    assert errors["childcare"] == [MESSAGES["childcare"]["en"]]
    assert written() == (0, 0, 0)
