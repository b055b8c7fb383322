from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.nodes import charts
from apps.nodes.models import Node
from tests.nodes.builders import make_node, rollup, sample

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def _url(node: Node, range_key: str) -> str:
    url = reverse(
        "nodes:chart_data",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )
    return f"{url}?range={range_key}"


@pytest.fixture
def node(actors) -> Node:
    # Raw, 5-minute and hourly data that differ, to tell which one was read.
    node = make_node(actors.organization, interval_seconds=30, grace_seconds=30)
    sample(node, NOW - timedelta(minutes=30), cpu_percent=11.0)
    rollup(node, "5m", NOW - timedelta(days=2), cpu_percent_avg=22.0)
    rollup(node, "1h", NOW - timedelta(days=20), cpu_percent_avg=33.0)
    return node


@pytest.mark.parametrize(
    ("range_key", "resolution", "step", "cpu"),
    [
        ("1h", "raw", 30, [11.0]),
        ("24h", "raw", 30, [11.0]),
        ("7d", "5m", 300, [22.0]),
        ("30d", "1h", 3600, [33.0]),
    ],
)
def test_each_range_reads_its_resolution(node, range_key, resolution, step, cpu):
    data = charts.chart_data(node, range_key, now=NOW)

    assert (data["resolution"], data["step"]) == (resolution, step)
    assert data["series"]["cpu"] == cpu
    assert data["to"] - data["from"] == charts.RANGES[range_key].span.total_seconds()


def test_the_endpoint_answers_json_for_the_range(node, member_client):
    response = member_client.get(_url(node, "7d"))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["resolution"] == "5m"
    assert set(body["series"]) == set(charts.SERIES)
    assert all(len(column) == len(body["t"]) for column in body["series"].values())


def test_an_unknown_range_is_a_small_json_error(node, member_client):
    response = member_client.get(_url(node, "1y"))

    assert response.status_code == 400
    assert response.json()["field"] == "range"


def test_an_outage_is_a_gap_not_a_line(actors):
    # Samples every 30 s, then 10 minutes of silence, then samples again.
    node = make_node(actors.organization, interval_seconds=30, grace_seconds=30)
    start = NOW - timedelta(minutes=20)
    moments = [start + timedelta(seconds=30 * i) for i in range(4)]
    moments += [moments[-1] + timedelta(minutes=10, seconds=30 * i) for i in range(3)]
    for number, moment in enumerate(moments):
        sample(node, moment, cpu_percent=float(number))

    data = charts.chart_data(node, "1h", now=NOW)

    assert data["series"]["cpu"] == [0.0, 1.0, 2.0, 3.0, None, 4.0, 5.0, 6.0]
    gap = data["t"][4]
    assert data["t"][3] < gap < data["t"][5]


def test_a_late_but_not_missing_sample_joins_the_line(actors):
    # 55 s apart is within interval + grace (60 s): no gap.
    node = make_node(actors.organization, interval_seconds=30, grace_seconds=30)
    sample(node, NOW - timedelta(seconds=100), cpu_percent=1.0)
    sample(node, NOW - timedelta(seconds=45), cpu_percent=2.0)

    data = charts.chart_data(node, "1h", now=NOW)

    assert data["series"]["cpu"] == [1.0, 2.0]


def test_missed_checks_are_counted_per_interval_across_a_restart():
    # The counter climbs, the node restarts (back to 0), then climbs again.
    counter = [None, 5, 5, 7, 0, 2, None, 3]

    assert charts.increases(counter) == [None, None, 0, 2, 0, 2, None, 1]


@pytest.mark.parametrize("window", ["24h", "7d"])
def test_the_summaries_need_no_samples_json(
    node, window, django_assert_max_num_queries
):
    # One query for the points, and it leaves the full sample JSON behind.
    with django_assert_max_num_queries(1) as captured:
        charts.chart_data(node, window, now=NOW)

    assert '"data"' not in captured.captured_queries[0]["sql"]


def test_rollup_averages_are_sent_to_a_tenth(actors):
    node = make_node(actors.organization)
    rollup(node, "5m", NOW - timedelta(hours=1), cpu_percent_avg=22.4567)

    data = charts.chart_data(node, "7d", now=NOW)

    assert data["series"]["cpu"] == [22.5]
