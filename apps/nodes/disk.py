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
from apps.samples.metrics import fullest_disk
from apps.samples.models import Resolution, Rollup

WINDOW = timedelta(hours=24)
MIN_HOURLY_BUCKETS = 6
# A node with fewer hourly buckets is new or was away most of the day; its
# 5-minute buckets of the last hours stand in. Six hours covers what such a
# node sent lately in ~70 rows; only such nodes read them.
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
    """The disk the newest sample's ``disk_percent`` comes from.

    An agent may leave out the byte counts: the disk is still the one the
    percent belongs to, it just cannot be turned into bytes.
    """

    mountpoint: str
    used_bytes: int | None
    free_bytes: int | None

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> FullestDisk | None:
        host = (data or {}).get("host") or {}
        disk = fullest_disk(host.get("disks"))
        if disk is None:
            return None
        return cls(
            mountpoint=disk.get("mountpoint") or "",
            used_bytes=disk.get("used_bytes"),
            free_bytes=disk.get("free_bytes"),
        )

    @property
    def usable_bytes(self) -> int | None:
        # psutil's percent is used / (used + free): the reserved blocks of
        # ext4 count in neither, so a point is a hundredth of used + free.
        if self.used_bytes is None or self.free_bytes is None:
            return None
        return self.used_bytes + self.free_bytes


@dataclass(frozen=True)
class DiskOutlook:
    """The fullest disk at the newest sample and where its trend leads."""

    percent: float
    points_per_day: float  # negative while the disk empties
    span: timedelta  # the history the line was fitted to
    ts: datetime  # the newest sample, where the forecast starts

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
    def level(self) -> str:
        days = self.days_left
        if days is None or days > WARNING_DAYS:
            return "ok"
        return "critical" if days <= CRITICAL_DAYS else "warning"


def bytes_per_day(
    outlook: DiskOutlook | None, disk: FullestDisk | None
) -> float | None:
    """The outlook's growth in bytes a day, when the disk reports its size."""
    usable = disk.usable_bytes if disk else None
    if outlook is None or usable is None:
        return None
    return outlook.points_per_day / 100 * usable


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
    )


def forecasts(
    nodes: Iterable[Node], now: datetime | None = None
) -> dict[int, DiskOutlook]:
    """Each node's outlook by node id, in two queries whatever their number.

    Nodes come with their ``state``. The second query, for 5-minute
    buckets, runs only when some node has too few hourly ones.
    """
    now = now or timezone.now()
    reporting = [node for node in nodes if getattr(node, "state", None) is not None]
    by_node = _buckets(reporting, Resolution.HOUR, now - WINDOW)
    short = [node for node in reporting if len(by_node[node.pk]) < MIN_HOURLY_BUCKETS]
    if short:
        recent = _buckets(short, Resolution.FIVE_MINUTES, now - FALLBACK_WINDOW)
        for node in short:
            by_node[node.pk] += recent[node.pk]

    found = {}
    for node in reporting:
        state = node.state
        result = outlook(by_node[node.pk], state.disk_percent, state.ts, now)
        if result is not None:
            found[node.pk] = result
    return found


def _buckets(
    nodes: list[Node], resolution: Resolution, since: datetime
) -> defaultdict[int, list[Bucket]]:
    """The nodes' disk buckets of one resolution newer than ``since``."""
    rows = (
        Rollup.objects.recent([node.pk for node in nodes], {resolution.value: since})
        .filter(disk_percent_avg__isnull=False)
        .values_list("node_id", "resolution", "bucket_start", "disk_percent_avg")
    )
    by_node: defaultdict[int, list[Bucket]] = defaultdict(list)
    for node_id, *bucket in rows:
        by_node[node_id].append(Bucket(*bucket))
    return by_node


def _chosen(buckets: Iterable[Bucket]) -> list[Bucket]:
    """The hourly buckets, or the 5-minute ones when a day holds too few hours."""
    ordered = sorted(buckets, key=lambda bucket: bucket.start)
    hourly = [bucket for bucket in ordered if bucket.resolution == Resolution.HOUR]
    if len(hourly) >= MIN_HOURLY_BUCKETS:
        return hourly
    return [
        bucket for bucket in ordered if bucket.resolution == Resolution.FIVE_MINUTES
    ]
