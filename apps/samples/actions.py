"""Storing samples, rolling them up, and forgetting them when they expire."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from apps.nodes.actions import AgentNode
from apps.nodes.models import Node
from apps.samples import buckets, partitions, storage
from apps.samples.metrics import typed_columns
from apps.samples.models import (
    METRIC_FIELDS,
    ROLLED_METRICS,
    Resolution,
    Rollup,
    Sample,
)
from apps.samples.producer import producer_columns
from apps.samples.protocol import IncomingSample

logger = logging.getLogger(__name__)

# The periodic rollup always recomputes this far back, for samples that came
# late but not late enough to be a backlog; a batch holding older samples
# asks for its own span to be rolled up instead.
RECENT_FIVE_MINUTES = timedelta(minutes=15)
BACKLOG_AGE = timedelta(minutes=10)
# A long roll-up (a catch-up after an outage) commits piece by piece, so no
# transaction holds days of buckets or the locks of every node, and a run
# cut short keeps what it wrote.
PIECE_SPAN = timedelta(hours=6)
PIECE_NODES = 100
PARTITION_DAYS_AHEAD = 3


class NodeGone(Exception):
    """The node was deleted while its agent's batch was on the way."""


@dataclass(frozen=True)
class Ack:
    """What one batch added: new samples, and samples already stored."""

    accepted: int
    duplicates: int


def store_samples(
    node: AgentNode, samples: Sequence[IncomingSample], now: datetime | None = None
) -> Ack:
    """Stores a batch once per (node, ts) and moves the node's latest state on.

    Atomic: what is acknowledged is committed. The insert skips samples
    already stored and the database says how many rows it added; the node's
    latest state only ever moves forward. Raises ``NodeGone`` when the node
    was deleted after its token was checked.
    """
    now = now or timezone.now()
    rows = _new_rows(node, samples, now)
    if not rows:
        return Ack(accepted=0, duplicates=0)

    try:
        accepted = storage.store(rows, _state(rows[-1], now))
    except IntegrityError:
        # The only reference the rows hold is their node: nothing was stored.
        if Node.objects.filter(pk=node.pk).exists():
            raise
        raise NodeGone(node.public_id) from None
    if accepted:
        _roll_up_backlog(node.pk, rows[0]["ts"], rows[-1]["ts"], now)
    return Ack(accepted=accepted, duplicates=len(samples) - accepted)


def _new_rows(
    node: AgentNode, samples: Sequence[IncomingSample], now: datetime
) -> list[storage.Row]:
    """One ``Sample`` row per ts (the first one wins, as for a repeated batch)."""
    first: dict[datetime, IncomingSample] = {}
    for sample in samples:
        first.setdefault(sample.ts, sample)
    return [
        {
            "node_id": node.pk,
            "ts": ts,
            "data": sample.data,
            "received_at": now,
            **typed_columns(sample.data, ts, node.network),
        }
        for ts, sample in sorted(first.items())
    ]


def _state(newest: storage.Row, now: datetime) -> storage.Row:
    """The node's ``NodeState`` row as the newest sample of a batch makes it."""
    metrics = {name: newest[name] for name in METRIC_FIELDS}
    return {
        "node_id": newest["node_id"],
        "ts": newest["ts"],
        "updated_at": now,
        **metrics,
        **producer_columns(newest["data"]),
    }


def _roll_up_backlog(
    node_id: int, oldest: datetime, newest: datetime, now: datetime
) -> None:
    if oldest >= now - BACKLOG_AGE:
        return
    from apps.samples.tasks import roll_up_node  # tasks import this module

    since, until = oldest.isoformat(), newest.isoformat()
    transaction.on_commit(lambda: roll_up_node.delay(node_id, since, until))


