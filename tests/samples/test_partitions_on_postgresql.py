"""On PostgreSQL samples live in daily partitions, and retention drops them whole."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.db import connection

from apps.samples import actions, partitions
from apps.samples.models import Sample
from tests.samples.payloads import NOW, store

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="DATABASE_URL does not name PostgreSQL",
    ),
]


def _partition_of(moment) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM samples_sample WHERE ts = %s",
            [moment],
        )
        return cursor.fetchone()[0]


def _children() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits"
            " WHERE inhparent = 'samples_sample'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_table_is_partitioned_with_a_default_partition(db) -> None:
    assert partitions.enabled()
    assert "samples_sample_default" in _children()


def test_partitions_are_prepared_ahead(db) -> None:
    created = actions.prepare_partitions(now=NOW)

    today = NOW.date()
    assert created == [today + timedelta(days=n) for n in range(-1, 4)]
    assert partitions.partition_name(today + timedelta(days=3)) in _children()
    assert actions.prepare_partitions(now=NOW) == []  # safe to run twice


def test_a_sample_without_its_day_partition_waits_in_the_default_one(relay) -> None:
    store(relay.node, NOW)
    assert _partition_of(NOW) == "samples_sample_default"

    # When the day's partition is created later, the row moves into it
    partitions.ensure([NOW.date()])

    assert _partition_of(NOW) == partitions.partition_name(NOW.date())
    assert Sample.objects.count() == 1


def test_retention_drops_whole_expired_partitions(relay, settings) -> None:
    # Given partitions for the last 20 days, each holding a sample
    settings.SAMPLES_RAW_RETENTION_DAYS = 14
    days = [NOW.date() - timedelta(days=n) for n in range(20)]
    partitions.ensure(days)
    for day in days:
        store(relay.node, NOW - (NOW.date() - day))
    # The test's open transaction holds the deferred foreign key checks of
    # those rows, which would block DROP TABLE; in production they are
    # committed long before.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = len(_children())

    # When expired samples are dropped
    counts = actions.drop_expired(now=NOW)

    # Then the days wholly older than 14 days are gone with their tables
    assert counts["raw_partitions"] == 5
    assert len(_children()) == before - 5
    oldest_kept = min(partitions.existing_days())
    assert oldest_kept == date(2025, 5, 18)
    assert Sample.objects.count() == 15
