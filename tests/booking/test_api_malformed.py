"""Malformed bodies at the reservation API: the wrong media type, broken or non-UTF-8 JSON, a
number or a boolean where text belongs. Each is a 400 with the common error body, in the
request's language, and books nothing."""

import pytest

from booking.models import Reservation
from events.models import Course, Session
from tests.booking.api_bodies import URL, assert_refused, minimal, snapshot

pytestmark = pytest.mark.django_db


def test_unsupported_media_and_broken_json_get_the_error_body(api, session):
    response = api.post(URL, "not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = api.post(URL, "a=b", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "body",
    [
        b'{"session": 1, "name": "\x8e\x52"}',  # not UTF-8 (Shift_JIS bytes)
        '{"session": 1, "name": "山田"}'.encode("shift_jis"),
        b'{"session": NaN}',  # not JSON, though Python's parser would take it
        b'{"session": 1, "name": "a\\u0000b"}',  # NUL: PostgreSQL text cannot hold it
        b"",
    ],
)
def test_a_body_that_is_not_utf8_json_is_400_parse_error(api, session, body):
    before = snapshot(session)
    response = api.post(URL, body, content_type="application/json")
    if body:
        assert_refused(response, 400, "parse_error", session, before)
    else:  # an empty body is no data: the fields are missing
        assert_refused(response, 400, "invalid", session, before)


NOT_STRINGS = [12345678, -14139, 1.5, True, False, ["山田"], {"name": "山田"}]


@pytest.mark.parametrize("value", NOT_STRINGS, ids=repr)
@pytest.mark.parametrize(
    "field",
    [
        "name",
        "name_kana",
        "email",
        "phone",
        "company",
        "priority_group",
        "notes",
        "language",
        "override_reason",
    ],
)
def test_a_number_or_boolean_in_a_text_field_is_400_and_books_nothing(api, session, field, value):
    before = snapshot(session)
    response = api.post(URL, minimal(session, **{field: value}), format="json")
    assert_refused(response, 400, "invalid", session, before)
    assert list(response.json()["fields"]) == [field]


def test_a_text_field_refusal_says_what_is_wrong_in_the_request_language(api, session):
    body = minimal(session, name=12345, email=5, phone=9012345678, language=1)
    expected = {
        "ja": {
            "name": ["文字列で指定してください。"],
            "email": ["有効なメールアドレスを入力してください。"],
            "phone": ["電話番号を正しく入力してください（例：090-1234-5678）。"],
            "language": ['"1"は有効な選択肢ではありません。'],
        },
        "en": {
            "name": ["Not a valid string."],
            "email": ["Enter a valid email address."],
            "phone": ["Enter a phone number such as 090-1234-5678."],
            "language": ['"1" is not a valid choice.'],
        },
    }
    for language, fields in expected.items():
        response = api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert response.json()["fields"] == fields
    assert not Reservation.objects.exists()


def test_digits_sent_as_strings_are_still_taken(api, session):
    body = minimal(session, name="12345", phone="0992345678", notes="2", language="en")
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    reservation = Reservation.objects.get(code=response.json()["code"])
    assert (reservation.name, reservation.phone, reservation.notes) == ("12345", "0992345678", "2")


def test_a_course_given_by_number_is_400_even_when_a_slug_has_its_digits(api, session):
    course = Course.objects.create(
        program=session.program, facility=session.facility, title="全1回", slug="2026"
    )
    Session.objects.filter(pk=session.pk).update(course=course)
    body = {k: v for k, v in minimal(session).items() if k != "session"}
    before = snapshot(session)
    response = api.post(URL, {**body, "course": 2026}, format="json")
    assert_refused(response, 400, "invalid", session, before)
    assert list(response.json()["fields"]) == ["course"]
    assert api.post(URL, {**body, "course": "2026"}, format="json").status_code == 201


@pytest.mark.parametrize("value", [-14139, True, ["台風"]], ids=repr)
def test_a_parents_cancel_reason_must_be_text(api, session, value):
    body = api.post(URL, minimal(session), format="json").json()
    before = snapshot(session)
    response = api.post(
        f"{URL}{body['code']}/cancel/?token={body['token']}", {"reason": value}, format="json"
    )
    assert_refused(response, 400, "invalid", session, before)
    assert list(response.json()["fields"]) == ["reason"]
    assert Reservation.objects.get(code=body["code"]).status == "confirmed"
