"""Rollups hold the min, average and max of each bucket, and can be rebuilt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from apps.samples import actions
from apps.samples.models import Resolution, Rollup
from tests.samples.payloads import NOW, post_samples, sample, store

HOUR = NOW  # 12:00, the start of an hour and of a 5-minute bucket


@pytest.fixture
def worked(relay):
    """Six samples: three in 12:00-12:05, two in 12:05-12:10, one at 13:00."""
    rows = [
        (0, 10.0, 20, True),
        (1, 20.0, 22, True),
        (4, 60.0, 18, False),
        (5, 5.0, None, True),
        (9, 15.0, 30, True),
        (60, 99.0, 1, True),
    ]
    for minute, cpu, peers, reachable in rows:
        store(
            relay.node,
            HOUR + timedelta(minutes=minute),
            cpu_percent=cpu,
            peers_in=peers,
            node_reachable=reachable,
        )
    return relay.node


def _bucket(node, resolution, minute) -> Rollup:
    return Rollup.objects.get(
        node=node,
        resolution=resolution,
        bucket_start=HOUR + timedelta(minutes=minute),
    )


def test_five_minute_buckets_hold_min_avg_max(worked) -> None:
    actions.roll_up(Resolution.FIVE_MINUTES, HOUR, HOUR + timedelta(minutes=59))

    first = _bucket(worked, Resolution.FIVE_MINUTES, 0)
    second = _bucket(worked, Resolution.FIVE_MINUTES, 5)
    assert (first.sample_count, first.reachable_count) == (3, 2)
    assert (first.cpu_percent_min, first.cpu_percent_avg, first.cpu_percent_max) == (
        10.0,
        30.0,
        60.0,
    )
    assert (first.peers_in_min, first.peers_in_avg, first.peers_in_max) == (
        18,
        20,
        22,
    )
    # A null is left out of the average, not counted as zero
    assert (second.peers_in_min, second.peers_in_avg) == (30, 30)
    assert second.cpu_percent_avg == 10.0
    assert Rollup.objects.filter(resolution=Resolution.FIVE_MINUTES).count() == 2


def test_hourly_buckets_split_on_the_hour(worked) -> None:
    actions.roll_up(Resolution.HOUR, HOUR, HOUR + timedelta(hours=1))

    noon = _bucket(worked, Resolution.HOUR, 0)
    one = _bucket(worked, Resolution.HOUR, 60)
    assert noon.sample_count == 5
    assert noon.cpu_percent_avg == pytest.approx(22.0)
    assert (noon.cpu_percent_min, noon.cpu_percent_max) == (5.0, 60.0)
    assert (one.sample_count, one.cpu_percent_max) == (1, 99.0)


def test_running_a_rollup_twice_gives_the_same_rows(worked) -> None:
    actions.roll_up(Resolution.FIVE_MINUTES, HOUR, HOUR + timedelta(hours=1))
    before = list(Rollup.objects.values_list("bucket_start", "cpu_percent_avg"))

    actions.roll_up(Resolution.FIVE_MINUTES, HOUR, HOUR + timedelta(hours=1))

    after = list(Rollup.objects.values_list("bucket_start", "cpu_percent_avg"))
    assert after == before


def test_a_rerun_recomputes_a_bucket_that_gained_samples(worked) -> None:
    actions.roll_up(Resolution.FIVE_MINUTES, HOUR, HOUR + timedelta(minutes=4))
    store(worked, HOUR + timedelta(minutes=2), cpu_percent=30.0)

    actions.roll_up(Resolution.FIVE_MINUTES, HOUR, HOUR + timedelta(minutes=4))

    first = _bucket(worked, Resolution.FIVE_MINUTES, 0)
    assert (first.sample_count, first.cpu_percent_avg) == (4, 30.0)


def test_the_periodic_rollup_covers_the_recent_buckets(worked) -> None:
    actions.roll_up_recent(now=HOUR + timedelta(minutes=10))

    assert _bucket(worked, Resolution.FIVE_MINUTES, 5).sample_count == 2
    assert _bucket(worked, Resolution.HOUR, 0).sample_count == 5


def test_a_late_backlog_is_rolled_up_when_it_arrives(
    client, relay, frozen_now, django_capture_on_commit_callbacks
) -> None:
    # Given samples of three hours ago, older than the periodic rollup looks
    start = NOW - timedelta(hours=3)
    backlog = [
        sample(start + timedelta(minutes=i), cpu_percent=float(i)) for i in range(10)
    ]

    # When they arrive (Celery runs eagerly in tests)
    with django_capture_on_commit_callbacks(execute=True):
        post_samples(client, relay.token, backlog)

    # Then their buckets exist at once
    hourly = Rollup.objects.get(node=relay.node, resolution=Resolution.HOUR)
    assert (hourly.bucket_start, hourly.sample_count) == (start, 10)
    assert hourly.cpu_percent_avg == pytest.approx(4.5)
    assert Rollup.objects.filter(resolution=Resolution.FIVE_MINUTES).count() == 2
