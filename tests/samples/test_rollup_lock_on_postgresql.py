"""On PostgreSQL a rollup locks its nodes before it reads their samples.

Two roll-ups of one node then write in the order they read, so the later
write always holds the numbers of every committed sample.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from apps.nodes.models import Node
from apps.samples import actions
from apps.samples.models import Resolution
from tests.samples.payloads import NOW, store

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="DATABASE_URL does not name PostgreSQL",
    ),
    # The probe's second connection sees only committed rows.
    pytest.mark.django_db(transaction=True),
]


def _can_lock(node_id: int, lock: str) -> bool:
    """Whether another session could take ``lock`` on the node's row now."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Node._meta.db_table} WHERE id = %s {lock} NOWAIT",
                [node_id],
            )
    except OperationalError:
        return False
    finally:
        other.close()
    return True


def _before_reading_samples(probe: Callable[[], None]) -> Callable[..., Any]:
    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if sql.startswith("SELECT") and "GROUP BY" in sql and "samples_sample" in sql:
            probe()
        return execute(sql, params, many, context)

    return wrapper


def test_a_rollup_holds_its_node_while_it_reads_and_writes(relay) -> None:
    # Given a stored sample
    store(relay.node, NOW)
    seen: list[tuple[bool, bool]] = []

    # When a rollup reads the samples, another session tries to lock the node
    def probe() -> None:
        seen.append(
            (
                _can_lock(relay.node.pk, "FOR NO KEY UPDATE"),
                _can_lock(relay.node.pk, "FOR KEY SHARE"),
            )
        )

    with connection.execute_wrapper(_before_reading_samples(probe)):
        actions.roll_up(Resolution.HOUR, NOW, NOW, [relay.node.pk])

    # Then another rollup would wait, but the intake's foreign key check not
    assert seen == [(False, True)]
    # And the lock ends with the rollup's transaction
    assert _can_lock(relay.node.pk, "FOR NO KEY UPDATE")
