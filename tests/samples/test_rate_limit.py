"""A node that sends too fast gets 429 with Retry-After, per node and minute."""

from __future__ import annotations

import uuid

import pytest

from apps.nodes.actions import create_node
from apps.samples.api.throttling import NodeRateThrottle
from spoguild import counters
from tests.samples.payloads import post_samples


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttle's clock: 20 s into a minute, moved by the test."""
    now = [1_748_779_220.0]
    monkeypatch.setattr(NodeRateThrottle, "clock", staticmethod(lambda: now[0]))
    return now


def test_requests_above_the_limit_get_429_until_the_minute_ends(
    client, relay, settings, clock
) -> None:
    # Given a limit of three requests a minute
    settings.SAMPLES_INTAKE_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert post_samples(client, relay.token, []).status_code == 200

    # When a fourth comes in the same minute
    response = post_samples(client, relay.token, [])

    # Then it waits for the 40 s left of the minute
    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert "error" in response.json()


def test_the_next_minute_opens_again(client, relay, settings, clock) -> None:
    settings.SAMPLES_INTAKE_RATE_PER_MINUTE = 1
    post_samples(client, relay.token, [])
    assert post_samples(client, relay.token, []).status_code == 429

    clock[0] += 40

    assert post_samples(client, relay.token, []).status_code == 200


def test_one_nodes_limit_does_not_hold_back_another(
    client, relay, actors, settings, clock
) -> None:
    settings.SAMPLES_INTAKE_RATE_PER_MINUTE = 1
    _other, other_token = create_node(actors.organization, name="relay2")
    post_samples(client, relay.token, [])

    response = post_samples(client, other_token, [])

    assert response.status_code == 200


def test_the_default_limit_leaves_room_for_a_full_backlog(settings) -> None:
    # A 7-day spool (10080 samples) in batches of 500 is 21 requests.
    assert settings.SAMPLES_INTAKE_RATE_PER_MINUTE >= 2 * 21


def test_a_count_without_redis_lives_in_the_cache(settings) -> None:
    # The embedded setup: no REDIS_URL, so one process's cache counts.
    settings.REDIS_URL = ""

    key = f"probe:{uuid.uuid4().hex}"

    counts = [counters.increment(key, expires_in=60) for _ in range(2)]

    assert counts == [1, 2]
