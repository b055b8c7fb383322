"""The node page's read API picks the resolution for the window it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from apps.samples import actions, queries
from apps.samples.models import ROLLED_METRICS, Resolution
from tests.samples.payloads import NOW, store


@pytest.mark.parametrize(
    ("window", "resolution"),
    [("1h", "raw"), ("24h", "raw"), ("7d", "5m"), ("30d", "1h")],
)
def test_each_window_has_its_resolution(relay, window, resolution) -> None:
    assert queries.series(relay.node, window, now=NOW).resolution == resolution


def test_a_raw_series_holds_each_sample_in_order(relay) -> None:
    store(relay.node, NOW - timedelta(minutes=2), cpu_percent=5.0, node_reachable=True)
    store(relay.node, NOW - timedelta(minutes=1), cpu_percent=7.0)
    store(relay.node, NOW - timedelta(hours=2), cpu_percent=1.0)

    points = queries.series(relay.node, "1h", now=NOW)

    assert points.ts == [NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)]
    assert points.average["cpu_percent"] == [5.0, 7.0]
    assert points.maximum["cpu_percent"] == [5.0, 7.0]
    assert points.average["peers_in"] == [None, None]
    assert points.reachable == [1.0, 0.0]
    assert points.step_seconds == relay.node.interval_seconds
    assert set(points.average) == set(ROLLED_METRICS)


def test_a_week_reads_five_minute_rollups(relay) -> None:
    for minute, cpu in ((0, 10.0), (1, 30.0), (5, 50.0)):
        store(relay.node, NOW - timedelta(hours=1, minutes=-minute), cpu_percent=cpu)
    actions.roll_up(Resolution.FIVE_MINUTES, NOW - timedelta(hours=2), NOW)

    points = queries.series(relay.node, "7d", now=NOW)

    assert points.ts == [NOW - timedelta(hours=1), NOW - timedelta(minutes=55)]
    assert points.minimum["cpu_percent"] == [10.0, 50.0]
    assert points.average["cpu_percent"] == [20.0, 50.0]
    assert points.sample_count == [2, 1]
    assert points.uplot("cpu_percent")[0] == [
        moment.timestamp() for moment in points.ts
    ]


def test_an_empty_window_gives_empty_columns(relay) -> None:
    points = queries.series(relay.node, "24h", now=NOW)

    assert points.ts == []
    assert points.average["cpu_percent"] == []


def test_a_raw_series_reads_one_query(relay, django_assert_num_queries) -> None:
    for minute in range(30):
        store(relay.node, NOW - timedelta(minutes=minute), cpu_percent=1.0)

    with django_assert_num_queries(1):
        queries.series(relay.node, "1h", now=NOW)
