"""Raw samples and rollups are forgotten after their retention periods."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.samples import actions, tasks
from apps.samples.models import Resolution, Rollup, Sample
from tests.samples.payloads import NOW, store


def _rollup(node, resolution, age) -> Rollup:
    return Rollup.objects.create(
        node=node, resolution=resolution, bucket_start=NOW - age, sample_count=1
    )


def test_raw_samples_older_than_the_retention_are_dropped(relay, settings) -> None:
    # Given samples of 20, 15 and 13 days ago, and a 14-day retention
    settings.SAMPLES_RAW_RETENTION_DAYS = 14
    for days in (20, 15, 13):
        store(relay.node, NOW - timedelta(days=days))

    # When expired data is dropped
    actions.prepare_partitions(now=NOW)
    actions.drop_expired(now=NOW)

    # Then the two old ones are gone (whole days on PostgreSQL)
    kept = [NOW - sample.ts for sample in Sample.objects.all()]
    assert kept == [timedelta(days=13)]


def test_rollups_outlive_raw_samples_but_not_their_own_retention(
    relay, settings
) -> None:
    # Given 5-minute and hourly buckets of 400 and 300 days ago, and a
    # 396-day rollup retention
    settings.SAMPLES_ROLLUP_RETENTION_DAYS = 396
    kept = set()
    for resolution in Resolution:
        _rollup(relay.node, resolution, timedelta(days=400))
        kept.add(_rollup(relay.node, resolution, timedelta(days=300)).pk)

    # When expired data is dropped
    counts = actions.drop_expired(now=NOW)

    # Then both resolutions keep the same 13 months
    assert set(Rollup.objects.values_list("pk", flat=True)) == kept
    assert (counts["rollups_1h"], counts["rollups_5m"]) == (1, 1)


def test_five_minute_rollups_follow_the_configured_retention(relay, settings) -> None:
    # Given 5-minute buckets of 25 and 15 days ago, and a 20-day retention
    settings.SAMPLES_ROLLUP_RETENTION_DAYS = 20
    _rollup(relay.node, Resolution.FIVE_MINUTES, timedelta(days=25))
    kept = _rollup(relay.node, Resolution.FIVE_MINUTES, timedelta(days=15))

    # When expired data is dropped
    counts = actions.drop_expired(now=NOW)

    # Then only the one within the configured days is left
    assert list(Rollup.objects.values_list("pk", flat=True)) == [kept.pk]
    assert counts["rollups_5m"] == 1


def test_the_retention_task_runs_twice_without_harm(relay) -> None:
    store(relay.node, timezone.now())

    tasks.drop_expired_samples.delay()
    tasks.drop_expired_samples.delay()

    assert Sample.objects.count() == 1
