"""Daily partitions of the samples table on PostgreSQL.

The table is ``PARTITION BY RANGE (ts)`` with a DEFAULT partition (made by the
first migration), so an insert never fails for want of a partition. A
periodic task creates the coming days' partitions ahead; retention drops
whole days, which frees the space at once and leaves no dead rows to vacuum.
Other databases have a plain table, and these functions do nothing there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction

PARENT = "samples_sample"
DEFAULT = "samples_sample_default"
_DAY_NAME = re.compile(rf"{PARENT}_p(\d{{8}})")


def enabled() -> bool:
    return connection.vendor == "postgresql"


def partition_name(day: date) -> str:
    return f"{PARENT}_p{day:%Y%m%d}"


def existing_days() -> list[date]:
    """The days that have a partition of their own, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " WHERE pg_inherits.inhparent = %s::regclass",
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    days = [_DAY_NAME.fullmatch(name) for name in names]
    return sorted(date.fromisoformat(m.group(1)) for m in days if m)


def ensure(days: Iterable[date]) -> list[date]:
    """Gives each day a partition; returns the days that were created."""
    if not enabled():
        return []
    missing = sorted(set(days) - set(existing_days()))
    for day in missing:
        _create(day)
    return missing


def drop_before(cutoff: datetime) -> list[date]:
    """Drops the partitions that hold only samples older than ``cutoff``."""
    if not enabled():
        return []
    expired = [day for day in existing_days() if _bound(day + timedelta(1)) <= cutoff]
    with transaction.atomic(), connection.cursor() as cursor:
        for day in expired:
            cursor.execute(f'DROP TABLE "{partition_name(day)}"')
        # Samples of days that never had a partition wait in the default one.
        cursor.execute(f'DELETE FROM "{DEFAULT}" WHERE ts < %s', [cutoff])
    return expired


def _create(day: date) -> None:
    """Creates a day's partition, moving in rows the default partition holds.

    Attaching a range while the default partition holds rows of it would
    fail, so the rows move in the same transaction.
    """
    name, low, high = partition_name(day), _literal(day), _literal(day + timedelta(1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE "{name}" (LIKE "{PARENT}" INCLUDING DEFAULTS'
            " INCLUDING CONSTRAINTS)"
        )
        cursor.execute(
            f'WITH moved AS (DELETE FROM "{DEFAULT}" WHERE ts >= {low}'
            f' AND ts < {high} RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
        )
        cursor.execute(
            f'ALTER TABLE "{PARENT}" ATTACH PARTITION "{name}"'
            f" FOR VALUES FROM ({low}) TO ({high})"
        )


def _bound(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _literal(day: date) -> str:
    # DDL takes no parameters; a date formats to digits and dashes only.
    return f"'{day:%Y-%m-%d} 00:00:00+00'"
