"""The disk outlook: growth per day from a line through recent rollups, time to full.

Hourly buckets are worked at their middles: a bucket starting at 10:00 holds
the average of 10:00-11:00, which a steadily growing disk reaches at 10:30.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.nodes.disk import (
    Bucket,
    DiskOutlook,
    FullestDisk,
    bytes_per_day,
    forecasts,
    outlook,
    slope,
)
from apps.nodes.models import Node
from apps.samples.metrics import typed_columns
from apps.samples.models import Resolution
from tests.nodes.builders import make_node, report, rollup

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
HOUR = Resolution.HOUR.value
FIVE = Resolution.FIVE_MINUTES.value
GIB = 1024**3


def _line(
    resolution: str,
    count: int,
    per_hour: float,
    at_now: float,
    now: datetime = NOW,
) -> list[Bucket]:
    """The last ``count`` whole buckets of a disk on a line through ``at_now``."""
    step = timedelta(seconds=Resolution(resolution).seconds)
    buckets = []
    for back in range(count, 0, -1):
        start = now - back * step
        hours_before_now = (now - (start + step / 2)) / timedelta(hours=1)
        buckets.append(Bucket(resolution, start, at_now - per_hour * hours_before_now))
    return buckets


def _outlook(buckets: list[Bucket], percent: float = 50.0, **kwargs):
    return outlook(buckets, percent, NOW, NOW, **kwargs)


def test_the_slope_is_the_least_squares_one():
    # mean x 1.5, mean y 2.75: sum of products 5.5 over sum of squares 5
    assert slope([(0, 1), (1, 3), (2, 2), (3, 5)]) == pytest.approx(1.1)


def test_a_point_an_hour_from_half_full_fills_in_fifty_hours():
    result = _outlook(_line(HOUR, 12, per_hour=1.0, at_now=50.0))

    assert result is not None
    assert result.points_per_day == pytest.approx(24.0)
    assert result.growing
    second = timedelta(seconds=1)
    assert result.time_left == pytest.approx(timedelta(hours=50), abs=second)
    assert result.full_at == pytest.approx(NOW + timedelta(hours=50), abs=second)
    assert result.span == timedelta(hours=12)


def test_the_bucket_still_filling_counts_at_the_middle_of_its_part():
    # Given whole hours up to 12:00 and the 12:00 bucket 20 minutes in, whose
    # average belongs to 12:10 (not 12:30) on a line of a point an hour
    now = NOW + timedelta(minutes=20)
    buckets = [
        *_line(HOUR, 10, per_hour=1.0, at_now=50.0),
        Bucket(HOUR, NOW, 50.0 + 10 / 60),
    ]

    result = outlook(buckets, 50.5, now, now)

    assert result is not None
    assert result.points_per_day == pytest.approx(24.0)
    assert result.span == timedelta(hours=10, minutes=20)


def test_a_flat_disk_is_steady_and_never_full():
    result = _outlook(_line(HOUR, 24, per_hour=0.0, at_now=62.0), percent=62.0)

    assert result is not None
    assert result.points_per_day == pytest.approx(0.0, abs=1e-9)
    assert not result.growing
    assert not result.shrinking
    assert result.days_left is None
    assert result.full_at is None
    assert result.level == "ok"


def test_a_shrinking_disk_has_no_time_to_full():
    result = _outlook(_line(HOUR, 24, per_hour=-0.1, at_now=70.0), percent=70.0)

    assert result is not None
    assert result.points_per_day == pytest.approx(-2.4)
    assert result.shrinking
    assert result.time_left is None
    assert result.level == "ok"


@pytest.mark.parametrize(
    ("buckets", "percent"),
    [
        ([], 50.0),
        # an hour and a half of 5-minute buckets, however steep
        (_line(FIVE, 18, per_hour=5.0, at_now=50.0), 50.0),
        # plenty of history, but the newest sample has no disk
        (_line(HOUR, 24, per_hour=1.0, at_now=50.0), None),
    ],
    ids=["no buckets", "under two hours", "no disk in the sample"],
)
def test_too_little_to_go_on_gives_no_outlook(buckets, percent):
    assert _outlook(buckets, percent=percent) is None


def test_two_hours_of_five_minute_buckets_are_enough():
    result = _outlook(_line(FIVE, 24, per_hour=1.0, at_now=50.0))

    assert result is not None
    assert result.points_per_day == pytest.approx(24.0)


@pytest.mark.parametrize(
    ("per_day", "growing"),
    [(0.04, False), (0.06, True), (-0.04, False)],
)
def test_growth_under_a_twentieth_of_a_point_a_day_is_noise(per_day, growing):
    # 0.04 points a day from empty would be "full in 7 years"
    result = _outlook(_line(HOUR, 24, per_hour=per_day / 24, at_now=1.0), 1.0)

    assert result is not None
    assert result.growing is growing
    assert (result.days_left is not None) is growing


@pytest.mark.parametrize(
    ("per_day", "level"),
    [(5.0, "ok"), (38 / 7 + 0.01, "warning"), (38 / 2 + 0.01, "critical")],
)
def test_a_week_left_warns_and_two_days_is_critical(per_day, level):
    result = _outlook(_line(HOUR, 24, per_hour=per_day / 24, at_now=62.0), 62.0)

    assert result is not None
    assert result.level == level


def test_new_nodes_fall_back_to_five_minute_buckets():
    # Given five flat hours, and 5-minute buckets over three rising hours
    buckets = [
        *_line(HOUR, 5, per_hour=0.0, at_now=60.0),
        *_line(FIVE, 36, per_hour=2.0, at_now=60.0),
    ]

    result = _outlook(buckets, percent=60.0)

    # Then the 5-minute buckets decide
    assert result is not None
    assert result.points_per_day == pytest.approx(48.0)
    assert result.span == timedelta(hours=3)


def test_six_hourly_buckets_are_enough_to_ignore_the_five_minute_ones():
    buckets = [
        *_line(HOUR, 6, per_hour=0.0, at_now=60.0),
        *_line(FIVE, 36, per_hour=2.0, at_now=60.0),
    ]

    result = _outlook(buckets, percent=60.0)

    assert result is not None
    assert result.points_per_day == pytest.approx(0.0, abs=1e-9)
    assert result.span == timedelta(hours=6)


def test_the_fullest_disk_turns_points_into_bytes():
    # Given a root disk and a fuller chain disk with ext4's 5 % reserved
    data = {
        "host": {
            "disks": [
                _disk("/", used=40, free=60, percent=40.0),
                _disk("/var/lib/cardano", used=600, free=400, percent=60.0),
            ]
        }
    }
    fullest = FullestDisk.of(data)
    result = DiskOutlook(
        percent=60.0, points_per_day=1.2, span=timedelta(hours=24), ts=NOW
    )

    # Then a point is a hundredth of used + free (1,000 GiB), not of the total
    assert fullest is not None
    assert fullest.mountpoint == "/var/lib/cardano"
    assert bytes_per_day(result, fullest) == pytest.approx(12 * GIB)
    assert result.days_left == pytest.approx(40 / 1.2)


def test_the_column_and_the_page_pick_the_same_disk():
    # Given the fullest disk without byte counts, beside one with them
    data = {
        "host": {
            "disks": [
                _disk("/", used=40, free=60, percent=40.0),
                {"mountpoint": "/var/lib/cardano", "percent": 60.0},
            ]
        }
    }

    fullest = FullestDisk.of(data)

    # Then the page names the disk whose percent the column holds, without bytes
    assert typed_columns(data, NOW, "mainnet")["disk_percent"] == 60.0
    assert fullest == FullestDisk("/var/lib/cardano", None, None)
    assert fullest.usable_bytes is None
    result = DiskOutlook(
        percent=60.0, points_per_day=1.2, span=timedelta(hours=24), ts=NOW
    )
    assert bytes_per_day(result, fullest) is None


@pytest.mark.parametrize(
    "data",
    [None, {}, {"host": {}}, {"host": {"disks": []}}, {"host": {"disks": [{}]}}],
)
def test_a_sample_without_disks_has_no_fullest_disk(data):
    assert FullestDisk.of(data) is None


def test_forecasts_read_every_node_in_one_query(actors, django_assert_num_queries):
    # Given three nodes with a day of rollups, and one that never reported
    now = datetime.now(UTC)
    nodes = [make_node(actors.organization) for _number in range(3)]
    for number, node in enumerate(nodes):
        for bucket in _line(HOUR, 24, per_hour=number / 24, at_now=50.0, now=now):
            rollup(node, HOUR, bucket.start, disk_percent_avg=bucket.value)
        report(node, now, disk_percent=50.0)
    make_node(actors.organization, name="silent")
    with_state = list(Node.objects.select_related("state"))

    # When their outlooks are read
    with django_assert_num_queries(1):
        found = forecasts(with_state, now)

    # Then each node has its own rate, and the silent one none
    assert len(with_state) == 4
    assert set(found) == {node.pk for node in nodes}
    rates = [found[node.pk].points_per_day for node in nodes]
    assert rates == pytest.approx([0.0, 1.0, 2.0], abs=1e-9)


def test_a_day_of_hours_reads_no_five_minute_buckets(actors):
    # Given a node with a day of hourly buckets and 5-minute ones too
    now = datetime.now(UTC)
    node = make_node(actors.organization)
    for bucket in _line(HOUR, 24, per_hour=0.1, at_now=50.0, now=now):
        rollup(node, HOUR, bucket.start, disk_percent_avg=bucket.value)
    for bucket in _line(FIVE, 72, per_hour=5.0, at_now=50.0, now=now):
        rollup(node, FIVE, bucket.start, disk_percent_avg=bucket.value)
    report(node, now, disk_percent=50.0)
    with_state = list(Node.objects.select_related("state"))

    # When its outlook is read
    with CaptureQueriesContext(connection) as queries:
        found = forecasts(with_state, now)

    # Then the hours decide, and no 5-minute bucket was asked for
    assert found[node.pk].points_per_day == pytest.approx(2.4)
    assert len(queries) == 1
    assert f"'{FIVE}'" not in queries[0]["sql"]


def test_only_nodes_short_of_hours_read_five_minute_buckets(
    actors, django_assert_num_queries
):
    # Given two nodes with a day of hours and two new ones with 5-minute buckets
    now = datetime.now(UTC)
    old = [make_node(actors.organization) for _number in range(2)]
    new = [make_node(actors.organization) for _number in range(2)]
    for node in old:
        for bucket in _line(HOUR, 24, per_hour=0.1, at_now=50.0, now=now):
            rollup(node, HOUR, bucket.start, disk_percent_avg=bucket.value)
    for node in new:
        for bucket in _line(FIVE, 36, per_hour=1.0, at_now=50.0, now=now):
            rollup(node, FIVE, bucket.start, disk_percent_avg=bucket.value)
    for node in [*old, *new]:
        report(node, now, disk_percent=50.0)
    with_state = list(Node.objects.select_related("state"))

    # When their outlooks are read: hours first, then 5 minutes for the new ones
    with django_assert_num_queries(2):
        found = forecasts(with_state, now)

    # Then each has the rate of its own resolution
    rates = [found[node.pk].points_per_day for node in [*old, *new]]
    assert rates == pytest.approx([2.4, 2.4, 24.0, 24.0])


def _disk(mountpoint: str, *, used: int, free: int, percent: float) -> dict:
    return {
        "mountpoint": mountpoint,
        "device": "/dev/nvme0n1p2",
        "fstype": "ext4",
        "total_bytes": int((used + free) * 1.05) * GIB,
        "used_bytes": used * GIB,
        "free_bytes": free * GIB,
        "percent": percent,
    }