def roll_up(
    resolution: Resolution,
    since: datetime,
    until: datetime,
    node_ids: Iterable[int] | None = None,
) -> int:
    """Recomputes every bucket touching ``[since, until]``; returns the count.

    Whole buckets are recomputed from the raw samples and upserted, so a
    second run writes the same numbers. Nodes (all by default) go in groups,
    each oldest piece first, so a node's newest bucket tells how far it got.
    """
    seconds = resolution.seconds
    start = buckets.floor(since, seconds)
    end = buckets.ceil(until + timedelta(seconds=1), seconds)
    ids = list(node_ids if node_ids is not None else _all_node_ids())
    count = 0
    for first in range(0, len(ids), PIECE_NODES):
        group = ids[first : first + PIECE_NODES]
        for low in _piece_starts(start, end):
            high = min(low + PIECE_SPAN, end)
            count += _roll_up_piece(resolution, low, high, group)
    return count


def _all_node_ids() -> list[int]:
    return list(Node.objects.order_by("pk").values_list("pk", flat=True))


def _piece_starts(start: datetime, end: datetime) -> Iterator[datetime]:
    # PIECE_SPAN is whole hours, so cutting a span that starts on a bucket
    # boundary splits no bucket between two pieces.
    while start < end:
        yield start
        start += PIECE_SPAN


def _roll_up_piece(
    resolution: Resolution, start: datetime, end: datetime, node_ids: list[int]
) -> int:
    """Recomputes the nodes' buckets in ``[start, end)``, in one transaction."""
    with transaction.atomic():
        # Lock, then read: a roll-up that read before a batch committed and
        # wrote after that batch's own roll-up would leave the bucket short
        # for good. Waiting here for an earlier roll-up of the same nodes
        # makes each one read after the one before it committed, so the last
        # write holds every committed sample. (SQLite's IMMEDIATE
        # transactions already run one writer at a time.)
        _lock_nodes(node_ids)
        rows = _rollups(resolution, start, end, node_ids)
        _upsert(rows)
    return len(rows)


def _lock_nodes(node_ids: list[int]) -> None:
    # FOR NO KEY UPDATE holds off other roll-ups of these nodes and the rare
    # updates of a node's row (an edit, a refusal note), not the intake:
    # its inserts check their foreign key with FOR KEY SHARE. In id order,
    # so roll-ups locking several nodes cannot deadlock.
    nodes = Node.objects.filter(pk__in=node_ids).order_by("pk")
    list(nodes.select_for_update(no_key=True).values_list("pk", flat=True))


def _rollups(
    resolution: Resolution, start: datetime, end: datetime, node_ids: list[int]
) -> list[Rollup]:
    """The nodes' buckets of the samples with ``start <= ts < end``."""
    groups = (
        Sample.objects.filter(node_id__in=node_ids, ts__gte=start, ts__lt=end)
        .annotate(bucket=buckets.Bucket("ts", resolution.seconds))
        .values("node_id", "bucket")
        .annotate(**_aggregates())
        .order_by()
    )
    return [_rollup(resolution, group) for group in groups]


def _upsert(rows: list[Rollup]) -> None:
    Rollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["node", "resolution", "bucket_start"],
        update_fields=[*_rollup_value_fields(), "updated_at"],
    )


def roll_up_recent(now: datetime | None = None) -> int:
    """Rolls up every node's recent buckets, and what an outage left behind.

    The periodic task's work. A node whose newest sample has no bucket yet
    resumes from its newest bucket, so buckets missed while the worker or
    the scheduler was down get built, back to the oldest raw sample kept.
    Nodes resuming at the same moment are rolled up together, those up to
    date first: a long catch-up does not hold back their current buckets.
    """
    now = now or timezone.now()
    count = 0
    for resolution in Resolution:
        points = _resume_points(resolution, now)
        for since, node_ids in sorted(points.items(), reverse=True):
            count += roll_up(resolution, since, now, node_ids)
    return count


def _resume_points(resolution: Resolution, now: datetime) -> dict[datetime, list[int]]:
    """Where each node's roll-up starts, the nodes grouped by that moment.

    A mark per node, not one for all: after an outage a backlog task may
    roll one node up to the present first, and a newest bucket over all
    nodes would then skip the others' gap. Per node it costs one probe of
    the unique (node, resolution, bucket_start) index and its state row.
    """
    recent = _recent_start(resolution, now)
    oldest = now - timedelta(days=settings.SAMPLES_RAW_RETENTION_DAYS)
    newest_bucket = (
        Rollup.objects.filter(node=OuterRef("pk"), resolution=resolution)
        .order_by("-bucket_start")
        .values("bucket_start")[:1]
    )
    nodes = (
        Node.objects.order_by("pk")
        .annotate(last_bucket=Subquery(newest_bucket))
        .values_list("pk", "last_bucket", "state__ts")
    )
    points: dict[datetime, list[int]] = defaultdict(list)
    for node_id, last_bucket, newest_sample in nodes:
        behind = _behind(resolution, last_bucket, newest_sample, oldest)
        since = recent if behind is None else max(min(behind, recent), oldest)
        points[since].append(node_id)
    return points


