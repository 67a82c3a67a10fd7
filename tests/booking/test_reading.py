"""A party's ふりがな through the parents' API: the same rule as the reservation form and the
staff desk (booking.rules.reading_refused), since staff sort and search the roster by it."""

from __future__ import annotations

import pytest

from booking.models import Reservation
from tests.booking.api_bodies import URL, assert_refused, minimal, snapshot
from tests.factories import api_key, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, message",
    [
        ("ja", "ひらがなかカタカナ"),
        ("en", "Write your name in hiragana or katakana"),
    ],
)
@pytest.mark.parametrize("reading", ["Yamada Hanako", "山田 花子", "やまだ花子"])
def test_a_reading_that_is_not_kana_is_refused_and_books_nothing(
    api, session, reading, language, message
):
    before = snapshot(session)
    response = api.post(
        URL, minimal(session, name_kana=reading), format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert_refused(response, 400, "invalid", session, before)
    fields = response.json()["fields"]
    assert list(fields) == ["name_kana"] and message in fields["name_kana"][0]


def test_a_staff_override_does_not_lift_the_reading_rule(api, session):
    manager = staff_user(session.facility, username="reading-manager")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    before = snapshot(session)
    body = minimal(session, name_kana="Yamada", override_reason="電話で受付")
    response = api.post(URL, body, format="json")
    assert_refused(response, 400, "invalid", session, before)


def test_half_width_katakana_is_kept_full_width_and_an_empty_reading_is_allowed(api, session):
    kana = api.post(URL, minimal(session, name_kana="ﾔﾏﾀﾞ ﾊﾅｺ"), format="json")
    assert kana.status_code == 201, kana.json()
    assert Reservation.objects.get(code=kana.json()["code"]).name_kana == "ヤマダ ハナコ"
    none = api.post(URL, minimal(session, email="b@example.jp", name_kana=""), format="json")
    assert none.status_code == 201, none.json()
