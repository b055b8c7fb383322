"""A batch sent twice (a lost answer) is stored once and counted as duplicates."""

from __future__ import annotations

from datetime import timedelta

from apps.samples.models import Sample
from tests.samples.payloads import NOW, minutes, post_samples, sample


def test_a_new_batch_is_accepted_in_full(client, relay, frozen_now) -> None:
    # Given a node that has sent nothing yet
    batch = minutes(NOW - timedelta(minutes=4), 5)

    # When its agent sends five samples
    response = post_samples(client, relay.token, batch)

    # Then all five are stored
    assert response.status_code == 200
    assert response.json() == {"accepted": 5, "duplicates": 0}
    assert Sample.objects.filter(node=relay.node).count() == 5


def test_a_retried_batch_adds_nothing(client, relay, frozen_now) -> None:
    # Given a batch the service stored, whose answer the agent never got
    batch = minutes(NOW - timedelta(minutes=4), 5)
    post_samples(client, relay.token, batch)

    # When the agent sends it again
    response = post_samples(client, relay.token, batch)

    # Then every sample is a duplicate and nothing is stored twice
    assert response.json() == {"accepted": 0, "duplicates": 5}
    assert Sample.objects.filter(node=relay.node).count() == 5


def test_a_batch_overlapping_a_stored_one_counts_each_part(
    client, relay, frozen_now
) -> None:
    # Given three stored samples
    start = NOW - timedelta(minutes=5)
    post_samples(client, relay.token, minutes(start, 3))

    # When a batch repeats the last two and adds three new ones
    response = post_samples(
        client, relay.token, minutes(start + timedelta(minutes=1), 5)
    )

    # Then two are duplicates and three are new
    assert response.json() == {"accepted": 3, "duplicates": 2}
    assert Sample.objects.filter(node=relay.node).count() == 6


def test_the_first_of_two_samples_with_one_ts_is_kept(
    client, relay, frozen_now
) -> None:
    # Given a batch holding two different samples with the same ts
    first = sample(NOW, cpu_percent=10.0)
    second = sample(NOW, cpu_percent=90.0)

    # When it is sent
    response = post_samples(client, relay.token, [first, second])

    # Then one is stored, the first, and the other counts as a duplicate
    assert response.json() == {"accepted": 1, "duplicates": 1}
    assert Sample.objects.get(node=relay.node).cpu_percent == 10.0


def test_an_empty_batch_checks_the_token_and_stores_nothing(client, relay) -> None:
    response = post_samples(client, relay.token, [])

    assert response.status_code == 200
    assert response.json() == {"accepted": 0, "duplicates": 0}
