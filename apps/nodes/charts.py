"""The series behind a node's charts, for one time range.

Each range reads the finest data the retention policy keeps for it: raw
samples up to a day, 5-minute rollups for a week, hourly ones for a month.
A hole in the data becomes an explicit null so the chart draws a gap
instead of a straight line across an outage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from apps.nodes.models import Node
from apps.samples.models import Resolution, Rollup, Sample

RAW = "raw"

# Column names of the JSON, in the order ``read_points`` returns them.
SERIES = (
    "cpu",
    "memory",
    "disk",
    "tip_lag",
    "peers_in",
    "peers_out",
    "missed",
    "mempool",
)

# Rollups keep min/avg/max; a chart shows the average of what fluctuates and
# the worst of what alarms (disk, tip lag).
_SAMPLE_FIELDS = (
    "ts",
    "cpu_percent",
    "memory_percent",
    "disk_percent",
    "tip_lag_slots",
    "peers_in",
    "peers_out",
    "slots_missed",
    "mempool_txs",
)
_ROLLUP_FIELDS = (
    "bucket_start",
    "cpu_percent_avg",
    "memory_percent_avg",
    "disk_percent_max",
    "tip_lag_slots_max",
    "peers_in_avg",
    "peers_out_avg",
    "slots_missed_max",
    "mempool_txs_avg",
)


@dataclass(frozen=True)
class Window:
    span: timedelta
    resolution: str
    label: StrOrPromise  # completes "over the last …"


RANGES = {
    "1h": Window(timedelta(hours=1), RAW, _("hour")),
    "24h": Window(timedelta(hours=24), RAW, _("24 hours")),
    "7d": Window(timedelta(days=7), Resolution.FIVE_MINUTES.value, _("7 days")),
    "30d": Window(timedelta(days=30), Resolution.HOUR.value, _("30 days")),
}
DEFAULT_RANGE = "24h"


class Epoch(models.Func):
    """Unix seconds of a datetime column, computed by the database.

    Turning a day of timestamps into Python datetimes costs more than the
    query that reads them; integers come back as they are.
    """

    output_field = models.BigIntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        template = "EXTRACT(EPOCH FROM %(expressions)s)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # SQLite keeps datetimes as UTC text.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


class Tenth(models.Func):
    """A float rounded to one decimal by the database, still a float.

    Averages have sixteen digits a chart never shows; rounding them here
    keeps the JSON short without a Python loop over every value. (Float
    arithmetic: PostgreSQL's two-argument round goes through numeric, which
    costs more than the query itself.)
    """

    template = "ROUND((%(expressions)s) * 10) / 10"
    output_field = models.FloatField()


def read_points(
    node: Node, resolution: str, since: datetime, until: datetime
) -> list[tuple[Any, ...]]:
    """Rows of (Unix seconds, *SERIES) in ``[since, until)``, oldest first.

    The one place that reads the samples app's tables; only the typed
    columns are selected, never the stored JSON of each sample.
    """
    if resolution == RAW:
        samples = Sample.objects.series(node, since, until)
        samples = samples.annotate(unix_time=Epoch("ts"))
        return _rows(samples.values_list("unix_time", *_SAMPLE_FIELDS[1:]))
    rollups = Rollup.objects.series(node, resolution, since, until)
    rounded = {f"{field}_tenth": Tenth(field) for field in _ROLLUP_FIELDS[1:]}
    rollups = rollups.annotate(unix_time=Epoch("bucket_start"), **rounded)
    return _rows(rollups.values_list("unix_time", *rounded))


def _rows(queryset: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    # Straight from the cursor: these columns are plain numbers, and Django's
    # per-value converters would cost more than the query on a day of samples.
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def chart_data(node: Node, range_key: str, now: datetime | None = None) -> dict:
    """The JSON a node page's charts draw: aligned columns, gaps as nulls."""
    now = now or timezone.now()
    window = RANGES[range_key]
    start = now - window.span
    step = (
        node.interval_seconds
        if window.resolution == RAW
        else Resolution(window.resolution).seconds
    )
    points = read_points(node, window.resolution, start, now + timedelta(seconds=1))

    # Transposing with zip runs in C; a day of raw samples is 23,000 numbers.
    times, *columns = [list(column) for column in zip(*points, strict=True)] or [
        [] for _column in range(len(SERIES) + 1)
    ]
    columns[SERIES.index("missed")] = increases(columns[SERIES.index("missed")])
    times, columns = with_gaps(times, columns, _gap_after(node, window.resolution))
    return {
        "range": range_key,
        "resolution": window.resolution,
        "step": step,
        "from": int(start.timestamp()),
        "to": int(now.timestamp()),
        "t": times,
        "series": dict(zip(SERIES, columns, strict=True)),
    }


def increases(counter: Sequence[float | None]) -> list[float | None]:
    """Per-point increase of a counter that restarts from zero with the node."""
    result: list[float | None] = []
    previous = None
    for value in counter:
        if value is None or previous is None:
            result.append(None)
        else:
            result.append(value - previous if value >= previous else value)
        previous = value if value is not None else previous
    return result


def with_gaps(
    times: list[int], columns: list[list[Any]], gap_after: int
) -> tuple[list[int], list[list[Any]]]:
    """Inserts a null point wherever consecutive points are too far apart."""
    breaks = [
        index
        for index in range(1, len(times))
        if times[index] - times[index - 1] > gap_after
    ]
    if not breaks:
        return times, columns

    # From the last break back, so earlier indexes stay valid.
    for index in reversed(breaks):
        times.insert(index, times[index - 1] + 1)
        for column in columns:
            column.insert(index, None)
    return times, columns


def _gap_after(node: Node, resolution: str) -> int:
    # Raw samples may be as far apart as the node's own grace allows before
    # it counts as late; a rollup bucket may simply be missing once.
    if resolution == RAW:
        return node.interval_seconds + node.grace_seconds
    return 2 * Resolution(resolution).seconds
