from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.nodes.models import Node
from apps.organizations.models import TenantQuerySet

# The typed metrics a rollup summarises as min / avg / max, in chart order.
ROLLED_METRICS = (
    "cpu_percent",
    "load_1m",
    "memory_percent",
    "swap_percent",
    "disk_percent",
    "tip_lag_slots",
    "peers_in",
    "peers_out",
    "mempool_txs",
    "mempool_bytes",
    "kes_remaining_periods",
    "slots_missed",
)


class Metrics(models.Model):
    """The typed fields every page and rollup reads; the full sample stays in ``data``.

    Abstract: shared by raw samples and by each node's latest state. Integer
    columns are 64-bit because the intake accepts any count up to 2**53.
    """

    cpu_percent = models.FloatField(null=True)
    load_1m = models.FloatField(null=True)
    memory_percent = models.FloatField(null=True)
    swap_percent = models.FloatField(null=True)
    disk_percent = models.FloatField(null=True, help_text=_("the fullest disk"))
    node_reachable = models.BooleanField(default=False)
    node_version = models.CharField(max_length=32, blank=True)
    tip_slot = models.BigIntegerField(null=True)
    block_height = models.BigIntegerField(null=True)
    epoch = models.BigIntegerField(null=True)
    tip_lag_slots = models.BigIntegerField(
        null=True, help_text=_("slot of the sample's time minus the node's tip slot")
    )
    peers_in = models.BigIntegerField(
        null=True, help_text=_("node.conns_inbound, else host.tcp.node_in")
    )
    peers_out = models.BigIntegerField(
        null=True, help_text=_("node.conns_outbound, else host.tcp.node_out")
    )
    kes_remaining_periods = models.BigIntegerField(null=True)
    slots_missed = models.BigIntegerField(null=True)
    mempool_txs = models.BigIntegerField(null=True)
    mempool_bytes = models.BigIntegerField(null=True)
    data = models.JSONField(
        default=dict, help_text=_("the sample as the agent sent it")
    )

    class Meta:
        abstract = True


METRIC_FIELDS = tuple(field.name for field in Metrics._meta.local_fields)
"""The names of the fields ``Metrics`` adds, ``data`` included."""


class SampleQuerySet(TenantQuerySet):
    organization_field = "node__organization"

    def series(self, node: Node, since: datetime, until: datetime) -> Self:
        """A node's samples with ``since <= ts < until``, oldest first."""
        return self.filter(node=node, ts__gte=since, ts__lt=until).order_by("ts")


class Sample(Metrics):
    """One raw sample of one node at one second, kept for the raw retention period.

    (node, ts) is the primary key, so a batch the agent sends twice is stored
    once. On PostgreSQL the table is partitioned by day on ``ts`` (see
    ``partitions.py``): retention drops whole partitions instead of deleting
    rows, and a partitioned table's key must contain the partition column.
    """

    pk = models.CompositePrimaryKey("node", "ts")
    # No index of its own: the primary key (node, ts) serves every lookup by
    # node, including a node's charts.
    node = models.ForeignKey(
        Node, on_delete=models.CASCADE, related_name="samples", db_index=False
    )
    ts = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["node", "ts"]

    def __str__(self) -> str:
        return f"{self.node_id} at {self.ts:%Y-%m-%d %H:%M:%S}"


class NodeStateQuerySet(TenantQuerySet):
    organization_field = "node__organization"


