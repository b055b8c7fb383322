"""After the worker or the scheduler was down, rollups resume where they stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.nodes.actions import create_node
from apps.samples import actions
from apps.samples.models import NodeState, Resolution, Rollup
from tests.samples.payloads import NOW, store

OUTAGE = timedelta(days=2)
EVERY = timedelta(minutes=20)  # one sample per 5-minute bucket


def _samples(node, since, until) -> int:
    """Samples ``EVERY`` apart in ``[since, until]``, and the state they leave."""
    moment, count = since, 0
    while moment <= until:
        store(node, moment, cpu_percent=float(count % 7))
        moment, count = moment + EVERY, count + 1
    # What the intake writes with every batch: the node's newest sample.
    NodeState.objects.update_or_create(node=node, defaults={"ts": moment - EVERY})
    return count


def _rows() -> list[tuple]:
    """Every rollup column but the time of the last write."""
    fields = [f.attname for f in Rollup._meta.concrete_fields if f.name != "updated_at"]
    return list(Rollup.objects.order_by("pk").values_list(*fields))


@pytest.fixture
def outage(relay):
    """A node rolled up until two days ago, whose samples kept coming since."""
    count = _samples(relay.node, NOW - OUTAGE - timedelta(hours=2), NOW)
    actions.roll_up_recent(now=NOW - OUTAGE)  # the last run before the outage
    return relay.node, count


def _count(node, resolution) -> tuple[int, int]:
    """How many buckets, and how many samples they hold."""
    rows = Rollup.objects.filter(node=node, resolution=resolution)
    return rows.count(), sum(rows.values_list("sample_count", flat=True))


def test_the_periodic_rollup_catches_up_after_an_outage(outage) -> None:
    node, count = outage

    # When the scheduler runs again
    actions.roll_up_recent(now=NOW)

    # Then every sample of the outage is in a 5-minute and an hourly bucket
    assert _count(node, Resolution.FIVE_MINUTES) == (count, count)
    hours = (OUTAGE + timedelta(hours=2)) // timedelta(hours=1) + 1
    assert _count(node, Resolution.HOUR) == (hours, count)


def test_a_second_catch_up_changes_nothing(outage) -> None:
    actions.roll_up_recent(now=NOW)
    before = _rows()

    actions.roll_up_recent(now=NOW)

    assert _rows() == before


def test_a_catch_up_reaches_back_only_as_far_as_raw_samples_are_kept(
    relay, settings
) -> None:
    # Given a node never rolled up, with samples of 20 and 10 days ago
    settings.SAMPLES_RAW_RETENTION_DAYS = 14
    for days in (20, 10):
        _samples(relay.node, NOW - timedelta(days=days), NOW - timedelta(days=days))

    # When the periodic rollup runs
    actions.roll_up_recent(now=NOW)

    # Then only the sample within the retention gets buckets
    starts = set(Rollup.objects.values_list("bucket_start", flat=True))
    assert starts == {NOW - timedelta(days=10)}


def test_a_node_caught_up_by_its_backlog_hides_no_other_nodes_gap(
    outage, actors
) -> None:
    # Given a second node whose backlog task rolled it up to the present
    node, count = outage
    other, _token = create_node(actors.organization, name="relay2")
    _samples(other, NOW - timedelta(hours=3), NOW)
    actions.roll_up_span(other.pk, NOW - timedelta(hours=3), NOW)

    # When the scheduler runs again
    actions.roll_up_recent(now=NOW)

    # Then the first node is caught up all the same
    assert _count(node, Resolution.FIVE_MINUTES) == (count, count)


def test_a_catch_up_cut_short_keeps_its_work_and_the_next_run_finishes_it(
    outage,
) -> None:
    # Given a catch-up that fails at its third write of buckets
    node, count = outage
    writes = []

    def fail_third_write(execute, sql, params, many, context):
        if sql.startswith("INSERT") and Rollup._meta.db_table in sql:
            writes.append(sql)
            if len(writes) == 3:
                raise RuntimeError("worker lost")
        return execute(sql, params, many, context)

    five_minutes = Rollup.objects.filter(node=node, resolution=Resolution.FIVE_MINUTES)
    before = five_minutes.count()
    with (
        connection.execute_wrapper(fail_third_write),
        pytest.raises(RuntimeError),
    ):
        actions.roll_up_recent(now=NOW)

    # Then the pieces written before the failure stay
    assert before < five_minutes.count() < count

    # And the next run finishes the work
    actions.roll_up_recent(now=NOW)
    assert _count(node, Resolution.FIVE_MINUTES) == (count, count)


def _queries_of_a_periodic_run() -> int:
    with CaptureQueriesContext(connection) as queries:
        actions.roll_up_recent(now=NOW)
    return len(queries)


def test_nodes_with_nothing_to_catch_up_cost_no_queries_of_their_own(
    relay, actors
) -> None:
    # Given a node sending samples now, rolled up once
    _samples(relay.node, NOW - timedelta(minutes=40), NOW)
    actions.roll_up_recent(now=NOW)
    one_node = _queries_of_a_periodic_run()

    # And three more: one sending now, one silent for three days, one never heard
    live, silent, _new = (
        create_node(actors.organization, name=name)[0]
        for name in ("relay2", "relay3", "bp1")
    )
    _samples(live, NOW - timedelta(minutes=40), NOW)
    last = NOW - timedelta(days=3)
    _samples(silent, last - timedelta(hours=1), last)
    actions.roll_up_span(silent.pk, last - timedelta(hours=1), last)
    actions.roll_up_recent(now=NOW)

    # When the periodic rollup runs again
    many_nodes = _queries_of_a_periodic_run()

    # Then it reads and writes them all in the same queries as the one node
    assert many_nodes == one_node
