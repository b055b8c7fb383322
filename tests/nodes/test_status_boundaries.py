"""Up, late and down follow the newest sample's age against the node's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.nodes.models import Node, NodeStatus
from apps.samples.models import NodeState

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _node(age_seconds: int | None) -> Node:
    # 60 s interval + 120 s grace: up to 180 s; down after 600 s.
    node = Node(interval_seconds=60, grace_seconds=120, down_after_seconds=600)
    if age_seconds is not None:
        NodeState(node=node, ts=NOW - timedelta(seconds=age_seconds))
    return node


@pytest.mark.parametrize(
    ("age", "status"),
    [
        (None, NodeStatus.NEW),
        (0, NodeStatus.UP),
        (180, NodeStatus.UP),
        (181, NodeStatus.LATE),
        (600, NodeStatus.LATE),
        (601, NodeStatus.DOWN),
        (86_400, NodeStatus.DOWN),
    ],
)
def test_status_at_the_boundaries(age, status):
    assert _node(age).status(NOW) == status


def test_a_long_interval_is_late_for_one_more_interval_before_down():
    # 15 min interval + 2 min grace: up to 1020 s, then late for one more
    # interval (the 10 min "down after" would leave no late at all).
    node = Node(interval_seconds=900, grace_seconds=120, down_after_seconds=600)
    NodeState(node=node, ts=NOW - timedelta(seconds=1000))

    assert node.status(NOW) == NodeStatus.UP
    assert node.status(NOW + timedelta(seconds=21)) == NodeStatus.LATE
    assert node.status(NOW + timedelta(seconds=920)) == NodeStatus.LATE
    assert node.status(NOW + timedelta(seconds=921)) == NodeStatus.DOWN
