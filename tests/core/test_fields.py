"""core.fields: where the schema says "string", only a JSON string is taken."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from rest_framework import serializers

from core.errors import AppValidationError
from core.fields import (
    DATE_RANGE_MESSAGE,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
    StrictMultipleChoiceField,
    StrictPrimaryKeyRelatedField,
    StrictRegexField,
    StrictSlugField,
    StrictSlugRelatedField,
    StrictStringMixin,
    StrictURLField,
    parse_bounded_date,
    query_integer,
)
from core.serializers import StrictModelSerializer
from events.models import Facility, Session
from tests.factories import FacilityFactory

NOT_STRINGS = [0, 12345678, -14139, 1.5, True, False, [], ["山田"], {}, {"name": "山田"}]


def refusal(field: serializers.Field, data) -> serializers.ErrorDetail:
    with pytest.raises(serializers.ValidationError) as raised:
        field.run_validation(data)
    [detail] = raised.value.detail
    return detail


STRING_FIELDS = [
    (StrictCharField(max_length=100), " 山田 花子 ", "山田 花子"),
    (StrictEmailField(), "hanako@example.jp", "hanako@example.jp"),
    (StrictRegexField(r"^[0-9-]+$"), "099-123-4567", "099-123-4567"),
    (StrictSlugField(), "ribbonkan", "ribbonkan"),
    (StrictURLField(), "https://example.jp/", "https://example.jp/"),
]


@pytest.mark.parametrize("field, given, kept", STRING_FIELDS)
def test_a_string_is_taken_as_drf_takes_it(field, given, kept):
    assert field.run_validation(given) == kept


@pytest.mark.parametrize("data", NOT_STRINGS, ids=repr)
@pytest.mark.parametrize("field", [f for f, _, _ in STRING_FIELDS], ids=lambda f: type(f).__name__)
def test_anything_but_a_string_is_refused_with_the_fields_invalid_message(field, data):
    detail = refusal(field, data)
    assert detail.code == "invalid"
    assert str(detail) == str(field.error_messages["invalid"])


def test_the_digits_of_a_number_are_taken_as_a_string():
    assert StrictCharField().run_validation("12345678") == "12345678"
    assert StrictRegexField(r"^[0-9]+$").run_validation("0992345678") == "0992345678"


def test_the_message_follows_the_language():
    with translation.override("ja"):
        assert str(refusal(StrictCharField(), -14139)) == "文字列で指定してください。"
        assert str(refusal(StrictEmailField(), 5)) == "有効なメールアドレスを入力してください。"
    with translation.override("en"):
        assert str(refusal(StrictCharField(), -14139)) == "Not a valid string."
        assert str(refusal(StrictEmailField(), 5)) == "Enter a valid email address."


def test_blank_and_null_keep_their_own_answers():
    assert StrictCharField(allow_blank=True).run_validation("  ") == ""
    assert refusal(StrictCharField(), "").code == "blank"
    assert refusal(StrictCharField(), None).code == "null"
    assert StrictCharField(allow_null=True).run_validation(None) is None


def test_a_text_choice_takes_only_its_string():
    field = StrictChoiceField(choices=["ja", "en"])
    assert field.run_validation("ja") == "ja"
    for data in [1, True, ["ja"], {"ja": 1}]:
        assert refusal(field, data).code == "invalid_choice"
    # DRF matches str(data): the number 1 would be the choice "1".
    numeric = StrictChoiceField(choices=["1", "2"])
    assert numeric.run_validation("1") == "1"
    assert refusal(numeric, 1).code == "invalid_choice"


def test_an_integer_choice_takes_its_number_but_not_a_boolean_or_float():
    field = StrictChoiceField(choices=[(1, "one"), (2, "two")])
    assert field.run_validation(1) == 1
    for data in [True, 1.0, [1]]:
        assert refusal(field, data).code == "invalid_choice"


def test_a_choice_message_follows_the_language():
    with translation.override("ja"):
        assert str(refusal(StrictChoiceField(choices=["ja"]), 1)) == (
            '"1"は有効な選択肢ではありません。'
        )
    with translation.override("en"):
        assert str(refusal(StrictChoiceField(choices=["ja"]), 1)) == '"1" is not a valid choice.'


def test_multiple_choices_are_a_list_of_strings():
    field = StrictMultipleChoiceField(choices=["ja", "en"])
    assert field.run_validation(["ja", "en"]) == {"ja", "en"}
    assert refusal(field, ["ja", 1]).code == "invalid_choice"
    assert refusal(field, [True]).code == "invalid_choice"
    # DRF iterates any non-string: an object would give its keys.
    assert refusal(field, {"ja": 1}).code == "not_a_list"
    assert refusal(field, "ja").code == "not_a_list"


@pytest.mark.django_db
def test_a_slug_relation_refuses_a_number_before_looking_it_up(django_assert_num_queries):
    facility = FacilityFactory(slug="2026")
    field = StrictSlugRelatedField(slug_field="slug", queryset=Facility.objects.all())
    assert field.run_validation("2026") == facility
    with django_assert_num_queries(0):
        for data in [2026, True, ["2026"]]:
            assert refusal(field, data).code == "invalid"


def test_a_model_serializer_maps_text_and_choices_to_strict_fields():
    class FacilityIn(StrictModelSerializer):
        class Meta:
            model = Facility
            fields = ["name", "slug", "email", "address"]

    class SessionIn(StrictModelSerializer):
        class Meta:
            model = Session
            fields = ["status"]

    fields = FacilityIn().fields
    assert isinstance(fields["name"], StrictCharField)
    assert isinstance(fields["slug"], StrictSlugField)
    assert isinstance(fields["email"], StrictEmailField)
    assert isinstance(SessionIn().fields["status"], StrictChoiceField)
    given = {"name": 1, "slug": 2, "email": 3, "address": 4}
    serializer = FacilityIn(data=given)
    assert not serializer.is_valid()
    assert set(serializer.errors) == set(given)


def _project_serializers() -> list[type[serializers.BaseSerializer]]:
    import_module(settings.ROOT_URLCONF)  # imports every API module, and so every serializer
    found, todo = {}, [serializers.BaseSerializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found[cls] = None  # a class with two serializer bases is found twice
    return list(found)


def _project_apps() -> set[str]:
    """The project's own apps (the code under BASE_DIR, not the virtualenv's)."""
    root = str(settings.BASE_DIR)
    return {
        app.name.split(".")[0]
        for app in apps.get_app_configs()
        if app.path.startswith(root) and ".venv" not in app.path
    }


PROJECT_APPS = _project_apps()
# DRF's field, and the strict field to use instead (for input: ``core.fields``).
STRICT_FOR = [
    (serializers.BooleanField, StrictBooleanField),
    (serializers.IntegerField, StrictIntegerField),
    (serializers.DateTimeField, StrictDateTimeField),
    (serializers.DateField, StrictDateField),
    (serializers.PrimaryKeyRelatedField, StrictPrimaryKeyRelatedField),
]


def _loose_fields(field: serializers.Field, path: str):
    """Yield the paths of DRF string, choice, slug, number, boolean, date and id fields that are
    not the strict ones."""
    if isinstance(field, serializers.ListSerializer):
        yield from _loose_fields(field.child, path)
    elif isinstance(field, serializers.Serializer):
        for name, child in field.fields.items():
            yield from _loose_fields(child, f"{path}.{name}")
    elif isinstance(field, serializers.ManyRelatedField):
        yield from _loose_fields(field.child_relation, path)
    elif getattr(field, "child", None) is not None:
        yield from _loose_fields(field.child, f"{path}[]")
    elif isinstance(field, serializers.CharField):
        if not isinstance(field, StrictStringMixin):
            yield path
    elif isinstance(field, serializers.ChoiceField):
        if not isinstance(field, StrictChoiceField | StrictMultipleChoiceField):
            yield path
    elif isinstance(field, serializers.SlugRelatedField):
        if not isinstance(field, StrictSlugRelatedField):
            yield path
    else:
        for loose, strict in STRICT_FOR:
            if isinstance(field, loose) and not isinstance(field, strict):
                yield path


def test_every_serializer_of_the_project_uses_the_strict_fields():
    classes = _project_serializers()
    names = {cls.__name__ for cls in classes}
    assert {
        "ReservationCreateSerializer",
        "CancelSerializer",
        "WalkInSerializer",
        "MoveSerializer",
        "SessionWriteSerializer",
        "SessionCancelSerializer",
        "PrivateLinkRequestSerializer",
        "PersonQuerySerializer",
    } <= names
    loose = [
        path
        for cls in classes
        if cls not in {StrictModelSerializer}
        for path in _loose_fields(cls(), cls.__qualname__)
    ]
    assert not loose, "use core.fields for these fields: " + ", ".join(loose)


# --- numbers, booleans and dates ------------------------------------------------------------------


@pytest.mark.parametrize("data", ["2", 2.0, 13.5, "２", "٢", True, None, [2], 1e400])
def test_an_integer_is_a_json_number(data):
    assert StrictIntegerField().run_validation(2) == 2
    assert refusal(StrictIntegerField(), data).code in {"invalid", "null"}


@pytest.mark.parametrize("data", ["yes", "true", 1, 0, "1", None])
def test_a_boolean_is_json_true_or_false(data):
    assert StrictBooleanField().run_validation(False) is False
    assert refusal(StrictBooleanField(), data).code in {"invalid", "null"}


@pytest.mark.parametrize(
    "data",
    [
        "2000-01-01T00:00:00+09:00",
        "1999-12-31T15:00:00Z",  # the same moment
        "2100-12-31T23:59:59+09:00",
        "2000-01-01T00:00",
    ],
)
def test_a_time_on_a_day_from_2000_to_2100_in_japan_is_taken(data):
    assert StrictDateTimeField().run_validation(data).year in {1999, 2000, 2100}


@pytest.mark.parametrize(
    "data",
    [
        "1999-12-31T23:59:59+09:00",
        "2100-12-31T15:00:00Z",  # 2101-01-01 00:00 in Japan
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "0243-05-01T10:00:00",
        "7018-05-01T10:00:00",
    ],
)
def test_a_time_outside_is_refused_with_the_ranges_message(data):
    detail = refusal(StrictDateTimeField(), data)
    assert detail.code == "date_range"
    with translation.override("en"):
        assert str(refusal(StrictDateTimeField(), data)) == str(DATE_RANGE_MESSAGE)


@pytest.mark.parametrize(
    "data", ["２０２５-01-01T10:00", "2025-01-01T10:00:00+09:00\u200b", 20250101, "9999-99-99"]
)
def test_a_time_in_other_digits_or_not_a_string_is_invalid(data):
    assert refusal(StrictDateTimeField(), data).code == "invalid"


def test_a_date_in_a_query_string_is_parsed_or_refused_with_the_common_body():
    assert parse_bounded_date("2026-04-01") == date(2026, 4, 1)
    assert parse_bounded_date("2000-01-01") == date(2000, 1, 1)
    for value in ("0001-01-01", "9999-12-31", "2101-01-01", "２０２６-04-01", "", None, "x"):
        with pytest.raises(AppValidationError) as raised:
            parse_bounded_date(value, field="from")
        assert raised.value.status_code == 400
        assert raised.value.body()["code"] == "invalid"
        assert list(raised.value.body()["fields"]) == ["from"]


@pytest.mark.parametrize(
    ("value", "read"),
    [("1", 1), ("0", 0), ("2025", 2025), ("2147483647", 2**31 - 1)],
)
def test_a_number_in_a_query_string_is_ascii_digits(value, read):
    assert query_integer(value) == read


@pytest.mark.parametrize(
    "value", ["２", "٢", "-1", " 1", "1 ", "1e3", "1.0", "", "2147483648", "9" * 5000, None, 1]
)
def test_anything_else_in_a_query_string_is_no_number(value):
    assert query_integer(value) is None


def test_a_query_number_has_the_callers_bounds():
    assert query_integer("2025", minimum=2000, maximum=2100) == 2025
    assert query_integer("1999", minimum=2000, maximum=2100) is None
