"""The service checks the same sample keys the agent sends (PROTOCOL.md)."""

from __future__ import annotations

from django.conf import settings

from apps.samples.protocol import NODE, SAMPLE
from spoguild_agent import NODE_KEYS
from tests.samples.payloads import NOW, sample


def test_every_node_key_the_agent_sends_is_checked() -> None:
    assert set(NODE) == set(NODE_KEYS)


def test_the_sample_shape_has_the_documented_top_level_keys() -> None:
    assert list(SAMPLE) == list(sample(NOW))


def test_the_upkeep_tasks_are_scheduled() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "apps.samples.tasks.roll_up_recent",
        "apps.samples.tasks.prepare_sample_partitions",
        "apps.samples.tasks.drop_expired_samples",
    } <= tasks
