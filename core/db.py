"""Database helpers shared by the apps."""

from __future__ import annotations

import functools

from django.db import connections, router, transaction
from django.db.models import Field, Model


@functools.cache
def _insert_statement(model: type[Model], alias: str) -> tuple[str, tuple[Field, ...], bool]:
    """Return the INSERT of one row of the model, its value fields, and whether it RETURNs.

    Written once per model and database: the ORM compiles the statement again for every row,
    which costs about as much CPU as sending it (a confirmed booking writes three rows).
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated)
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
    setattr(obj, meta.pk.attname, pk)
    obj._state.adding = False
    obj._state.db = alias
