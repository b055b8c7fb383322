"""How fast each node's fullest disk fills, and when it will be full.

A least-squares line through the hourly averages of the last day gives the
growth rate in percentage points a day; the newest sample's figure, run
forward at that rate, gives the time to full. A day smooths out the swings
of ledger snapshots and log rotation yet still follows a resync or a
runaway log within hours. The samples' ``disk_percent`` is the fullest disk
at each moment, so the trend follows whichever disk is closest to full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.utils import timezone

from apps.nodes.models import Node
from apps.samples.models import Resolution, Rollup

WINDOW = timedelta(hours=24)
MIN_HOURLY_BUCKETS = 6
# A node with fewer hourly buckets is new or was away most of the day; its
# 5-minute buckets of the last hours stand in. Six hours covers what such a
# node sent lately and keeps the overview's query at ~100 rows a node.
FALLBACK_WINDOW = timedelta(hours=6)
# Two points two minutes apart make a line too; a trend needs some hours.
MIN_SPAN = timedelta(hours=2)
# The agent reports percent to a tenth of a point; hourly averages of that
# scatter by a few hundredths, which tilts a day's fit by about as much per
# day. Below 0.05 points a day even an empty disk would last over five years:
# noise, or a forecast nobody acts on, so it reads as steady.
MIN_GROWTH_PER_DAY = 0.05
WARNING_DAYS = 7
CRITICAL_DAYS = 2


@dataclass(frozen=True)
class FullestDisk:
    """The newest sample's fullest disk, for turning points into bytes."""

    mountpoint: str
    used_bytes: int
    free_bytes: int

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> FullestDisk | None:
        """The entry of ``data["host"]["disks"]`` with the highest percent."""
        host = (data or {}).get("host") or {}
        disks = [
            disk
            for disk in host.get("disks") or []
            if isinstance(disk, dict)
            and disk.get("percent") is not None
            and disk.get("used_bytes") is not None
            and disk.get("free_bytes") is not None
        ]
        if not disks:
            return None
        fullest = max(disks, key=lambda disk: disk["percent"])
        return cls(
            mountpoint=fullest.get("mountpoint") or "",
            used_bytes=int(fullest["used_bytes"]),
            free_bytes=int(fullest["free_bytes"]),
        )


@dataclass(frozen=True)
class DiskOutlook:
    """The fullest disk at the newest sample and where its trend leads."""

    percent: float
    points_per_day: float  # negative while the disk empties
    span: timedelta  # the history the line was fitted to
    ts: datetime  # the newest sample, where the forecast starts
    disk: FullestDisk | None = None

    @property
    def growing(self) -> bool:
        return self.points_per_day > MIN_GROWTH_PER_DAY

    @property
    def shrinking(self) -> bool:
        return self.points_per_day < -MIN_GROWTH_PER_DAY

    @property
    def days_left(self) -> float | None:
        if not self.growing:
            return None
        return max(0.0, 100 - self.percent) / self.points_per_day

    @property
    def time_left(self) -> timedelta | None:
        days = self.days_left
        return None if days is None else timedelta(days=days)

    @property
    def full_at(self) -> datetime | None:
        left = self.time_left
        return None if left is None else self.ts + left

    @property
    def bytes_per_day(self) -> float | None:
        # psutil's percent is used / (used + free): the reserved blocks of
        # ext4 count in neither, so a point is a hundredth of used + free.
        if self.disk is None:
            return None
        usable = self.disk.used_bytes + self.disk.free_bytes
        return self.points_per_day / 100 * usable

    @property
    def bytes_left(self) -> int | None:
        return None if self.disk is None else self.disk.free_bytes

    @property
    def level(self) -> str:
        days = self.days_left
        if days is None or days > WARNING_DAYS:
            return "ok"
        return "critical" if days <= CRITICAL_DAYS else "warning"


def slope(points: Sequence[tuple[float, float]]) -> float:
    """The least-squares slope of y against x; needs two distinct x."""
    count = len(points)
    mean_x = sum(x for x, _y in points) / count
    mean_y = sum(y for _x, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _y in points)
    together = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return together / spread


class Bucket(NamedTuple):
    """A rollup bucket's disk average, as ``forecasts`` reads it."""

    resolution: str
    start: datetime
    value: float

    def end(self, now: datetime) -> datetime:
        return min(self.start + timedelta(seconds=self.seconds), now)

    def middle(self, now: datetime) -> float:
        """Unix seconds halfway through the bucket, or through its part so far.

        The bucket still filling holds samples up to now only: its average
        belongs to the middle of that stretch, not of the whole hour.
        """
        return (self.start.timestamp() + self.end(now).timestamp()) / 2

    @property
    def seconds(self) -> int:
        return Resolution(self.resolution).seconds


def outlook(
    buckets: Iterable[Bucket],
    percent: float | None,
    ts: datetime | None,
    now: datetime,
    disk: FullestDisk | None = None,
) -> DiskOutlook | None:
    """The outlook from a node's recent buckets and its newest sample.

    None without a disk figure in the newest sample, or with under
    ``MIN_SPAN`` of history: a trend over minutes would be noise.
    """
    chosen = _chosen(buckets)
    if percent is None or ts is None or not chosen:
        return None
    span = chosen[-1].end(now) - chosen[0].start
    if span < MIN_SPAN:
        return None

    per_second = slope([(bucket.middle(now), bucket.value) for bucket in chosen])
    return DiskOutlook(
        percent=percent,
        points_per_day=per_second * 86_400,
        span=span,
        ts=ts,
        disk=disk,
    )


def forecasts(
    nodes: Iterable[Node], now: datetime | None = None, *, with_bytes: bool = False
) -> dict[int, DiskOutlook]:
    """Each node's outlook by node id, read in one query whatever their number.

    Nodes come with their ``state``. Bytes need the newest sample's JSON,
    which the overview leaves unread: it asks for percentages only.
    """
    now = now or timezone.now()
    nodes = list(nodes)
    since = {
        Resolution.HOUR.value: now - WINDOW,
        Resolution.FIVE_MINUTES.value: now - FALLBACK_WINDOW,
    }
    rows = (
        Rollup.objects.recent([node.pk for node in nodes], since)
        .filter(disk_percent_avg__isnull=False)
        .values_list("node_id", "resolution", "bucket_start", "disk_percent_avg")
    )
    by_node: dict[int, list[Bucket]] = defaultdict(list)
    for node_id, *bucket in rows:
        by_node[node_id].append(Bucket(*bucket))

    found = {}
    for node in nodes:
        state = getattr(node, "state", None)
        if state is None:
            continue
        disk = FullestDisk.of(state.data) if with_bytes else None
        result = outlook(by_node[node.pk], state.disk_percent, state.ts, now, disk)
        if result is not None:
            found[node.pk] = result
    return found


def _chosen(buckets: Iterable[Bucket]) -> list[Bucket]:
    """The hourly buckets, or the 5-minute ones when a day holds too few hours."""
    ordered = sorted(buckets, key=lambda bucket: bucket.start)
    hourly = [bucket for bucket in ordered if bucket.resolution == Resolution.HOUR]
    if len(hourly) >= MIN_HOURLY_BUCKETS:
        return hourly
    return [
        bucket for bucket in ordered if bucket.resolution == Resolution.FIVE_MINUTES
    ]
