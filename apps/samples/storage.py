"""The intake's write as hand-written SQL: new samples and the node's latest state.

This runs for every request of every agent, so it is written for few round
trips. On PostgreSQL a batch is one statement: a data-modifying WITH inserts
the samples and upserts the state, and in autocommit it commits on its own,
without BEGIN and COMMIT round trips. A large batch first streams into a
staging table with COPY. SQLite, which has no data-modifying WITH, runs the
same two statements in one transaction. Written out, the statements also
skip the ORM's per-query compilation, and the insert tells how many rows it
really added, which bulk_create(ignore_conflicts=True) cannot.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, JSONField, Model

from apps.samples.models import NodeState, Sample

# A row to write: field attnames to values, every concrete field present.
# Plain dicts, because building 500 model instances cost more CPU than
# writing them.
Row = dict[str, Any]

_STAGING = "samples_incoming"
# Above this many rows COPY beats a VALUES list: a 500-sample batch went 2.5
# times faster, without a megabyte of SQL literals for the server to parse.
COPY_ABOVE = 20


def store(rows: list[Row], state: Row) -> int:
    """Inserts the sample rows not stored yet and moves the node's state on.

    Returns the rows inserted. Atomic: when it returns, both are committed.
    The state is replaced only by a newer one, so a late backlog leaves it.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            inserted = _insert_values(rows)
            _upsert_state(state)
        return inserted
    if len(rows) > COPY_ABOVE:
        with transaction.atomic():
            _copy_to_staging(rows)
            return _insert_with_state(_insert_from_staging_sql(), [], state)
    return _insert_with_state(_values_sql(len(rows)), _values(Sample, rows), state)


def _insert_with_state(insert_sql: str, params: list[Any], state: Row) -> int:
    """PostgreSQL: the insert and the state upsert as one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH added AS ({insert_sql} RETURNING 1),"
            f" moved AS ({_state_upsert_sql()})"
            " SELECT count(*) FROM added",
            [*params, *_values(NodeState, [state])],
        )
        return int(cursor.fetchone()[0])


def _insert_values(rows: list[Row]) -> int:
    size = connection.ops.bulk_batch_size(list(Sample._meta.concrete_fields), rows)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(_values_sql(len(chunk)), _values(Sample, chunk))
            inserted += cursor.rowcount
    return inserted


def _upsert_state(state: Row) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_state_upsert_sql(), _values(NodeState, [state]))


@lru_cache(maxsize=32)
def _values_sql(count: int) -> str:
    columns, row_sql, _adapters = _columns(Sample)
    return (
        f"INSERT INTO {_table(Sample)} ({columns})"
        f" VALUES {', '.join([row_sql] * count)} ON CONFLICT DO NOTHING"
    )


@cache
def _insert_from_staging_sql() -> str:
    columns, _row_sql, _adapters = _columns(Sample)
    return (
        f"INSERT INTO {_table(Sample)} ({columns}) SELECT {columns}"
        f" FROM {_STAGING} ON CONFLICT DO NOTHING"
    )


@cache
def _state_upsert_sql() -> str:
    quote = connection.ops.quote_name
    columns, row_sql, _adapters = _columns(NodeState)
    table, ts = _table(NodeState), quote("ts")
    updates = ", ".join(
        f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
        for field in NodeState._meta.concrete_fields
        if not field.primary_key
    )
    return (
        f"INSERT INTO {table} ({columns}) VALUES {row_sql}"
        f" ON CONFLICT ({quote('node_id')}) DO UPDATE SET {updates}"
        f" WHERE {table}.{ts} < EXCLUDED.{ts}"
    )


def _values(model: type[Model], rows: list[Row]) -> list[Any]:
    """The parameters of ``rows`` of ``model``, row after row."""
    _columns_sql, _row_sql, adapters = _columns(model)
    return [adapt(row) for row in rows for adapt in adapters]


@cache
def _columns(model: type[Model]) -> tuple[str, str, tuple[Callable[[Row], Any], ...]]:
    """A model's column list, one row's placeholders, and its value adapters."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return columns, f"({', '.join(['%s'] * len(fields))})", tuple(map(_adapter, fields))


def _adapter(field: Any) -> Callable[[Row], Any]:
    """How one column's value goes to the database, without per-value dispatch."""
    attname = field.attname
    if isinstance(field, JSONField):
        return lambda row: connection.ops.adapt_json_value(row[attname], None)
    if isinstance(field, DateTimeField):
        return lambda row: connection.ops.adapt_datetimefield_value(row[attname])
    return lambda row: row[attname]


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _copy_to_staging(rows: list[Row]) -> None:
    """Streams a large batch into the session's staging table (PostgreSQL).

    The table empties itself at commit, so this runs inside the write's
    transaction.
    """
    columns, _row_sql, adapters = _columns(Sample)
    with connection.cursor() as cursor:
        _ensure_staging(cursor)
        with cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([adapt(row) for adapt in adapters])


# Driver connections that already hold the staging table.
_STAGED: weakref.WeakSet[Any] = weakref.WeakSet()


def _ensure_staging(cursor: Any) -> None:
    """Creates the session's staging table once per database connection.

    Persistent connections keep it between requests, so later batches skip a
    round trip. The mark is kept on the driver's connection, which a reconnect
    replaces, and set only when the creating transaction commits: a
    rolled-back CREATE leaves no table behind.
    """
    raw = connection.connection
    if raw in _STAGED:
        return
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING}"
        f" (LIKE {_table(Sample)}) ON COMMIT DELETE ROWS"
    )
    transaction.on_commit(lambda: _STAGED.add(raw))