class NodeState(Metrics):
    """The newest sample of each node, kept apart so overview pages read one row.

    Only a sample newer than ``ts`` replaces it, so a backlog sent after an
    outage never moves it back in time. Beyond the shared metrics it keeps
    the producer's forging and op-cert values (``producer.py``), so the
    overview can tell a producer that cannot make blocks without loading
    ``data``; raw samples do not need them.
    """

    node = models.OneToOneField(
        Node, on_delete=models.CASCADE, related_name="state", primary_key=True
    )
    ts = models.DateTimeField()
    forging_enabled = models.BooleanField(null=True)
    could_not_forge = models.BigIntegerField(
        null=True, help_text=_("leader slots not forged in since the node started")
    )
    opcert_counter = models.BigIntegerField(
        null=True, help_text=_("the counter of the op-cert on disk")
    )
    opcert_counter_on_chain = models.BigIntegerField(
        null=True, help_text=_("the counter the chain last saw from the pool")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = NodeStateQuerySet.as_manager()

    class Meta:
        ordering = ["node"]

    def __str__(self) -> str:
        return f"{self.node_id} at {self.ts:%Y-%m-%d %H:%M:%S}"


class Resolution(models.TextChoices):
    FIVE_MINUTES = "5m", _("5 minutes")
    HOUR = "1h", _("1 hour")

    @property
    def seconds(self) -> int:
        return 300 if self is Resolution.FIVE_MINUTES else 3600


class RollupQuerySet(TenantQuerySet):
    organization_field = "node__organization"

    def series(
        self, node: Node, resolution: str, since: datetime, until: datetime
    ) -> Self:
        """A node's buckets starting in ``[since, until)``, oldest first."""
        return self.filter(
            node=node,
            resolution=resolution,
            bucket_start__gte=since,
            bucket_start__lt=until,
        ).order_by("bucket_start")

    def recent(self, node_ids: Iterable[int], since: Mapping[str, datetime]) -> Self:
        """Several nodes' buckets newer than each resolution's own cutoff.

        One query for a whole list of nodes, oldest first within each node
        and resolution; the unique (node, resolution, bucket_start) index
        serves each branch of the condition.
        """
        newer = Q()
        for resolution, cutoff in since.items():
            newer |= Q(resolution=resolution, bucket_start__gte=cutoff)
        return self.filter(newer, node_id__in=list(node_ids)).order_by(
            "node_id", "resolution", "bucket_start"
        )


class Rollup(models.Model):
    """Min, average and max of the typed metrics over a 5-minute or hourly bucket.

    Built from raw samples by tasks that recompute whole buckets and upsert
    them, so running one twice gives the same rows. ``reachable_count`` counts
    the samples whose node answered, for uptime over long windows. Every
    ``<metric>_min`` / ``_avg`` / ``_max`` column of ``ROLLED_METRICS`` exists.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="rollups")
    resolution = models.CharField(max_length=4, choices=Resolution.choices)
    bucket_start = models.DateTimeField()
    sample_count = models.PositiveIntegerField()
    reachable_count = models.PositiveIntegerField(default=0)
    cpu_percent_min = models.FloatField(null=True)
    cpu_percent_avg = models.FloatField(null=True)
    cpu_percent_max = models.FloatField(null=True)
    load_1m_min = models.FloatField(null=True)
    load_1m_avg = models.FloatField(null=True)
    load_1m_max = models.FloatField(null=True)
    memory_percent_min = models.FloatField(null=True)
    memory_percent_avg = models.FloatField(null=True)
    memory_percent_max = models.FloatField(null=True)
    swap_percent_min = models.FloatField(null=True)
    swap_percent_avg = models.FloatField(null=True)
    swap_percent_max = models.FloatField(null=True)
    disk_percent_min = models.FloatField(null=True)
    disk_percent_avg = models.FloatField(null=True)
    disk_percent_max = models.FloatField(null=True)
    tip_lag_slots_min = models.FloatField(null=True)
    tip_lag_slots_avg = models.FloatField(null=True)
    tip_lag_slots_max = models.FloatField(null=True)
    peers_in_min = models.FloatField(null=True)
    peers_in_avg = models.FloatField(null=True)
    peers_in_max = models.FloatField(null=True)
    peers_out_min = models.FloatField(null=True)
    peers_out_avg = models.FloatField(null=True)
    peers_out_max = models.FloatField(null=True)
    mempool_txs_min = models.FloatField(null=True)
    mempool_txs_avg = models.FloatField(null=True)
    mempool_txs_max = models.FloatField(null=True)
    mempool_bytes_min = models.FloatField(null=True)
    mempool_bytes_avg = models.FloatField(null=True)
    mempool_bytes_max = models.FloatField(null=True)
    kes_remaining_periods_min = models.FloatField(null=True)
    kes_remaining_periods_avg = models.FloatField(null=True)
    kes_remaining_periods_max = models.FloatField(null=True)
    slots_missed_min = models.FloatField(null=True)
    slots_missed_avg = models.FloatField(null=True)
    slots_missed_max = models.FloatField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RollupQuerySet.as_manager()

    class Meta:
        ordering = ["node", "resolution", "bucket_start"]
        constraints = [
            # Also the index for charts over 7 and 30 days: node, resolution,
            # then a range of bucket_start.
            models.UniqueConstraint(
                fields=["node", "resolution", "bucket_start"],
                name="rollup_bucket_unique",
            )
        ]
        indexes = [
            # Retention deletes a resolution's buckets older than a cutoff.
            models.Index(fields=["resolution", "bucket_start"], name="rollup_age"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.resolution} {self.bucket_start:%Y-%m-%d %H:%M}"
