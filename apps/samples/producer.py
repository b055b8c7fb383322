"""The block producer's columns of a node's latest state, from its newest sample.

Only ``NodeState`` keeps them: the overview judges whether a producer can
make blocks from them without loading every sample's JSON, while raw samples
and rollups have no use for them. They are copied from the node part as the
agent sent it, under the agent's own names (agent/PROTOCOL.md).
"""

from __future__ import annotations

from typing import Any

PRODUCER_FIELDS = (
    "forging_enabled",
    "could_not_forge",
    "opcert_counter",
    "opcert_counter_on_chain",
)


def producer_columns(sample: dict[str, Any]) -> dict[str, Any]:
    """Column values for ``NodeState``; a missing or null key gives null."""
    node = sample.get("node")
    if not isinstance(node, dict):
        return dict.fromkeys(PRODUCER_FIELDS)
    return {name: node.get(name) for name in PRODUCER_FIELDS}
