"""Why the intake refused a node's batch is kept on the node and shown on its page.

A refused sample never arrives, so without this a host whose clock runs
ahead would only look silent.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from apps.nodes.actions import record_refusal
from apps.nodes.models import Node
from apps.samples.protocol import MAX_SAMPLES
from tests.samples.payloads import NOW, minutes, post_samples, sample


def _node_page(client, node: Node) -> str:
    kwargs = {"org": node.organization.public_id, "node": node.public_id}
    return client.get(reverse("nodes:detail", kwargs=kwargs)).content.decode()


def test_a_sample_from_the_future_is_named_on_the_node_page(
    client, owner_client, relay, frozen_now
) -> None:
    # Given an agent whose host clock runs twenty minutes ahead
    ahead = sample(NOW + timedelta(minutes=20))

    # When it sends a sample
    response = post_samples(client, relay.token, [ahead])

    # Then the refusal is kept with its field, and the node page shows it
    assert response.status_code == 400
    node = Node.objects.get(pk=relay.node.pk)
    assert node.last_refusal == (
        "samples[0].ts: ts is in the future; check the host's clock"
    )
    assert node.last_refusal_at == NOW
    page = _node_page(owner_client, node)
    assert 'data-testid="last-refusal"' in page
    assert "ts is in the future" in page


def test_the_same_refusal_is_written_once_a_minute(relay) -> None:
    record_refusal(relay.node.pk, "samples[0].ts: bad", NOW)

    record_refusal(relay.node.pk, "samples[0].ts: bad", NOW + timedelta(seconds=30))
    kept = Node.objects.get(pk=relay.node.pk).last_refusal_at
    record_refusal(relay.node.pk, "samples[0].ts: bad", NOW + timedelta(seconds=61))
    later = Node.objects.get(pk=relay.node.pk).last_refusal_at

    assert kept == NOW
    assert later == NOW + timedelta(seconds=61)


def test_a_new_reason_is_written_at_once(relay) -> None:
    record_refusal(relay.node.pk, "samples[0].ts: bad", NOW)

    record_refusal(relay.node.pk, "version: too new", NOW + timedelta(seconds=1))

    node = Node.objects.get(pk=relay.node.pk)
    assert (node.last_refusal, node.last_refusal_at) == (
        "version: too new",
        NOW + timedelta(seconds=1),
    )


def test_a_batch_the_agent_will_split_is_not_recorded(
    client, relay, frozen_now
) -> None:
    # Too many samples answer 413, which the agent handles by splitting.
    batch = minutes(NOW - timedelta(days=1), MAX_SAMPLES + 1)

    response = post_samples(client, relay.token, batch)

    assert response.status_code == 413
    assert Node.objects.get(pk=relay.node.pk).last_refusal_at is None
