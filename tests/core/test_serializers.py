"""DeclaredFieldsSerializer: each instance gets its own fields, bound to it alone."""

from booking.serializers import ReservationCreateSerializer


def test_each_instance_binds_its_own_copies_and_leaves_the_declarations_unbound():
    first = ReservationCreateSerializer(data={})
    second = ReservationCreateSerializer(data={})
    for name, declared in ReservationCreateSerializer._declared_fields.items():
        one, other = first.fields[name], second.fields[name]
        assert one is not other and one is not declared
        assert one.parent is first and other.parent is second
        assert one.field_name == other.field_name == name
        assert declared.parent is None and declared.field_name is None
    # A field with a child is rebuilt whole: the child belongs to its own copy.
    assert first.fields["children_ages"].child.parent is first.fields["children_ages"]


def test_copies_validate_as_the_declarations_say():
    valid = ReservationCreateSerializer(
        data={"name": "山田 花子", "email": "a@example.jp", "adults": 1, "children_ages": [3]}
    )
    invalid = ReservationCreateSerializer(
        data={"name": "", "email": "nope", "adults": 0, "children_ages": [999], "language": "fr"}
    )
    assert not valid.is_valid()  # neither session nor course
    assert set(valid.errors) == {"session"}
    assert not invalid.is_valid()
    assert set(invalid.errors) == {"name", "email", "adults", "children_ages", "language"}
    # The failed instance changed nothing another instance sees.
    again = ReservationCreateSerializer(data={"name": "x", "email": "b@example.jp", "adults": 2})
    again.is_valid()
    assert set(again.errors) == {"session"}
    assert (
        again.fields["adults"].error_messages
        is ReservationCreateSerializer._declared_fields["adults"].error_messages
    )
