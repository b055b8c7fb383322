"""A backlog sent after an outage never moves a node's latest state backwards."""

from __future__ import annotations

from datetime import timedelta

from apps.samples.models import Sample
from tests.samples.conftest import reload
from tests.samples.payloads import NOW, minutes, post_samples, sample


def test_the_first_batch_sets_the_latest_state_from_its_newest_sample(
    client, relay, frozen_now
) -> None:
    batch = minutes(NOW - timedelta(minutes=2), 3)
    batch[-1]["host"]["cpu_percent"] = 77.0

    post_samples(client, relay.token, batch)

    node = reload(relay.node)
    assert node.last_sample_at == NOW
    assert node.state.ts == NOW
    assert node.state.cpu_percent == 77.0
    assert node.state.data == batch[-1]


def test_a_late_backlog_is_stored_but_leaves_the_latest_state(
    client, relay, frozen_now
) -> None:
    # Given a node whose newest sample is from now
    post_samples(client, relay.token, [sample(NOW, cpu_percent=5.0)])

    # When the backlog of an earlier hour arrives afterwards
    backlog = minutes(NOW - timedelta(hours=2), 60, cpu_percent=99.0)
    response = post_samples(client, relay.token, backlog)

    # Then the backlog is stored, and the latest state is still now's
    node = reload(relay.node)
    assert response.json() == {"accepted": 60, "duplicates": 0}
    assert Sample.objects.filter(node=relay.node).count() == 61
    assert node.last_sample_at == NOW
    assert (node.state.ts, node.state.cpu_percent) == (NOW, 5.0)


def test_a_newer_batch_moves_the_latest_state_on(client, relay, frozen_now) -> None:
    post_samples(client, relay.token, [sample(NOW - timedelta(minutes=1))])

    post_samples(client, relay.token, [sample(NOW, cpu_percent=42.0)])

    node = reload(relay.node)
    assert (node.last_sample_at, node.state.cpu_percent) == (NOW, 42.0)


def test_a_repeated_old_batch_changes_nothing(client, relay, frozen_now) -> None:
    old = [sample(NOW - timedelta(minutes=5), cpu_percent=1.0)]
    post_samples(client, relay.token, old)
    post_samples(client, relay.token, [sample(NOW, cpu_percent=2.0)])

    post_samples(client, relay.token, old)

    node = reload(relay.node)
    assert (node.last_sample_at, node.state.cpu_percent) == (NOW, 2.0)
