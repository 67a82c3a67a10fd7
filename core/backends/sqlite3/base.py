"""SQLite with PostgreSQL's integer ranges.

SQLite stores any integer up to 64 bits, so Django's form fields, model validation and DRF's
model serializers, which take their bounds from the backend, let a small-integer field
(capacity, ages, 並び順 …) take 40000 on SQLite where PostgreSQL's column refuses it. The same
data must be valid on both: the embedded default is where a centre starts, and its database
may move to PostgreSQL later. Everything else is Django's own SQLite backend.
"""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
