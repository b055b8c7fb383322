"""What a node's latest sample says, in the terms the pages show.

The pages read one row per node (``NodeState``, the newest sample) and derive
the rest here: status, KES outlook, forge counters, version status, severity
order. The disk outlook comes from recent rollups (``disk.py``) and is handed
in. Nothing here queries the database except ``overview``, which reads every
node of an organization with its state in one query and their disk trends in
one or two more (hourly, then 5-minute for new nodes), whatever their number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.networks.constants import params
from apps.networks.slots import datetime_to_slot, kes_expiry
from apps.nodes.disk import DiskOutlook, FullestDisk, forecasts
from apps.nodes.forging import ForgeCounters
from apps.nodes.models import Node, NodeRole, NodeStatus
from apps.nodes.opcert import OpcertCounter, check_error
from apps.nodes.releases import VersionLevel, VersionStatus, version_status
from apps.organizations.models import Organization

# gLiveView's thresholds: ≤ 8 periods (12 days on mainnet) is a warning, 0 critical.
KES_WARNING_PERIODS = 8

# Out of sync from this many slots behind the wall-clock slot, as the pages say.
SYNC_WARNING_SLOTS = 40
LEVELS = ("ok", "warning", "critical")

# Problems first: down, late, then nodes that are up but need attention (the
# worst first), then those still waiting for a first sample, then the rest.
SEVERITY = {
    NodeStatus.DOWN: 0,
    NodeStatus.LATE: 1,
    NodeStatus.NEW: 4,
    NodeStatus.UP: 5,
}
ATTENTION_SEVERITY = {"critical": 2, "warning": 3}


_VERSION_LEVELS = {
    VersionLevel.BELOW_MINIMUM: "critical",
    VersionLevel.OUTDATED: "warning",
}


class ForgeProblem(models.TextChoices):
    """Why a block producer cannot make blocks; each one is critical."""

    FORGING_OFF = "forging_off", _("forging off")
    COULD_NOT_FORGE = "could_not_forge", _("could not forge")
    OPCERT_REJECTED = "opcert_rejected", _("op-cert rejected")

    @property
    def explanation(self) -> str:
        """What the badge means, for its tooltip."""
        return str(_FORGE_PROBLEM_EXPLANATIONS[self])


_FORGE_PROBLEM_EXPLANATIONS = {
    ForgeProblem.FORGING_OFF: _(
        "The node does not try to forge: it makes no blocks. See its node page."
    ),
    # The node counts these from its start: the badge stays until a restart.
    ForgeProblem.COULD_NOT_FORGE: _(
        "Since the node started, it was leader in a slot it could not forge in."
        " See its node page; the count starts again when the node restarts."
    ),
    ForgeProblem.OPCERT_REJECTED: _(
        "The chain would refuse blocks made with this op-cert. See its node page."
    ),
}


@dataclass(frozen=True)
class KesOutlook:
    """A KES key's outlook at a moment: whole periods and days left, expiry.

    ``remaining_periods`` counts at that moment, not at the sample: the
    sample's count less the periods that began since. The level follows it,
    so a producer silent since its key ran out shows expired, not its last
    report's figure.
    """

    remaining_periods: int
    days_left: float
    expires_at: datetime

    @property
    def level(self) -> str:
        if self.remaining_periods <= 0:
            return "critical"
        if self.remaining_periods <= KES_WARNING_PERIODS:
            return "warning"
        return "ok"


def kes_outlook(
    network: str,
    remaining_periods: int | None,
    ts: datetime | None,
    now: datetime | None = None,
) -> KesOutlook | None:
    """KES days left and expiry for a block producer's sample, else None.

    The expiry subtracts the part of the current period already used, taken
    at the wall-clock slot of the sample's own time: that is the slot the
    node's KES period follows, even when its tip lags. Days and periods left
    run from ``now`` (the sample's time when not given) to that expiry, so a
    node that stopped reporting days ago does not keep its old figure.

    A count above what any key can hold is a broken report, not an outlook:
    it gives None rather than a date centuries away (or past year 9999).
    """
    if remaining_periods is None or ts is None:
        return None
    p = params(network)
    if remaining_periods > p.max_kes_evolutions:
        return None

    remaining = max(0, remaining_periods)
    slot = datetime_to_slot(network, ts)
    expires_at = kes_expiry(network, slot, remaining, ts)
    left = expires_at - (now or ts)
    # The expiry falls on a period boundary, so the periods left at ``now``
    # are the time left in whole periods, rounded up; never more than the
    # sample said, should ``now`` come before it.
    period = p.slots_per_kes_period * p.slot_length
    periods_left = max(0, -(-left // period))
    return KesOutlook(
        remaining_periods=min(remaining, periods_left),
        days_left=max(0.0, left / timedelta(days=1)),
        expires_at=expires_at,
    )


@dataclass(frozen=True)
class AgentDelivery:
    """How the agent's spool stands, as its newest sample reports it.

    ``dropped`` and ``rejected`` are the agent's lifetime counts: samples it
    threw away because its spool was full, and samples the service refused.
    """

    waiting: int
    dropped: int
    rejected: int

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> AgentDelivery | None:
        agent = (data or {}).get("agent")
        if not isinstance(agent, dict):
            return None
        return cls(
            waiting=agent.get("spooled") or 0,
            dropped=agent.get("dropped_samples") or 0,
            rejected=agent.get("rejected_samples") or 0,
        )

    @property
    def lost(self) -> bool:
        return bool(self.dropped or self.rejected)


@dataclass(frozen=True)
class NodeHealth:
    """A node with its newest sample and what follows from it at ``now``.

    What is derived is computed once per row: the overview sorts, counts and
    renders by the same judgements.
    """

    node: Node
    state: Any  # apps.samples.models.NodeState, or None before the first sample
    status: NodeStatus
    now: datetime
    disk: DiskOutlook | None = None

    @classmethod
    def of(
        cls,
        node: Node,
        now: datetime | None = None,
        disk: DiskOutlook | None = None,
    ) -> NodeHealth:
        now = now or timezone.now()
        # A missing reverse one-to-one raises an AttributeError subclass.
        state = getattr(node, "state", None)
        return cls(node=node, state=state, status=node.status(now), now=now, disk=disk)

    @property
    def severity(self) -> int:
        if self.status == NodeStatus.UP and self.attention != "ok":
            return ATTENTION_SEVERITY[self.attention]
        return SEVERITY[self.status]

    @cached_property
    def attention(self) -> str:
        """The worst of what the newest sample says, "ok" when nothing does.

        Only what the overview shows counts: sync, KES, disk, version, and a
        producer that cannot make blocks. A block lost in a slot battle or a
        failed op-cert check shows on the node page only: lists do not load
        the sample's JSON.
        """
        if self.state is None:
            return "ok"
        found = [
            self.sync_level,
            self.kes.level if self.kes else "ok",
            self.disk.level if self.disk else "ok",
            _VERSION_LEVELS.get(self.version_status.level, "ok"),
            "critical" if self.forge_problem else "ok",
        ]
        return max(found, key=LEVELS.index)

    @property
    def sync_level(self) -> str:
        """critical when the node's metrics are unreachable, warning when behind."""
        if self.state is None:
            return "ok"
        if not self.state.node_reachable:
            return "critical"
        if (self.state.tip_lag_slots or 0) >= SYNC_WARNING_SLOTS:
            return "warning"
        return "ok"

    @property
    def sync_warning_slots(self) -> int:
        """The slots behind from which a node is out of sync, for the pages."""
        return SYNC_WARNING_SLOTS

    @cached_property
    def forge_problem(self) -> ForgeProblem | None:
        """Why a block producer cannot make blocks, None when nothing says so.

        Judged as the node page judges the sample's JSON, but from the state
        row's own columns, which the overview loads: forging off, a leader
        slot the node could not forge in since it started, or an op-cert
        counter the chain refuses.
        """
        state = self.state
        if state is None or not self.is_block_producer:
            return None
        if state.forging_enabled is False:
            return ForgeProblem.FORGING_OFF
        if (state.could_not_forge or 0) > 0:
            return ForgeProblem.COULD_NOT_FORGE
        opcert = OpcertCounter.of(
            {
                "opcert_counter": state.opcert_counter,
                "opcert_counter_on_chain": state.opcert_counter_on_chain,
            }
        )
        if opcert is not None and opcert.level == "critical":
            return ForgeProblem.OPCERT_REJECTED
        return None

    @property
    def is_block_producer(self) -> bool:
        return self.node.role == NodeRole.BLOCK_PRODUCER

    @property
    def reported(self) -> dict[str, Any]:
        """The node part of the newest sample as the agent sent it."""
        data = getattr(self.state, "data", None) or {}
        return data.get("node") or {}

    @property
    def node_started_at(self) -> datetime | None:
        started = self.reported.get("node_start_time")
        if not started:
            return None
        try:
            return datetime.fromtimestamp(started, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None  # past year 9999: a broken report, shown as unknown

    @cached_property
    def version_status(self) -> VersionStatus:
        return version_status(getattr(self.state, "node_version", None))

    @cached_property
    def fullest_disk(self) -> FullestDisk | None:
        """The newest sample's fullest disk; reads its JSON, so not for lists."""
        return FullestDisk.of(getattr(self.state, "data", None))

    @cached_property
    def forging(self) -> ForgeCounters | None:
        """A block producer's forge counters; relays forge nothing."""
        return ForgeCounters.of(self.reported) if self.is_block_producer else None

    @cached_property
    def delivery(self) -> AgentDelivery | None:
        """The agent's spool; reads the sample's JSON, so not for lists."""
        return AgentDelivery.of(getattr(self.state, "data", None))

    @cached_property
    def opcert(self) -> OpcertCounter | None:
        """The op-cert counters, when the agent's optional check reports them."""
        return OpcertCounter.of(self.reported)

    @property
    def opcert_error(self) -> str | None:
        """Why the agent's op-cert check failed; reads the sample's JSON."""
        return check_error(self.reported)

    @cached_property
    def kes(self) -> KesOutlook | None:
        if self.state is None:
            return None
        return kes_outlook(
            self.node.network,
            self.state.kes_remaining_periods,
            self.state.ts,
            self.now,
        )


@dataclass(frozen=True)
class Overview:
    rows: list[NodeHealth]
    counts: dict[str, int]


def overview(user: Any, organization: Organization) -> Overview:
    """Every node of the organization, problems first, with status counts."""
    now = timezone.now()
    nodes = list(
        Node.objects.for_user(user)
        .filter(organization=organization)
        .select_related("state")
        # The full sample stays behind: the list needs the typed fields only.
        .defer("state__data")
    )
    disks = forecasts(nodes, now)
    rows = sorted(
        (NodeHealth.of(node, now, disks.get(node.pk)) for node in nodes),
        key=lambda row: (row.severity, row.node.name.lower()),
    )
    found = Counter(row.status.value for row in rows)
    counts = {status.value: found[status.value] for status in NodeStatus}
    counts["attention"] = sum(
        row.status == NodeStatus.UP and row.attention != "ok" for row in rows
    )
    return Overview(rows=rows, counts=counts)
