"""The read API of the node pages: a node's chart series at the right resolution.

Callers pass a ``Node`` they already found through ``Node.objects.for_user``;
nothing here checks tenancy again. Raw samples serve windows up to 24 hours,
5-minute rollups 7 days, hourly rollups longer ones, so a chart holds at most
about 2,000 points. The latest values of a node are ``node.state`` (a
``NodeState``, or ``NodeState.DoesNotExist`` before the first sample; use
``Node.objects.select_related("state")`` on lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from apps.nodes.models import Node
from apps.samples import buckets
from apps.samples.models import ROLLED_METRICS, Resolution, Rollup, Sample

RAW = "raw"
WINDOWS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
_RAW_UP_TO = timedelta(hours=24)
_FIVE_MINUTES_UP_TO = timedelta(days=7)


@dataclass(frozen=True)
class Series:
    """One node's chart points, column by column (the shape uPlot draws).

    ``ts[i]`` is a sample's own time (raw) or its bucket's start. For each
    metric of ``ROLLED_METRICS``, ``average[metric][i]`` is the sample's value
    or the bucket's mean, and ``minimum`` / ``maximum`` the bucket's extremes
    (equal to the value for raw points). Values are None where unknown. A gap
    in ``ts`` wider than ``step_seconds`` means no samples arrived then.
    """

    resolution: str
    step_seconds: int
    since: datetime
    until: datetime
    ts: list[datetime]
    average: dict[str, list[float | None]]
    minimum: dict[str, list[float | None]]
    maximum: dict[str, list[float | None]]
    sample_count: list[int]
    reachable: list[float]
    """Share of the point's samples whose cardano-node answered, 0 to 1."""

    def uplot(self, metric: str) -> list[list[float | None]]:
        """``[unix seconds, minimum, average, maximum]`` of one metric."""
        seconds: list[float | None] = [moment.timestamp() for moment in self.ts]
        return [
            seconds,
            self.minimum[metric],
            self.average[metric],
            self.maximum[metric],
        ]


def resolution_for(span: timedelta) -> str:
    """``"raw"`` up to 24 hours, ``"5m"`` up to 7 days, ``"1h"`` beyond."""
    if span <= _RAW_UP_TO:
        return RAW
    if span <= _FIVE_MINUTES_UP_TO:
        return Resolution.FIVE_MINUTES.value
    return Resolution.HOUR.value


def series(node: Node, window: str = "24h", now: datetime | None = None) -> Series:
    """The node's points over the last ``window`` (a key of ``WINDOWS``)."""
    span = WINDOWS[window]
    until = now or timezone.now()
    return series_between(node, until - span, until, resolution_for(span))


def series_between(
    node: Node, since: datetime, until: datetime, resolution: str
) -> Series:
    """The node's points with ``since <= ts < until`` at a given resolution."""
    if resolution == RAW:
        return _raw_series(node, since, until)
    return _rollup_series(node, since, until, Resolution(resolution))


def _raw_series(node: Node, since: datetime, until: datetime) -> Series:
    rows = Sample.objects.series(node, since, until).values_list(
        "ts", "node_reachable", *ROLLED_METRICS
    )
    columns = list(zip(*rows, strict=True)) or [()] * (2 + len(ROLLED_METRICS))
    values = {
        metric: _floats(column)
        for metric, column in zip(ROLLED_METRICS, columns[2:], strict=True)
    }
    return Series(
        resolution=RAW,
        step_seconds=node.interval_seconds,
        since=since,
        until=until,
        ts=list(columns[0]),
        average=values,
        minimum=values,
        maximum=values,
        sample_count=[1] * len(columns[0]),
        reachable=[1.0 if up else 0.0 for up in columns[1]],
    )


def _rollup_series(
    node: Node, since: datetime, until: datetime, resolution: Resolution
) -> Series:
    start = buckets.floor(since, resolution.seconds)
    rows = list(Rollup.objects.series(node, resolution, start, until))
    return Series(
        resolution=resolution.value,
        step_seconds=resolution.seconds,
        since=start,
        until=until,
        ts=[row.bucket_start for row in rows],
        average=_stat(rows, "avg"),
        minimum=_stat(rows, "min"),
        maximum=_stat(rows, "max"),
        sample_count=[row.sample_count for row in rows],
        reachable=[row.reachable_count / row.sample_count for row in rows],
    )


def _stat(rows: list[Rollup], stat: str) -> dict[str, list[float | None]]:
    return {
        metric: [getattr(row, f"{metric}_{stat}") for row in rows]
        for metric in ROLLED_METRICS
    }


def _floats(column: tuple[object, ...]) -> list[float | None]:
    return [None if value is None else float(value) for value in column]  # type: ignore[arg-type]
