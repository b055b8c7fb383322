"""The latest state keeps a producer's forging and op-cert values in columns.

The overview reads them to flag a producer that cannot make blocks; they
ride on the state upsert the intake already makes, so a batch costs no
extra query, and raw samples do not carry them.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.samples.models import NodeState, Sample
from tests.samples.payloads import NOW, post_samples, sample


def _producer_sample(**node: object) -> dict:
    payload = sample(NOW)
    payload["node"].update(node)
    return payload


def test_the_newest_sample_fills_the_producer_columns(
    client, relay, frozen_now
) -> None:
    payload = _producer_sample(
        forging_enabled=False,
        could_not_forge=3,
        opcert_counter=6,
        opcert_counter_on_chain=7,
        opcert_error=None,
    )

    post_samples(client, relay.token, [payload])

    state = NodeState.objects.get(node=relay.node)
    assert (state.forging_enabled, state.could_not_forge) == (False, 3)
    assert (state.opcert_counter, state.opcert_counter_on_chain) == (6, 7)


def test_a_node_that_reports_none_leaves_them_null(client, relay, frozen_now):
    payload = sample(NOW)
    payload["node"] = {"reachable": False, "error": "connection refused"}

    post_samples(client, relay.token, [payload])

    state = NodeState.objects.get(node=relay.node)
    assert state.forging_enabled is None
    assert state.could_not_forge is None
    assert (state.opcert_counter, state.opcert_counter_on_chain) == (None, None)


def test_raw_samples_have_no_producer_columns() -> None:
    names = {field.name for field in Sample._meta.concrete_fields}

    assert not names & {"forging_enabled", "could_not_forge", "opcert_counter"}


def test_the_state_is_still_written_by_one_statement(client, relay, frozen_now):
    payload = _producer_sample(forging_enabled=True, could_not_forge=0)

    with CaptureQueriesContext(connection) as queries:
        post_samples(client, relay.token, [payload])

    table = NodeState._meta.db_table
    writes = [query for query in queries if table in query["sql"]]
    assert len(writes) == 1
    assert NodeState.objects.get(node=relay.node).forging_enabled is True
