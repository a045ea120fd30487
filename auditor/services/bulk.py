"""Bulk inserts of many rows, streamed: COPY on PostgreSQL, batched INSERTs elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000


def _batches(objects: Iterable[M], size: int) -> Iterator[list[M]]:
    iterator = iter(objects)
    while batch := list(islice(iterator, size)):
        yield batch


def rows_insert(model: type[M], objects: Iterable[M]) -> int:
    """Insert `objects` (unsaved, without primary keys) and return how many; their pks
    are not set. At most one batch of model instances exists at a time, so a generator
    of 100,000 rows costs the memory of 2,000.

    PostgreSQL gets one COPY for all of them: Django's bulk_create compiles every value
    of every row into an INSERT, which costs more than the database spends storing it.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        count = 0
        for batch in _batches(objects, BATCH_SIZE):
            model._default_manager.bulk_create(batch)
            count += len(batch)
        return count
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # Values psycopg adapts as they are go through untouched; the rest (JSON, dates…)
    # through the field's own preparation, as save() would.
    plain = [f.get_internal_type() in _PLAIN_TYPES for f in fields]
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for batch in _batches(objects, BATCH_SIZE):
            for obj in batch:
                copy.write_row(
                    [
                        # pre_save fills auto_now / auto_now_add values, as an INSERT would.
                        getattr(obj, f.attname)
                        if simple
                        else f.get_db_prep_save(f.pre_save(obj, True), connection)
                        for f, simple in zip(fields, plain, strict=True)
                    ]
                )
            count += len(batch)
    return count


_PLAIN_TYPES = frozenset(
    {
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BigIntegerField",
        "TextField",
    }
)
