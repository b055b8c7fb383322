"""Time buckets: flooring in Python and in SQL, aligned on the Unix epoch (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


def floor(moment: datetime, seconds: int) -> datetime:
    """The start of the bucket holding ``moment``."""
    stamp = int(moment.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, UTC)


def ceil(moment: datetime, seconds: int) -> datetime:
    """The end of the bucket holding ``moment``, or ``moment`` on a boundary."""
    start = floor(moment, seconds)
    return start if start == moment else start + timedelta(seconds=seconds)


class Bucket(models.Func):
    """The start of the ``seconds``-long bucket holding a datetime column."""

    output_field = models.DateTimeField()

    def __init__(self, expression: Any, seconds: int) -> None:
        super().__init__(expression)
        self.seconds = int(seconds)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"date_bin(interval '{self.seconds} seconds', %(expressions)s, "
                "timestamptz '1970-01-01 00:00:00+00')"
            ),
            **extra,
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # SQLite keeps datetimes as UTC text; go through Unix seconds and back.
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"datetime(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
                f" / {self.seconds} * {self.seconds}, 'unixepoch')"
            ),
            **extra,
        )
