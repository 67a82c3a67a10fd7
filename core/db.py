"""Database helpers shared by the apps."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Field, Model


@functools.cache
def _value_fields(model: type[Model]) -> tuple[Field, ...]:
    """The fields an INSERT of the model writes: all its columns but the auto and generated."""
    meta = model._meta
    return tuple(f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated)


@functools.cache
def _insert_statement(model: type[Model], alias: str) -> tuple[str, tuple[Field, ...], bool]:
    """Return the INSERT of one row of the model, its value fields, and whether it RETURNs.

    Written once per model and database: the ORM compiles the statement again for every row,
    which costs about as much CPU as sending it (a confirmed booking writes three rows).
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = _value_fields(model)
    returning = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields, returning


def insert(obj: Model) -> None:
    """Insert ``obj`` as a new row and set its primary key, as ``save(force_insert=True)`` does.

    For models whose primary key is an auto field and that have no save() of their own and no
    signal receivers: the values are prepared by the fields as the ORM prepares them, and a
    database error (an IntegrityError of a unique constraint) is raised the same way and marks
    the surrounding atomic block for rollback. A value that is an expression (a database
    default, F(), ...) goes through the ORM's save instead.
    """
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    meta = model._meta
    if meta.auto_field is None or meta.parents:
        obj.save(force_insert=True, using=alias)
        return
    # As save() does: refuse an unsaved related object, take the id of one saved since.
    obj._prepare_related_fields_for_save(operation_name="insert")
    connection = connections[alias]
    sql, fields, returning = _insert_statement(model, alias)
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            obj.save(force_insert=True, using=alias)
            return
        params.append(field.get_db_prep_save(value, connection))
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    mark_inserted(obj, pk, alias)


def mark_inserted(obj: Model, pk: Any, alias: str) -> None:
    """Give ``obj`` the primary key of the row written for it and mark it saved, as save does."""
    setattr(obj, obj._meta.pk.attname, pk)
    obj._state.adding = False
    obj._state.db = alias


@functools.cache
def _insert_select_statement(
    model: type[Model],
    alias: str,
    source: str,
    computed: tuple[tuple[str, str], ...],
    nulls: frozenset[str],
) -> tuple[str, tuple[Field, ...]]:
    """Return the INSERT ... SELECT of ``insert_select`` and its fields, written once.

    NULLs are written into the statement (a few variants of it) rather than sent: psycopg
    keeps the parsed statement of up to 50 parameters only, and a booking's rows have more.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    given = dict(computed)
    fields = _value_fields(model)
    values = [
        given[f.attname]
        if f.attname in given
        else f"CAST({'NULL' if f.attname in nulls else '%s'} AS {f.db_type(connection)})"
        for f in fields
    ]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {', '.join(values)} FROM {source} RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


@functools.cache
def _fields_given(model: type[Model], computed: tuple[str, ...]) -> frozenset[Field]:
    """The value fields of the model whose values ``insert_select`` sends (not computed)."""
    return frozenset(f for f in _value_fields(model) if f.attname not in computed)


def insert_select(
    obj: Model,
    alias: str,
    source: str,
    computed: Mapping[str, tuple[str, Sequence[Any]]],
) -> tuple[str, list[Any]]:
    """Return ``INSERT INTO ... SELECT ... FROM source RETURNING pk`` for ``obj``, and its params.

    A part of PostgreSQL's data-modifying ``WITH``, where one statement writes rows that point
    at each other: the row is written once for each row of ``source`` (another part of the
    statement), and ``computed`` gives the SQL and parameters of some columns by attname, such
    as the id of a row that the same statement inserts. The other values are prepared as
    ``insert`` prepares them, each cast to its column's type, since ``INSERT ... SELECT`` does
    not take parameter types from the target columns as ``INSERT ... VALUES`` does.
    Call ``mark_inserted`` with the id the statement returns.
    """
    connection = connections[alias]
    given = _fields_given(type(obj), tuple(computed))
    # As save() does, for the columns not computed: refuse an unsaved related object, take the
    # id of one saved since it was assigned.
    if given:  # (an empty set would mean every field to Django)
        obj._prepare_related_fields_for_save(operation_name="insert", fields=given)
    values: dict[str, Any] = {}
    for field in given:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            raise ValueError(f"{field.name} is an expression; give its SQL in computed")
        values[field.attname] = field.get_db_prep_save(value, connection)
    sql, fields = _insert_select_statement(
        type(obj),
        alias,
        source,
        tuple((name, sql) for name, (sql, _params) in computed.items()),
        frozenset(name for name, value in values.items() if value is None),
    )
    params: list[Any] = []
    for field in fields:
        if field.attname in computed:
            params.extend(computed[field.attname][1])
        elif values[field.attname] is not None:
            params.append(values[field.attname])
    return sql, params
