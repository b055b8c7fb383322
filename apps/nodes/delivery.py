"""Whether the agent's delivery problems are news: recent losses, a live refusal.

The agent's loss counters are lifetime counts (``agent/PROTOCOL.md``): the
difference between two samples is what it lost in between. A node that lost
samples once, months ago, would otherwise warn for good; so would a refusal
the agent has long since got past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from apps.nodes.health import AgentDelivery
from apps.nodes.models import Node
from apps.samples.models import Sample

LOSS_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class RecentLoss:
    """Samples the agent lost in the ``LOSS_WINDOW`` before its newest sample."""

    dropped: int
    rejected: int

    @property
    def lost(self) -> bool:
        return bool(self.dropped or self.rejected)


def recent_loss(node: Node, latest: AgentDelivery | None) -> RecentLoss | None:
    """How far the counters grew since the window's oldest stored sample.

    ``latest`` is the newest sample's report; None gives None. Without an
    older sample in the window nothing shows a loss in it: raw samples are
    kept for at least a day, so that means the node is new or was silent.
    """
    if latest is None:
        return None
    newest = node.state.ts
    oldest = (
        Sample.objects.series(node, newest - LOSS_WINDOW, newest)
        .values_list("data__agent", flat=True)
        .first()
    )
    then = AgentDelivery.of({"agent": oldest}) or latest
    return RecentLoss(
        dropped=_growth(then.dropped, latest.dropped),
        rejected=_growth(then.rejected, latest.rejected),
    )


def refusal_is_current(node: Node) -> bool:
    """Whether the last refusal came after the last sample the service took.

    Both times are the service's clock; the sample's own ``ts`` is the
    agent's, and a wrong agent clock is a common reason for a refusal.
    """
    if not node.last_refusal or node.last_refusal_at is None:
        return False
    state = getattr(node, "state", None)
    return state is None or node.last_refusal_at > state.updated_at


def _growth(then: int, now: int) -> int:
    # A reinstalled agent starts a new spool with its counters at zero: all
    # it counted since is new.
    return now - then if now >= then else now
