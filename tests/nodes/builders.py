"""Small builders for nodes and what their agents reported; each saves its row."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from apps.nodes.actions import create_node
from apps.nodes.models import Node
from apps.organizations.models import Organization
from apps.samples.models import NodeState, Rollup, Sample
from apps.samples.producer import producer_columns

_numbers = itertools.count(1)


def make_node(organization: Organization, **fields: Any) -> Node:
    fields.setdefault("name", f"relay-{next(_numbers)}")
    return create_node(organization, **fields)[0]


def report(node: Node, ts: datetime, **metrics: Any) -> NodeState:
    """Makes ``ts`` the node's newest sample, with these typed values.

    The producer's columns come from ``data`` as the intake takes them,
    unless given.
    """
    metrics.setdefault("node_reachable", True)
    metrics = {**producer_columns(metrics.get("data") or {}), **metrics}
    state, _created = NodeState.objects.update_or_create(
        node=node, defaults={"ts": ts, **metrics}
    )
    return state


def sample(node: Node, ts: datetime, **metrics: Any) -> Sample:
    metrics.setdefault("node_reachable", True)
    return Sample.objects.create(node=node, ts=ts, **metrics)


def rollup(
    node: Node, resolution: str, bucket_start: datetime, **metrics: Any
) -> Rollup:
    return Rollup.objects.create(
        node=node,
        resolution=resolution,
        bucket_start=bucket_start,
        sample_count=metrics.pop("sample_count", 10),
        **metrics,
    )