def _recent_start(resolution: Resolution, now: datetime) -> datetime:
    if resolution is Resolution.FIVE_MINUTES:
        return now - RECENT_FIVE_MINUTES
    return buckets.floor(now, resolution.seconds) - timedelta(hours=1)


def _behind(
    resolution: Resolution,
    last_bucket: datetime | None,
    newest_sample: datetime | None,
    oldest: datetime,
) -> datetime | None:
    """Where a node's roll-up got to, or None if its newest sample has a bucket."""
    if newest_sample is None or newest_sample < oldest:
        return None
    if last_bucket is None:
        return oldest
    if last_bucket >= buckets.floor(newest_sample, resolution.seconds):
        return None
    return last_bucket


def roll_up_span(node_id: int, since: datetime, until: datetime) -> int:
    """Recomputes one node's buckets over a span, after a backlog arrived."""
    return sum(
        roll_up(resolution, since, until, [node_id]) for resolution in Resolution
    )


def _aggregates() -> dict[str, Any]:
    aggregates: dict[str, Any] = {
        "sample_count": Count("ts"),
        "reachable_count": Count("ts", filter=Q(node_reachable=True)),
    }
    for metric in ROLLED_METRICS:
        aggregates[f"{metric}_min"] = Min(metric)
        aggregates[f"{metric}_avg"] = Avg(metric)
        aggregates[f"{metric}_max"] = Max(metric)
    return aggregates


def _rollup_value_fields() -> list[str]:
    return list(_aggregates())


def _rollup(resolution: Resolution, group: dict[str, Any]) -> Rollup:
    values = {name: group[name] for name in _rollup_value_fields()}
    return Rollup(
        node_id=group["node_id"],
        resolution=resolution,
        bucket_start=group["bucket"],
        **values,
    )


def drop_expired(now: datetime | None = None) -> dict[str, int]:
    """Forgets raw samples and rollups past their retention; says how many."""
    now = now or timezone.now()
    raw_cutoff = now - timedelta(days=settings.SAMPLES_RAW_RETENTION_DAYS)
    dropped_days = partitions.drop_before(raw_cutoff)
    # On PostgreSQL rows of a partly expired day wait for the whole day to be
    # dropped; elsewhere rows are deleted one by one.
    raw, _detail = (
        (0, {})
        if partitions.enabled()
        else Sample.objects.filter(ts__lt=raw_cutoff).delete()
    )
    # Both resolutions are kept as long: the product promises min, avg and
    # max at 5 minutes and by the hour for the whole rollup retention.
    rollup_cutoff = now - timedelta(days=settings.SAMPLES_ROLLUP_RETENTION_DAYS)
    counts = {
        "raw_samples": raw,
        "raw_partitions": len(dropped_days),
        "rollups_5m": _delete_rollups(Resolution.FIVE_MINUTES, rollup_cutoff),
        "rollups_1h": _delete_rollups(Resolution.HOUR, rollup_cutoff),
    }
    logger.info("Expired samples dropped", extra=counts)
    return counts


def _delete_rollups(resolution: Resolution, cutoff: datetime) -> int:
    deleted, _detail = Rollup.objects.filter(
        resolution=resolution, bucket_start__lt=cutoff
    ).delete()
    return deleted


def prepare_partitions(now: datetime | None = None) -> list[date]:
    """Creates the partitions of yesterday, today and the next days, if missing."""
    today = (now or timezone.now()).date()
    days = [today + timedelta(days=n) for n in range(-1, PARTITION_DAYS_AHEAD + 1)]
    return partitions.ensure(days)
