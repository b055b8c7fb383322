"""Periodic upkeep of the sample store; every task is safe to run twice."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from apps.samples import actions


@shared_task
def roll_up_recent() -> int:
    """Rolls up the recent buckets, and catches up on what an outage missed."""
    return actions.roll_up_recent()


@shared_task
def roll_up_node(node_id: int, since: str, until: str) -> int:
    """Rolls up a backlog one node sent late (ISO-8601 bounds, inclusive)."""
    return actions.roll_up_span(
        node_id, datetime.fromisoformat(since), datetime.fromisoformat(until)
    )


@shared_task
def drop_expired_samples() -> dict[str, int]:
    return actions.drop_expired()


@shared_task
def prepare_sample_partitions() -> int:
    """Creates the coming days' partitions ahead (PostgreSQL only)."""
    return len(actions.prepare_partitions())
